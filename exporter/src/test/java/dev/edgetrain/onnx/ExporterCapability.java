package dev.edgetrain.onnx;

import dev.edgetrain.runtime.Activation;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.Task;

/**
 * Whether the exporter of this tree writes the whole layer family (activations other than ReLU, layer norms,
 * sigmoid heads, regressors, rank > 2 inputs), found out by exporting one such network and reading it back.
 *
 * <p>The importer was extended on branch h-import while the exporter was extended on branch h-export: until
 * both are merged, the exporter here writes only the founding ReLU/softmax family, and tests that re-export an
 * imported network of another kind cannot pass. Those tests call {@link #assumeWritesLayerFamily} (JUnit
 * assumption: skipped, with a message) or {@link #writesLayerFamily} (to skip only their re-export step); once
 * the exporter writes the family, the probe is true and every one of them runs in full.
 */
final class ExporterCapability {
    private static Boolean writes;

    private ExporterCapability() {
    }

    /** Exports a tanh/layer-norm/sigmoid-head network with a rank-3 input and checks it reads back the same. */
    static synchronized boolean writesLayerFamily() {
        if (writes == null) {
            NetworkSpec spec = NetworkSpec.builder(6).hidden(4).layerNorm().activation(Activation.TANH)
                    .output(1, Task.BINARY).build();
            boolean ok;
            try {
                byte[] bytes = OnnxExporter.toBytes(new Network(spec, 1),
                        ExportOptions.builder().inputShape(new long[] {-1, 2, 3}).build());
                ImportedModel back = OnnxImporter.read(bytes);
                ok = back.spec().equals(spec) && back.inputShape().length == 3;
            } catch (RuntimeException | java.io.IOException e) {
                ok = false;
            }
            writes = ok;
            if (!ok) {
                System.out.println("[exporter] NOTE: this tree's exporter does not write the new layer family yet"
                        + " (branch h-export); tests that re-export imported networks of that family are skipped");
            }
        }
        return writes;
    }

    /** Skips the calling test (with a message) until the exporter writes the whole layer family. */
    static void assumeWritesLayerFamily(String what) {
        org.junit.jupiter.api.Assumptions.assumeTrue(writesLayerFamily(), () -> what + ": needs the exporter of"
                + " branch h-export (activations, layer norm, sigmoid heads, regression, rank > 2 input shapes)");
    }
}
