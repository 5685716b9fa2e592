package dev.edgetrain.onnx;

import dev.edgetrain.onnx.graph.GraphBuilder;
import dev.edgetrain.onnx.graph.ModelEnvelope;
import dev.edgetrain.onnx.graph.OnnxOp;
import dev.edgetrain.runtime.io.AtomicFile;
import dev.edgetrain.onnx.proto.ModelProto;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.ParameterLayout;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a runtime {@link Network} as an ONNX model that onnxruntime (or any ONNX runtime) computes the
 * same way:
 * <pre>
 *   input [N, features] → Gemm(transB=1) → Relu → … → Gemm(transB=1) → Softmax(axis=-1) → probabilities [N, classes]
 * </pre>
 * Each dense layer is one Gemm whose B is the layer's weight {@code [out][in]} as stored by the runtime
 * (so no transposition and bit-identical weights) and whose C is its bias (absent for a layer without one).
 * Weights are little-endian {@code raw_data} initializers named {@code layer<l>.weight} / {@code layer<l>.bias}.
 * Default operator set {@value #OPSET_VERSION}, IR version {@value ModelEnvelope#IR_VERSION}.
 *
 * <p>The export is split in two, as in Tribuo's ONNX layer: {@link #graphFragment} builds the graph
 * through a {@link GraphBuilder} (which owns the names), and {@link ModelEnvelope} wraps it with the
 * producer, versions, doc string and {@code metadata_props} (see {@link ModelMetadata}).
 *
 * <p>Reads the network only; it may be exported while no optimizer step runs on it.
 */
public final class OnnxExporter {
    /** The default-domain operator set of exported models. */
    public static final int OPSET_VERSION = OnnxOp.MIN_OPSET;
    /** The name of the graph input. */
    public static final String INPUT_NAME = "input";
    /** The name of the symbolic batch dimension of the input and outputs. */
    public static final String BATCH_DIM = "N";
    /** The name of the optional extra output (and of the last Gemm's output). */
    public static final String LOGITS_NAME = OutputKind.LOGITS.outputName();

    private OnnxExporter() {
    }

    /** The model as a generated {@link ModelProto}. */
    public static ModelProto toModel(Network network, ExportOptions options) {
        if (network == null) {
            throw new IllegalArgumentException("network must not be null");
        }
        ExportOptions o = options == null ? ExportOptions.defaults() : options;
        checkFits(network.spec(), o);
        checkFinite(network);
        GraphBuilder graph = new GraphBuilder("edgetrain_classifier");
        graphFragment(graph, network, o);
        return ModelEnvelope.wrap(graph.build(), graph.opsetVersion(), o.modelVersion(), docString(network, o),
                metadata(network, o));
    }

    /** The serialized model, as written to a {@code .onnx} file. */
    public static byte[] toBytes(Network network, ExportOptions options) {
        return toModel(network, options).toByteArray();
    }

    /**
     * Writes the model to {@code file} atomically (temporary file in the same directory, {@code fsync},
     * rename): a failure or a crash leaves any previous file as it was. The model is built, and the options
     * checked, before the disk is touched.
     */
    public static void write(Network network, ExportOptions options, File file) throws IOException {
        final ModelProto model = toModel(network, options);
        AtomicFile.write(file, new AtomicFile.Content() {
            @Override
            public void writeTo(OutputStream out) throws IOException {
                model.writeTo(out);
            }
        });
    }

    /**
     * The graph fragment: adds input {@code input [N, features]}, the layers and the outputs to {@code graph}.
     * Returns the name of the main output.
     */
    static String graphFragment(GraphBuilder graph, Network network, ExportOptions o) {
        final NetworkSpec spec = network.spec();
        final ParameterLayout layout = network.layout();
        final float[] params = network.copyParameters();
        final OutputKind kind = o.outputFor(spec.task());

        String value = graph.addFloatInput(INPUT_NAME, BATCH_DIM, spec.inputs());
        // Claim the output names first, so no internal name can take them.
        final String logits = graph.reserveValueName(LOGITS_NAME);
        final String main = kind == OutputKind.LOGITS ? logits : graph.reserveValueName(kind.outputName());

        final int last = layout.layerCount() - 1;
        for (int l = 0; l <= last; l++) {
            final int in = layout.inputs(l);
            final int out = layout.outputs(l);
            String weight;
            String bias = null;
            if (l == 0 && o.meanRef() != null) {
                FoldedLayer folded = FoldedLayer.fold(params, layout, o.meanRef(), o.stdRef());
                weight = graph.addFloatInitializer(layout.weightName(0), folded.weight, 0, out, in);
                if (folded.bias != null) {
                    bias = graph.addFloatInitializer(layout.biasName(0), folded.bias, 0, out);
                }
            } else {
                weight = graph.addFloatInitializer(layout.weightName(l), params, layout.weightOffset(l), out, in);
                if (layout.biasOffset(l) >= 0) {
                    bias = graph.addFloatInitializer(layout.biasName(l), params, layout.biasOffset(l), out);
                }
            }
            String[] inputs = bias == null ? new String[] {value, weight} : new String[] {value, weight, bias};
            String linear = l == last ? logits : graph.uniqueValueName("layer" + l + ".linear");
            graph.addNode(OnnxOp.GEMM, "layer" + l + ".gemm", inputs, linear, GraphBuilder.intAttribute("transB", 1));
            value = linear;
            if (l < last) {
                String relu = graph.uniqueValueName("layer" + l + ".relu");
                graph.addNode(OnnxOp.RELU, "layer" + l + ".relu", new String[] {value}, relu);
                value = relu;
            }
        }
        if (kind == OutputKind.PROBABILITIES) {
            graph.addNode(OnnxOp.SOFTMAX, "softmax", new String[] {logits}, main, GraphBuilder.intAttribute("axis", -1));
        } else if (kind == OutputKind.LOG_PROBABILITIES) {
            graph.addNode(OnnxOp.LOG_SOFTMAX, "log_softmax", new String[] {logits}, main,
                    GraphBuilder.intAttribute("axis", -1));
        }
        graph.addFloatOutput(main, BATCH_DIM, spec.classes());
        if (o.includeLogits() && kind != OutputKind.LOGITS) {
            graph.addFloatOutput(logits, BATCH_DIM, spec.classes());
        }
        return main;
    }

    /** A diverged network (NaN or infinite weights) is refused rather than written as a file that outputs NaN. */
    private static void checkFinite(Network network) {
        int i = network.firstNonFiniteParameter();
        if (i >= 0) {
            throw new IllegalArgumentException("parameter " + network.layout().describe(i) + " is "
                    + network.parameter(i) + "; expected finite weights (has training diverged?)");
        }
    }

    private static void checkFits(NetworkSpec spec, ExportOptions o) {
        String[] labels = o.classLabelsRef();
        if (labels != null && labels.length != spec.classes()) {
            throw new IllegalArgumentException(labels.length + " class labels given, network " + spec + " has "
                    + spec.classes() + " classes");
        }
        String[] features = o.featureNamesRef();
        if (features != null && features.length != spec.inputs()) {
            throw new IllegalArgumentException(features.length + " feature names given, network " + spec + " has "
                    + spec.inputs() + " inputs");
        }
        if (o.meanRef() != null && o.meanRef().length != spec.inputs()) {
            throw new IllegalArgumentException("standardizer has " + o.meanRef().length + " features, network " + spec
                    + " has " + spec.inputs() + " inputs");
        }
    }

    private static String docString(Network network, ExportOptions o) {
        if (o.docString() != null) {
            return o.docString();
        }
        NetworkSpec spec = network.spec();
        StringBuilder sb = new StringBuilder("edgetrain feed-forward classifier ").append(spec).append(": ");
        for (int l = 0; l < spec.layerCount(); l++) {
            sb.append(l == 0 ? "Gemm" : " -> Relu -> Gemm");
        }
        if (o.outputFor(spec.task()) == OutputKind.PROBABILITIES) {
            sb.append(" -> Softmax");
        } else if (o.outputFor(spec.task()) == OutputKind.LOG_PROBABILITIES) {
            sb.append(" -> LogSoftmax");
        }
        if (o.meanRef() != null) {
            sb.append("; input standardisation folded into the first Gemm, takes raw features");
        }
        return sb.toString();
    }

    private static Map<String, String> metadata(Network network, ExportOptions o) {
        Map<String, String> m = new LinkedHashMap<String, String>();
        m.put(ModelMetadata.METADATA_VERSION, ModelMetadata.CURRENT_VERSION);
        m.put(ModelMetadata.ARCHITECTURE, network.spec().toString());
        m.put(ModelMetadata.OUTPUT, o.outputFor(network.spec().task()).outputName());
        if (o.classLabelsRef() != null) {
            m.put(ModelMetadata.CLASS_LABELS, ModelMetadata.encodeList(o.classLabelsRef()));
        }
        if (o.featureNamesRef() != null) {
            m.put(ModelMetadata.FEATURE_NAMES, ModelMetadata.encodeList(o.featureNamesRef()));
        }
        if (o.meanRef() != null) {
            m.put(ModelMetadata.STANDARDIZATION, ModelMetadata.STANDARDIZATION_FOLDED);
        }
        m.putAll(o.metadata());
        return m;
    }

    /** The first layer with {@code x' = (x − mean)/std} folded in. */
    static final class FoldedLayer {
        /** {@code W'[o][i] = W[o][i] / std[i]}. */
        final float[] weight;
        /** {@code b'[o] = b[o] − Σ_i W'[o][i]·mean[i]}, or null when there is no bias and every mean is 0. */
        final float[] bias;

        private FoldedLayer(float[] weight, float[] bias) {
            this.weight = weight;
            this.bias = bias;
        }

        static FoldedLayer fold(float[] params, ParameterLayout layout, float[] mean, float[] std) {
            final int in = layout.inputs(0);
            final int out = layout.outputs(0);
            final int w0 = layout.weightOffset(0);
            final int b0 = layout.biasOffset(0);
            boolean centred = true;
            for (float m : mean) {
                centred &= m == 0f;
            }
            float[] w = new float[in * out];
            float[] b = b0 < 0 && centred ? null : new float[out];
            for (int o = 0; o < out; o++) {
                // The bias shift is summed in double from the rounded W', so the folded graph is exact up to
                // one float rounding of b'.
                double shift = 0;
                for (int i = 0; i < in; i++) {
                    float wi = params[w0 + o * in + i] / std[i];
                    w[o * in + i] = wi;
                    shift += (double) wi * mean[i];
                }
                if (b != null) {
                    b[o] = (float) ((b0 < 0 ? 0.0 : params[b0 + o]) - shift);
                }
            }
            for (int k = 0; k < w.length; k++) {
                if (!(Math.abs(w[k]) <= Float.MAX_VALUE)) {
                    throw new IllegalArgumentException("folding the standardizer into " + layout.describe(w0 + k)
                            + " gives " + w[k] + " (a std too small for the weight); expected a finite weight");
                }
            }
            if (b != null) {
                for (int o = 0; o < out; o++) {
                    if (!(Math.abs(b[o]) <= Float.MAX_VALUE)) {
                        throw new IllegalArgumentException("folding the standardizer into layer 0's bias[" + o
                                + "] gives " + b[o] + "; expected a finite bias");
                    }
                }
            }
            return new FoldedLayer(w, b);
        }
    }
}
