package dev.edgetrain.onnx;

import dev.edgetrain.onnx.graph.GraphBuilder;
import dev.edgetrain.onnx.graph.ModelEnvelope;
import dev.edgetrain.onnx.graph.OnnxOp;
import dev.edgetrain.onnx.proto.AttributeProto;
import dev.edgetrain.onnx.proto.ModelProto;
import dev.edgetrain.onnx.proto.TensorShapeProto;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.ParameterLayout;
import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.io.AtomicFile;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Writes a runtime {@link Network} as an ONNX model that onnxruntime (or any ONNX runtime) computes the same
 * way, for every network the runtime builds:
 * <pre>
 *   input [N, features]  (or [N, d1, d2, …] → Flatten(axis=1))
 *   per layer l:  Gemm(transB=1) → [LayerNormalization] → [activation]        (dropout: nothing, training only)
 *   head:         Softmax(axis=-1) | LogSoftmax(axis=-1) | Sigmoid | none     → probabilities | log_probabilities
 *                                                                                 | logits | predictions [N, outputs]
 * </pre>
 * <ul>
 *   <li>Each dense layer is one Gemm whose B is the layer's weight {@code [out][in]} as stored by the runtime (so
 *       no transposition and bit-identical weights) and whose C is its bias (absent for a layer without one).
 *       Parameters are little-endian {@code raw_data} initializers named as {@link ParameterLayout} names them:
 *       {@code layer<l>.weight}, {@code layer<l>.bias}, {@code layer<l>.norm.scale}, {@code layer<l>.norm.bias}.
 *       A folded standardiser changes the first layer's weight and bias only.</li>
 *   <li>A layer norm is {@code LayerNormalization(axis=-1, epsilon)} from opset 17, below it PyTorch's
 *       decomposition {@code ReduceMean(axes=[-1]) → Sub → Pow(2) → ReduceMean → Add(ε) → Sqrt → Div → Mul(scale)
 *       → Add(bias)}.</li>
 *   <li>Activations: identity writes nothing; {@code Relu}, {@code LeakyRelu(alpha)}, {@code Tanh}, {@code Sigmoid};
 *       GELU is {@code Gelu(approximate="none"|"tanh")} from opset 20, below it PyTorch's decomposition
 *       ({@code Div(√2) → Erf → Add(1) → Mul(x) → Mul(½)}, or for tanh
 *       {@code Mul/Mul/Mul(κ)/Add/Mul(β)/Tanh/Add(1)/Mul(x)/Mul(½)}).</li>
 *   <li>The head comes from {@link ExportOptions#outputFor} the network's task; a kind that does not suit the task
 *       ({@link OutputKind#suits}) is refused. The value before the head is named {@code logits}.</li>
 *   <li>Names: the input is {@code input} and the main output is named after its kind, unless
 *       {@link ExportOptions.Builder#inputName} / {@link ExportOptions.Builder#outputName} name them (a drop-in
 *       replacement for another model, e.g. openWakeWord's {@code alexa_v0.1}: {@code onnx::Flatten_0 [1, 16, 96] →
 *       13 [1, 1]} with {@link ExportOptions.Builder#fixedBatch fixedBatch(1)}).</li>
 *   <li>Opset: {@link ExportOptions#targetOpset()} 0 writes the lowest that has every layer's native op (13; 17
 *       with a layer norm; 20 with a GELU); an explicit target writes exactly that opset, the decomposed forms where
 *       it is below the native op's, and never an op newer than it. The IR version is the one released with the
 *       opset ({@link ModelEnvelope#irVersionFor}).</li>
 * </ul>
 *
 * <p>The export is split in two, as in Tribuo's ONNX layer: {@link #graphFragment} builds the graph
 * through a {@link GraphBuilder} (which owns the names) and a {@link LayerWriter} per layer, and
 * {@link ModelEnvelope} wraps it with the producer, versions, doc string and {@code metadata_props} (see
 * {@link ModelMetadata}).
 *
 * <p>Reads the network only; it may be exported while no optimizer step runs on it.
 */
public final class OnnxExporter {
    /** The lowest default-domain operator set of exported models (a network without layer norm or GELU). */
    public static final int OPSET_VERSION = OnnxOp.MIN_OPSET;
    /** The name of the graph input. */
    public static final String INPUT_NAME = "input";
    /** The name of the symbolic batch dimension of the input and outputs. */
    public static final String BATCH_DIM = "N";
    /** The name of the optional extra output (and of the output layer's value before the head). */
    public static final String LOGITS_NAME = OutputKind.LOGITS.outputName();

    private OnnxExporter() {
    }

    /**
     * The model as a generated {@link ModelProto}.
     *
     * @param network the network to export; not changed
     * @param options how to export; null for {@link ExportOptions#defaults()}
     * @return the model
     * @throws IllegalArgumentException when the options do not fit the network
     */
    public static ModelProto toModel(Network network, ExportOptions options) {
        if (network == null) {
            throw new IllegalArgumentException("network must not be null");
        }
        return toModel(new Network[] {network}, options);
    }

    /**
     * An averaged ensemble as one model: every member (one architecture and task) reads the input, and a
     * {@code Mean} node averages their outputs (probabilities, or a regressor's predictions). One member is the
     * model {@link #toModel(Network, ExportOptions)} writes. The importer reads one member at a time, up to its
     * output {@code member<k>.<output>} ({@link ImportOptions.Builder#outputTensor}).
     *
     * @param members the ensemble, at least one network, all of one spec
     * @param options how to export; null for {@link ExportOptions#defaults()}
     * @return the model
     * @throws IllegalArgumentException when the members differ or the options do not fit them
     */
    public static ModelProto toModel(Network[] members, ExportOptions options) {
        ExportOptions o = options == null ? ExportOptions.defaults() : options;
        checkMembers(members, o);
        for (Network member : members) {
            checkFits(member.spec(), o);
            checkFinite(member);
        }
        OpsetPlan plan = OpsetPlan.resolve(members[0].spec(), o.targetOpset());
        checkValueNames(members, o, plan);
        GraphBuilder graph = new GraphBuilder(graphName(members[0].spec()), plan.opset);
        List<String> stages = graphFragment(graph, members, o, plan, null);
        return ModelEnvelope.wrap(graph.build(), graph.modelOpset(), o.modelVersion(),
                docString(members[0].spec(), o, stages), metadata(members, o));
    }

    /** The graph's name: {@code edgetrain_regressor} for regression, else {@code edgetrain_classifier}. */
    static String graphName(NetworkSpec spec) {
        return spec.task() == Task.REGRESS ? "edgetrain_regressor" : "edgetrain_classifier";
    }

    /**
     * The serialized model, as written to a {@code .onnx} file.
     *
     * @param network the network to export; not changed
     * @param options how to export; null for {@link ExportOptions#defaults()}
     * @return the serialised {@code ModelProto}
     */
    public static byte[] toBytes(Network network, ExportOptions options) {
        return toModel(network, options).toByteArray();
    }

    /**
     * Writes the model to {@code file} atomically (temporary file in the same directory, {@code fsync},
     * rename): a failure or a crash leaves any previous file as it was. The model is built, and the options
     * checked, before the disk is touched.
     *
     * @param network the network to export; not changed
     * @param options how to export; null for {@link ExportOptions#defaults()}
     * @param file where to write; replaced whole or left as it was
     * @throws IOException when the file cannot be written
     */
    public static void write(Network network, ExportOptions options, File file) throws IOException {
        writeModel(toModel(network, options), file);
    }

    /**
     * Writes an averaged ensemble ({@link #toModel(Network[], ExportOptions)}) atomically.
     *
     * @param members the ensemble, at least one network, all of one spec
     * @param options how to export; null for {@link ExportOptions#defaults()}
     * @param file where to write; replaced whole or left as it was
     * @throws IOException when the file cannot be written
     */
    public static void write(Network[] members, ExportOptions options, File file) throws IOException {
        writeModel(toModel(members, options), file);
    }

    /** Writes {@code model} to {@code file} atomically, as {@link #write(Network, ExportOptions, File)}. */
    static void writeModel(final ModelProto model, File file) throws IOException {
        AtomicFile.write(file, new AtomicFile.Content() {
            @Override
            public void writeTo(OutputStream out) throws IOException {
                model.writeTo(out);
            }
        });
    }

    /**
     * The graph fragment: adds the input ({@code input [N, features]}, or the options' input shape and a
     * {@code Flatten}), the layers, the head and the outputs to {@code graph}. Returns the stages written, in order
     * ({@code Gemm}, {@code Relu}, …), for the doc string.
     *
     * <p>{@code source} null: the input is a graph input named {@link ExportOptions#resolvedInputName()}. Otherwise
     * the network reads {@code source}, a value already defined in {@code graph} (a merged backbone's reshaped
     * output) of the options' input shape, and no graph input is declared. The output names are reserved before
     * any other: explicit ones ({@link ExportOptions#outputName()}) exactly, the default ones made unique, which
     * changes nothing in a graph of its own and keeps clear of a merged backbone's names.
     *
     * <p>Several {@code members} (of one spec, {@link #checkMembers}) make an averaged ensemble: each member's layers
     * and head read the one input under its own names ({@code member1.layer0.weight}, …) and write
     * {@code member<k>.<output>}, and a {@code Mean} node averages them into the output.
     */
    static List<String> graphFragment(GraphBuilder graph, Network[] members, ExportOptions o, OpsetPlan plan,
                                      String source) {
        final NetworkSpec spec = members[0].spec();
        final OutputKind kind = o.outputFor(spec.task());
        final LayerWriter first = new LayerWriter(graph, plan, members.length == 1 ? "" : "member1.");

        String input = source == null ? input(graph, spec, o, first)
                : flattened(graph, source, o.inputShape(), first);
        // Claim the output names first, so no internal name can take them. Without a head the output layer
        // writes the main output itself; with one it writes `logits`, which the head reads.
        final boolean head = hasHead(kind);
        final String main = o.outputName() != null ? graph.reserveValueName(o.outputName())
                : graph.uniqueValueName(kind.outputName());
        if (members.length == 1) {
            final String logits = head ? graph.uniqueValueName(LOGITS_NAME) : main;
            writeMember(graph, members[0], o, first, input, head ? logits : null, main);
            graph.addFloatOutput(main, batchDimension(o), spec.outputs());
            if (o.includeLogits() && head) {
                graph.addFloatOutput(logits, batchDimension(o), spec.outputs());
            }
            return first.stages();
        }
        String[] averaged = new String[members.length];
        for (int m = 0; m < members.length; m++) {
            String prefix = "member" + (m + 1) + ".";
            LayerWriter layers = m == 0 ? first : new LayerWriter(graph, plan, prefix);
            averaged[m] = graph.uniqueValueName(prefix + kind.outputName());
            writeMember(graph, members[m], o, layers, input,
                    head ? graph.uniqueValueName(prefix + LOGITS_NAME) : null, averaged[m]);
        }
        graph.addNode(OnnxOp.MEAN, "mean", averaged, main);
        first.addStage("Mean of " + members.length);
        graph.addFloatOutput(main, batchDimension(o), spec.outputs());
        return first.stages();
    }

    /**
     * One network's layers reading {@code input}, with its parameters' initializers: the output layer writes
     * {@code logits} and the head reads it and writes {@code out}, or (logits null: no head) the output layer
     * writes {@code out}.
     */
    private static void writeMember(GraphBuilder graph, Network network, ExportOptions o, LayerWriter layers,
                                    String input, String logits, String out) {
        final NetworkSpec spec = network.spec();
        final float[] params = network.copyParameters();
        final int last = spec.layerCount() - 1;
        String value = input;
        for (int l = 0; l <= last; l++) {
            String[] p = layerParameters(graph, network.layout(), params, l, o, layers.namePrefix());
            value = layers.write(l, spec.layer(l), value, p[0], p[1], p[2], p[3],
                    l == last ? (logits != null ? logits : out) : null);
        }
        if (logits != null) {
            OnnxOp op = headOp(o.outputFor(spec.task()), spec);
            graph.addNode(op, layers.namePrefix() + headNodeName(op), new String[] {logits}, out,
                    headAttributes(op));
            layers.addStage(op.opType());
        }
    }

    /**
     * An ensemble's members: at least one, all of one spec (architecture and task), as {@link #graphFragment}
     * averages them; an ensemble's output is probabilities or predictions, never logits, since the mean of
     * members' logits is not what the ensemble computes.
     */
    static void checkMembers(Network[] members, ExportOptions o) {
        if (members == null || members.length == 0) {
            throw new IllegalArgumentException("no network to export; expected at least one");
        }
        for (int m = 0; m < members.length; m++) {
            if (members[m] == null) {
                throw new IllegalArgumentException("member " + (m + 1) + " of " + members.length + " is null");
            }
            if (!members[m].spec().equals(members[0].spec())) {
                throw new IllegalArgumentException("member " + (m + 1) + " is " + members[m].spec() + ", member 1 is "
                        + members[0].spec() + "; expected every member of an ensemble to have one architecture");
            }
        }
        if (members.length > 1) {
            OutputKind kind = o.outputFor(members[0].spec().task());
            if (kind == OutputKind.LOGITS || kind == OutputKind.LOG_PROBABILITIES || o.includeLogits()) {
                throw new IllegalArgumentException("an ensemble of " + members.length + " averages its members' "
                        + OutputKind.defaultFor(members[0].spec().task()).outputName() + "; expected that output, "
                        + "not " + (o.includeLogits() ? "an extra logits output" : kind.outputName()));
            }
        }
    }

    /** The batch dimension of the input and outputs: symbolic {@code N}, or {@link ExportOptions#fixedBatch()}. */
    private static TensorShapeProto.Dimension batchDimension(ExportOptions o) {
        return o.fixedBatch() > 0 ? GraphBuilder.fixedDimension(o.fixedBatch())
                : GraphBuilder.symbolicDimension(BATCH_DIM);
    }

    /**
     * Adds layer {@code l}'s initializers: weight {@code [out][in]}, bias {@code [out]} (with the standardiser
     * folded into layer 0's), layer-norm scale and shift {@code [out]}. Returns their names, {@code null} for
     * those the layer lacks: {weight, bias, scale, shift}.
     */
    private static String[] layerParameters(GraphBuilder graph, ParameterLayout layout, float[] params, int l,
                                            ExportOptions o, String prefix) {
        final int in = layout.inputs(l);
        final int out = layout.outputs(l);
        String weight;
        String bias = null;
        if (l == 0 && o.meanRef() != null) {
            FoldedLayer folded = FoldedLayer.fold(params, layout, o.meanRef(), o.stdRef());
            weight = graph.addFloatInitializer(prefix + layout.weightName(0), folded.weight, 0, out, in);
            if (folded.bias != null) {
                bias = graph.addFloatInitializer(prefix + layout.biasName(0), folded.bias, 0, out);
            }
        } else {
            weight = graph.addFloatInitializer(prefix + layout.weightName(l), params, layout.weightOffset(l), out, in);
            if (layout.biasOffset(l) >= 0) {
                bias = graph.addFloatInitializer(prefix + layout.biasName(l), params, layout.biasOffset(l), out);
            }
        }
        String scale = null;
        String shift = null;
        if (layout.normScaleOffset(l) >= 0) {
            scale = graph.addFloatInitializer(prefix + layout.normScaleName(l), params, layout.normScaleOffset(l), out);
            shift = graph.addFloatInitializer(prefix + layout.normShiftName(l), params, layout.normShiftOffset(l), out);
        }
        return new String[] {weight, bias, scale, shift};
    }

    /** Declares the graph input; a rank above 2 is flattened to {@code [N, features]}. Returns the 2-D value. */
    private static String input(GraphBuilder graph, NetworkSpec spec, ExportOptions o, LayerWriter layers) {
        long[] shape = o.inputShape();
        long[] trailing = shape == null ? new long[] {spec.inputs()} : Arrays.copyOfRange(shape, 1, shape.length);
        String input = graph.addFloatInput(o.resolvedInputName(), batchDimension(o), trailing);
        return flattened(graph, input, shape, layers);
    }

    /**
     * {@code value} of {@code shape} as rows {@code [N, features]}: itself for a rank-2 (or null) shape, else a
     * {@code Flatten(axis=1)} node {@code <value>.flatten} into {@code <value>.flat}.
     */
    private static String flattened(GraphBuilder graph, String value, long[] shape, LayerWriter layers) {
        if (shape == null || shape.length == 2) {
            return value;
        }
        String flat = graph.uniqueValueName(value + ".flat");
        graph.addNode(OnnxOp.FLATTEN, value + ".flatten", new String[] {value}, flat,
                GraphBuilder.intAttribute("axis", 1));
        layers.addStage(OnnxOp.FLATTEN.opType());
        return flat;
    }

    /**
     * Explicit input and output names must differ from each other and from every value the exporter writes
     * itself with the default names (found by writing the graph that way: {@code logits}, {@code input.flat},
     * {@code layer<l>.…}, shared constants, …), so the graph keeps its documented names.
     */
    static void checkValueNames(Network[] members, ExportOptions o, OpsetPlan plan) {
        NetworkSpec spec = members[0].spec();
        String input = o.resolvedInputName();
        String output = o.resolvedOutputName(spec.task());
        if (input.equals(output)) {
            throw new IllegalArgumentException("input and output are both named '" + input + "'; expected distinct"
                    + " names (set ExportOptions.inputName or outputName)");
        }
        if (o.inputName() == null && o.outputName() == null) {
            return;
        }
        GraphBuilder defaults = new GraphBuilder(graphName(spec), plan.opset);
        graphFragment(defaults, members, o.toBuilder().inputName(null).outputName(null).build(), plan, null);
        Set<String> taken = defaults.valueNames();
        taken.remove(INPUT_NAME);
        taken.remove(o.outputFor(spec.task()).outputName());
        checkNotTaken("input", o.inputName(), taken);
        checkNotTaken("output", o.outputName(), taken);
    }

    private static void checkNotTaken(String role, String name, Set<String> taken) {
        if (name != null && taken.contains(name)) {
            throw new IllegalArgumentException(role + " name '" + name + "' is the name of a value the exporter"
                    + " writes in this graph; expected a name other than " + new TreeSet<String>(taken));
        }
    }

    /** Whether the output kind applies a function after the output layer (softmax, log-softmax, sigmoid). */
    private static boolean hasHead(OutputKind kind) {
        return kind == OutputKind.PROBABILITIES || kind == OutputKind.LOG_PROBABILITIES;
    }

    private static OnnxOp headOp(OutputKind kind, NetworkSpec spec) {
        if (kind == OutputKind.LOG_PROBABILITIES) {
            return OnnxOp.LOG_SOFTMAX;
        }
        return spec.task().sigmoidHead() ? OnnxOp.SIGMOID : OnnxOp.SOFTMAX;
    }

    private static String headNodeName(OnnxOp op) {
        return op == OnnxOp.LOG_SOFTMAX ? "log_softmax" : op.opType().toLowerCase(Locale.ROOT);
    }

    private static AttributeProto[] headAttributes(OnnxOp op) {
        return op == OnnxOp.SIGMOID ? new AttributeProto[0]
                : new AttributeProto[] {GraphBuilder.intAttribute("axis", -1)};
    }

    /** A diverged network (NaN or infinite weights) is refused rather than written as a file that outputs NaN. */
    static void checkFinite(Network network) {
        int i = network.firstNonFiniteParameter();
        if (i >= 0) {
            throw new IllegalArgumentException("parameter " + network.layout().describe(i) + " is "
                    + network.parameter(i) + "; expected finite weights (has training diverged?)");
        }
    }

    static void checkFits(NetworkSpec spec, ExportOptions o) {
        OutputKind kind = o.outputFor(spec.task());
        if (!kind.suits(spec.task())) {
            List<String> suitable = new ArrayList<String>();
            for (OutputKind k : OutputKind.values()) {
                if (k.suits(spec.task())) {
                    suitable.add(k.outputName());
                }
            }
            throw new IllegalArgumentException("output " + kind.outputName() + " does not suit the " + spec.task()
                    + " task of network " + spec + "; expected one of " + suitable);
        }
        String[] labels = o.classLabelsRef();
        int expectedLabels = ModelMetadata.classLabelCount(spec.task(), spec.outputs());
        if (labels != null && labels.length != expectedLabels) {
            throw new IllegalArgumentException(labels.length + " class labels given, network " + spec + " has "
                    + expectedLabels + " " + ModelMetadata.classLabelNoun(spec.task()));
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
        long[] shape = o.inputShape();
        if (shape != null) {
            long features2d = 1;
            for (int i = 1; i < shape.length && features2d <= spec.inputs(); i++) {
                features2d *= shape[i];
            }
            if (features2d != spec.inputs()) {
                throw new IllegalArgumentException("input shape " + Arrays.toString(shape) + " holds "
                        + (features2d > spec.inputs() ? "more than " + spec.inputs() : String.valueOf(features2d))
                        + " features per row, network " + spec + " has " + spec.inputs()
                        + " inputs; expected the dimensions after the batch to multiply to " + spec.inputs());
            }
        }
    }

    /** {@code edgetrain feed-forward <kind> <spec>: <stage> -> <stage> -> …} and notes, unless the options set one. */
    static String docString(NetworkSpec spec, ExportOptions o, List<String> stages) {
        if (o.docString() != null) {
            return o.docString();
        }
        StringBuilder sb = new StringBuilder("edgetrain feed-forward ").append(modelKind(spec.task())).append(' ')
                .append(spec).append(": ");
        for (int i = 0; i < stages.size(); i++) {
            sb.append(i == 0 ? "" : " -> ").append(stages.get(i));
        }
        if (o.meanRef() != null) {
            sb.append("; input standardisation folded into the first Gemm, takes raw features");
        }
        if (spec.hasDropout()) {
            sb.append("; dropout is training-only and not in the graph");
        }
        return sb.toString();
    }

    private static String modelKind(Task task) {
        switch (task) {
            case BINARY:
                return "binary classifier";
            case MULTILABEL:
                return "multi-label classifier";
            case REGRESS:
                return "regressor";
            default:
                return "classifier";
        }
    }

    static Map<String, String> metadata(Network[] members, ExportOptions o) {
        NetworkSpec spec = members[0].spec();
        Map<String, String> m = new LinkedHashMap<String, String>();
        m.put(ModelMetadata.METADATA_VERSION, ModelMetadata.CURRENT_VERSION);
        m.put(ModelMetadata.ARCHITECTURE, spec.toString());
        if (members.length > 1) {
            m.put(ModelMetadata.ENSEMBLE_MEMBERS, String.valueOf(members.length));
        }
        m.put(ModelMetadata.TASK, spec.task().id());
        m.put(ModelMetadata.OUTPUT, o.outputFor(spec.task()).outputName());
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
}
