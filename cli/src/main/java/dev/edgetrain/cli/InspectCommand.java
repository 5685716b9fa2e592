package dev.edgetrain.cli;

import dev.edgetrain.cli.support.Console;
import dev.edgetrain.cli.support.OutputOptions;
import dev.edgetrain.onnx.ImportedModel;
import dev.edgetrain.onnx.OutputKind;
import dev.edgetrain.runtime.Activation;
import dev.edgetrain.runtime.LayerSpec;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.Task;
import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code edgetrain inspect}: what a model file holds, as the runtime reads it. */
@Command(name = "inspect", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Show a model's input, output, layers with shapes, opset, producer and metadata.")
final class InspectCommand implements Callable<Integer> {
    @Mixin
    ModelInput modelInput;

    @Mixin
    OutputOptions outputOptions;

    @Override
    public Integer call() throws Exception {
        Console console = outputOptions.console();
        ModelFile m = modelInput.read();
        File model = modelInput.model;
        ImportedModel im = m.model;
        NetworkSpec spec = im.network().spec();
        List<String> layers = new ArrayList<>();
        for (int l = 0; l < spec.layerCount(); l++) {
            LayerSpec layer = spec.layer(l);
            String dense = String.format("dense %d: [N, %d] -> [N, %d], weight [%d][%d]%s", l, spec.layerInputs(l),
                    spec.layerOutputs(l), spec.layerOutputs(l), spec.layerInputs(l),
                    spec.hasBias(l) ? ", bias [" + spec.layerOutputs(l) + "]" : ", no bias");
            layers.add(dense);
            if (layer.layerNorm()) {
                layers.add("layer norm (eps " + layer.normEpsilon() + "), scale and shift [" + layer.outputs() + "]");
            }
            if (!layer.activation().equals(Activation.IDENTITY)) {
                layers.add(layer.activation().toString());
            }
            if (layer.dropout() > 0) {
                layers.add("dropout " + layer.dropout() + " (training only)");
            }
        }
        layers.add(head(spec.task(), im.outputKind()));
        console.result("%s: %d bytes, produced by %s, IR version %d, opset %d", model, m.bytes.length,
                im.producerName(), im.irVersion(), im.opsetVersion());
        console.line("input   %s %s (%d features)", im.inputName(), shape(im.inputShape()), im.featureCount());
        console.line("output  %s [N, %d] (%s, task %s)", im.outputName(), spec.outputs(),
                im.outputKind().name().toLowerCase(java.util.Locale.ROOT), spec.task());
        console.line("network %s, %d parameters", spec, im.network().layout().size());
        for (String layer : layers) {
            console.line("  %s", layer);
        }
        if (im.classLabels() != null) {
            console.line("%s %s", spec.task().hasClassLabels() ? "classes" : "outputs",
                    String.join(", ", im.classLabels()));
        }
        if (im.featureNames() != null) {
            String[] f = im.featureNames();
            console.line("features %s", f.length <= 12 ? String.join(", ", f)
                    : String.join(", ", Arrays.copyOf(f, 8)) + ", … (" + f.length + ")");
        }
        if (!im.metadata().isEmpty()) {
            console.line("metadata");
            for (Map.Entry<String, String> e : im.metadata().entrySet()) {
                String v = e.getValue();
                console.line("  %s = %s", e.getKey(), v.length() > 100 ? v.substring(0, 97) + "..." : v);
            }
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("model", model.getPath());
        doc.put("bytes", m.bytes.length);
        doc.put("producer", im.producerName());
        doc.put("ir_version", im.irVersion());
        doc.put("opset", im.opsetVersion());
        doc.put("input", im.inputName());
        doc.put("input_shape", im.inputShape());
        doc.put("output", im.outputName());
        doc.put("output_kind", im.outputKind().name().toLowerCase(java.util.Locale.ROOT));
        doc.put("task", spec.task().id());
        doc.put("network", spec.toString());
        doc.put("layers", layers);
        doc.put("class_labels", im.classLabels());
        doc.put("feature_names", im.featureNames());
        doc.put("metadata", im.metadata());
        console.document(doc);
        return Edgetrain.EXIT_OK;
    }

    /** The head the file applies after the output layer. */
    private static String head(Task task, OutputKind kind) {
        switch (kind) {
            case PROBABILITIES:
                return task == Task.CLASSIFY ? "softmax" : "sigmoid";
            case LOG_PROBABILITIES:
                return "log_softmax";
            default:
                return "no head (" + kind.outputName() + ")";
        }
    }

    private static String shape(long[] dims) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(dims[i] < 0 ? "N" : String.valueOf(dims[i]));
        }
        return sb.append(']').toString();
    }
}
