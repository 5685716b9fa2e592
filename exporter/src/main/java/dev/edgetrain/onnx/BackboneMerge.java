package dev.edgetrain.onnx;

import dev.edgetrain.onnx.graph.GraphBuilder;
import dev.edgetrain.onnx.graph.ModelEnvelope;
import dev.edgetrain.onnx.graph.OnnxOp;
import dev.edgetrain.onnx.proto.AttributeProto;
import dev.edgetrain.onnx.proto.GraphProto;
import dev.edgetrain.onnx.proto.ModelProto;
import dev.edgetrain.onnx.proto.NodeProto;
import dev.edgetrain.onnx.proto.OperatorSetIdProto;
import dev.edgetrain.onnx.proto.SparseTensorProto;
import dev.edgetrain.onnx.proto.StringStringEntryProto;
import dev.edgetrain.onnx.proto.TensorProto;
import dev.edgetrain.onnx.proto.TensorShapeProto;
import dev.edgetrain.onnx.proto.ValueInfoProto;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One ONNX model from a frozen backbone's input to a trained head's output: the backbone (e.g. openWakeWord's
 * {@code embedding_model.onnx}, a tf2onnx CNN, {@code input_1 [n, 76, 32, 1]} mel windows → {@code [n, 1, 1, 96]}),
 * then a {@code Reshape} of the tensor the head reads to the head's input shape ({@code [1, 16, 96]}), then the
 * head exactly as {@link OnnxExporter} writes it (its {@link OnnxExporter#graphFragment graph fragment}, the same
 * layers, names and head):
 * <pre>
 *   backbone inputs → [backbone nodes, untouched] → backboneOutput
 *       → Reshape(backboneOutput, &lt;input&gt;.shape = reshapeTo) → &lt;input&gt; [1, 16, 96]
 *       → Flatten → Gemm → … → head output [1, k]
 * </pre>
 * <ul>
 *   <li><b>The backbone is carried over untouched</b>: its nodes, initializers (the same messages, so the same
 *       bytes), sparse initializers, {@code value_info}, graph inputs and doc string, its opset imports (other
 *       domains such as {@code ai.onnx.ml} included) and anything the schema subset does not model (model-local
 *       functions, …). Its graph outputs become {@code value_info} entries: the merged model's outputs are the
 *       head's. Its {@code metadata_props} are not carried: the merged model's are the head's plus
 *       {@link ModelMetadata#BACKBONE}, {@link ModelMetadata#BACKBONE_PRODUCER}, {@link ModelMetadata#BACKBONE_SHA256},
 *       {@link ModelMetadata#BACKBONE_OUTPUT}, {@link ModelMetadata#BACKBONE_RESHAPE} and
 *       {@link ModelMetadata#BACKBONE_ROWS}.</li>
 *   <li><b>Names</b>: every backbone name (values and nodes, those of subgraphs included) is taken in by the
 *       {@link GraphBuilder} before the head is written, so the head's names never clash with them: a head name
 *       the backbone already uses gets a suffix ({@code layer0.weight_1}, {@code probabilities_1}). Names the
 *       options set explicitly ({@link ExportOptions.Builder#outputName}) are kept exactly, or refused when the
 *       backbone uses them. The reshaped value is named {@link ExportOptions#inputName()}, by default
 *       {@value #HEAD_INPUT}.</li>
 *   <li><b>Opset</b>: the model has one default-domain opset for backbone and head, and the backbone's import is
 *       kept as it is: raising it could change the meaning of a backbone op (checking that would need every
 *       backbone op's version history, which the op table {@link OnnxOp} does not hold for convolutions and the
 *       like). So the head is written at the backbone's opset, as {@link ExportOptions#targetOpset()} would write it:
 *       a layer norm below opset 17 and a GELU below 20 in their decomposed forms. A backbone below
 *       {@link OnnxOp#MIN_OPSET} or above {@link OnnxOp#MAX_KNOWN_OPSET}, or head options asking for another opset,
 *       are refused. A backbone without a default-domain import gets the head's own opset. The IR version is the
 *       higher of the backbone's and the one released with the opset.</li>
 *   <li><b>Batch</b>: the head sees one {@code reshapeTo} (its first dimension must be 1), so one run of the merged
 *       model takes exactly as many backbone rows as fill it: for openWakeWord's 96-value embeddings and
 *       {@code [1, 16, 96]}, 16 mel windows; another count fails in the {@code Reshape}. The backbone's input
 *       declaration is not changed (its batch stays as declared); the count is in the doc string and in
 *       {@link ModelMetadata#BACKBONE_ROWS}. The head's outputs are declared with a batch of 1.</li>
 * </ul>
 *
 * <p>{@link OnnxImporter} does not import a merged model (it reads feed-forward chains, not convolutions); it
 * refuses one with its usual message naming the first node it cannot read.
 */
public final class BackboneMerge {
    /** The default name of the reshaped backbone output, the head's input. */
    public static final String HEAD_INPUT = "head_input";

    private BackboneMerge() {
    }

    /**
     * Merges the backbone file {@code backbone} (read whole; {@link ModelMetadata#BACKBONE} is its file name and
     * {@link ModelMetadata#BACKBONE_SHA256} the hash of its bytes) with {@code head}, as described in the class
     * comment.
     *
     * @param backbone the backbone's ONNX file
     * @param backboneOutput the backbone tensor the head reads (a value a backbone node computes, e.g.
     *                       {@code conv2d_19})
     * @param reshapeTo      the head's input shape, first dimension 1, e.g. {@code [1, 16, 96]}; the dimensions after
     *                       the first multiply to the head's inputs
     * @param head the head network, whose inputs are the reshaped tensor's values
     * @param headOptions    as for {@link OnnxExporter#toModel}; null for the defaults
     * @return the merged model
     * @throws IOException              when the file cannot be read or is not an ONNX model
     * @throws IllegalArgumentException when backbone, tensor, shape, head or options do not fit (the message says
     *                                  what was expected)
     */
    public static ModelProto merge(File backbone, String backboneOutput, long[] reshapeTo, Network head,
                                   ExportOptions headOptions) throws IOException {
        if (backbone == null) {
            throw new IllegalArgumentException("backbone file must not be null");
        }
        return merge(readAll(backbone), backbone.getName(), backboneOutput, reshapeTo, head, headOptions);
    }

    /**
     * As {@link #merge(File, String, long[], Network, ExportOptions)}, from the backbone's bytes and a name to
     * record for it (e.g. its file name).
     *
     * @param backbone the backbone's serialised ONNX model
     * @param backboneName what the merged model's metadata calls the backbone
     * @param backboneOutput the backbone tensor the head reads
     * @param reshapeTo the head's input shape, first dimension 1
     * @param head the head network
     * @param headOptions as for {@link OnnxExporter#toModel}; null for the defaults
     * @return the merged model
     * @throws IOException when the bytes are not an ONNX model
     */
    public static ModelProto merge(byte[] backbone, String backboneName, String backboneOutput, long[] reshapeTo,
                                   Network head, ExportOptions headOptions) throws IOException {
        if (backbone == null || backboneName == null || backboneName.isEmpty()) {
            throw new IllegalArgumentException("backbone bytes and a non-empty backbone name are required");
        }
        ModelProto model;
        try {
            model = ModelProto.parseFrom(backbone);
        } catch (IOException e) {
            throw new IOException("backbone '" + backboneName + "' is not an ONNX model: " + e.getMessage(), e);
        }
        return merge(model, backboneName, sha256(backbone), backboneOutput, reshapeTo, new Network[] {head},
                headOptions);
    }

    /**
     * As {@link #merge(File, String, long[], Network, ExportOptions)}, from a parsed backbone; it is recorded by its
     * graph's name and the SHA-256 of its serialization.
     *
     * @param backbone the backbone model; not changed
     * @param backboneOutput the backbone tensor the head reads
     * @param reshapeTo the head's input shape, first dimension 1
     * @param head the head network
     * @param headOptions as for {@link OnnxExporter#toModel}; null for the defaults
     * @return the merged model
     */
    public static ModelProto merge(ModelProto backbone, String backboneOutput, long[] reshapeTo, Network head,
                                   ExportOptions headOptions) {
        if (backbone == null) {
            throw new IllegalArgumentException("backbone must not be null");
        }
        String name = backbone.getGraph().getName().isEmpty() ? "backbone" : backbone.getGraph().getName();
        return merge(backbone, name, sha256(backbone.toByteArray()), backboneOutput, reshapeTo, new Network[] {head},
                headOptions);
    }

    /**
     * As {@link #merge(byte[], String, String, long[], Network, ExportOptions)} with an averaged ensemble of heads
     * after the reshape ({@link OnnxExporter#toModel(Network[], ExportOptions)}).
     *
     * @param backbone the backbone's serialised ONNX model
     * @param backboneName what the merged model's metadata calls the backbone
     * @param backboneOutput the backbone tensor the heads read
     * @param reshapeTo the heads' input shape, first dimension 1
     * @param heads the ensemble's networks, all of one input width, at least one
     * @param headOptions as for {@link OnnxExporter#toModel}; null for the defaults
     * @return the merged model
     * @throws IOException when the bytes are not an ONNX model
     */
    public static ModelProto merge(byte[] backbone, String backboneName, String backboneOutput, long[] reshapeTo,
                                   Network[] heads, ExportOptions headOptions) throws IOException {
        if (backbone == null || backboneName == null || backboneName.isEmpty()) {
            throw new IllegalArgumentException("backbone bytes and a non-empty backbone name are required");
        }
        ModelProto model;
        try {
            model = ModelProto.parseFrom(backbone);
        } catch (IOException e) {
            throw new IOException("backbone '" + backboneName + "' is not an ONNX model: " + e.getMessage(), e);
        }
        return merge(model, backboneName, sha256(backbone), backboneOutput, reshapeTo, heads, headOptions);
    }

    /**
     * Writes a merged model to {@code file} atomically, as {@link OnnxExporter#write}: temporary file in the same
     * directory, {@code fsync}, rename; on failure any previous file is left as it was.
     *
     * @param merged a model {@code merge} made
     * @param file where to write; replaced whole or left as it was
     * @throws IOException when the file cannot be written
     */
    public static void write(ModelProto merged, File file) throws IOException {
        if (merged == null) {
            throw new IllegalArgumentException("model must not be null");
        }
        OnnxExporter.writeModel(merged, file);
    }

    private static ModelProto merge(ModelProto backbone, String backboneName, String sha256, String backboneOutput,
                                    long[] reshapeTo, Network[] heads, ExportOptions headOptions) {
        if (heads == null || heads.length == 0 || heads[0] == null) {
            throw new IllegalArgumentException("head network must not be null");
        }
        final Network head = heads[0];
        if (!backbone.hasGraph() || backbone.getGraph().getNodeCount() == 0) {
            throw new IllegalArgumentException("backbone '" + backboneName + "' has no graph nodes; expected a model"
                    + " whose nodes compute the head's input");
        }
        final GraphProto backboneGraph = backbone.getGraph();
        final BackboneNames names = BackboneNames.of(backboneGraph);
        names.checkComputed(backboneOutput, backboneName);
        final NetworkSpec spec = head.spec();
        checkReshape(reshapeTo, spec, headOptions);
        final long rows = rowsFilling(reshapeTo, declaredShape(backboneGraph, backboneOutput), backboneOutput);

        final int backboneOpset = defaultOpset(backbone);
        final ExportOptions o = headOptions(headOptions, reshapeTo, backboneOpset, backboneName);
        final OpsetPlan plan = OpsetPlan.resolve(spec, backboneOpset != 0 ? backboneOpset : o.targetOpset());
        OnnxExporter.checkMembers(heads, o);
        for (Network member : heads) {
            OnnxExporter.checkFits(member.spec(), o);
            OnnxExporter.checkFinite(member);
        }
        OnnxExporter.checkValueNames(heads, o, plan);
        final String headInputName = o.inputName() != null ? o.inputName() : HEAD_INPUT;
        if (o.outputName() != null && (names.values.contains(o.outputName())
                || o.outputName().equals(headInputName))) {
            throw new IllegalArgumentException("output name '" + o.outputName() + "' is already a value of the merged"
                    + " model (" + (o.outputName().equals(headInputName) ? "the reshaped backbone output"
                    : "backbone '" + backboneName + "'") + "); expected a name the model does not use");
        }

        GraphBuilder graph = new GraphBuilder(OnnxExporter.graphName(spec), plan.opset);
        for (String value : names.values) {
            graph.adoptValue(value);
        }
        for (String node : names.nodes) {
            graph.adoptNodeName(node);
        }
        // Reshape-5 and later: the target shape is an INT64 initializer input.
        String headInput = graph.uniqueValueName(headInputName);
        String shape = graph.addInt64Initializer(headInput + ".shape", reshapeTo, reshapeTo.length);
        graph.addNode(OnnxOp.RESHAPE, headInput + ".reshape", new String[] {backboneOutput, shape}, headInput);
        List<String> stages = OnnxExporter.graphFragment(graph, heads, o, plan, headInput);
        GraphProto headGraph = graph.build();

        String reshape = reshapeDescription(backboneOutput, declaredShape(backboneGraph, backboneOutput), rows,
                reshapeTo);
        Map<String, String> metadata = OnnxExporter.metadata(heads, o);
        metadata.put(ModelMetadata.BACKBONE, backboneName);
        metadata.put(ModelMetadata.BACKBONE_PRODUCER, producer(backbone));
        metadata.put(ModelMetadata.BACKBONE_SHA256, sha256);
        metadata.put(ModelMetadata.BACKBONE_OUTPUT, backboneOutput);
        metadata.put(ModelMetadata.BACKBONE_RESHAPE, reshape);
        if (rows > 0) {
            metadata.put(ModelMetadata.BACKBONE_ROWS, String.valueOf(rows));
        }
        String doc = docString(backbone, backboneName, reshape, rows, OnnxExporter.docString(spec, o, stages));
        return envelope(backbone, mergedGraph(backboneGraph, headGraph), plan.opset, backboneOpset, o, doc, metadata);
    }

    /** The backbone graph with the head's nodes, initializers and outputs after its own; its outputs as value_info. */
    private static GraphProto mergedGraph(GraphProto backbone, GraphProto head) {
        GraphProto.Builder g = backbone.toBuilder()
                .setName(head.getName())
                .clearOutput();
        Set<String> described = new HashSet<String>();
        for (ValueInfoProto v : backbone.getValueInfoList()) {
            described.add(v.getName());
        }
        for (ValueInfoProto v : backbone.getInputList()) {
            described.add(v.getName());
        }
        for (ValueInfoProto out : backbone.getOutputList()) {
            if (described.add(out.getName())) {
                g.addValueInfo(out);
            }
        }
        return g.addAllNode(head.getNodeList())
                .addAllInitializer(head.getInitializerList())
                .addAllOutput(head.getOutputList())
                .build();
    }

    /**
     * The backbone's model message with edgetrain's envelope: everything of the backbone's kept (opset imports,
     * unmodelled fields such as local functions) except producer, domain, version, doc string and metadata.
     */
    private static ModelProto envelope(ModelProto backbone, GraphProto graph, int opset, int backboneOpset,
                                       ExportOptions o, String doc, Map<String, String> metadata) {
        ModelProto.Builder model = backbone.toBuilder()
                .setIrVersion(Math.max(backbone.getIrVersion(), ModelEnvelope.irVersionFor(opset)))
                .setProducerName(ModelEnvelope.PRODUCER_NAME)
                .setProducerVersion(ModelEnvelope.producerVersion())
                .setDomain(ModelEnvelope.MODEL_DOMAIN)
                .clearModelVersion()
                .setDocString(doc)
                .clearMetadataProps()
                .setGraph(graph);
        if (backboneOpset == 0) {
            model.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset));
        }
        if (o.modelVersion() != null) {
            model.setModelVersion(o.modelVersion());
        }
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(e.getKey()).setValue(e.getValue()));
        }
        return model.build();
    }

    /** The head's options for the merged graph: input shape {@code reshapeTo}, batch 1, the backbone's opset. */
    private static ExportOptions headOptions(ExportOptions given, long[] reshapeTo, int backboneOpset,
                                             String backboneName) {
        ExportOptions o = given == null ? ExportOptions.defaults() : given;
        if (backboneOpset != 0 && o.targetOpset() != 0 && o.targetOpset() != backboneOpset) {
            throw new IllegalArgumentException("head options ask for opset " + o.targetOpset() + ", backbone '"
                    + backboneName + "' imports opset " + backboneOpset + " of the default domain; expected target"
                    + " opset 0 or " + backboneOpset + " (one model has one default-domain opset, and the backbone's"
                    + " is kept)");
        }
        if (o.fixedBatch() > 1) {
            throw new IllegalArgumentException("head options fix the batch at " + o.fixedBatch() + "; the merged"
                    + " head sees one " + Arrays.toString(reshapeTo) + ", expected fixed batch 0 or 1");
        }
        return o.toBuilder().inputShape(reshapeTo).fixedBatch(1).build();
    }

    /** The backbone's default-domain opset ({@code ""} or {@code ai.onnx}), 0 when it imports none; checked. */
    private static int defaultOpset(ModelProto backbone) {
        for (OperatorSetIdProto imp : backbone.getOpsetImportList()) {
            if (imp.getDomain().isEmpty() || imp.getDomain().equals("ai.onnx")) {
                long v = imp.getVersion();
                if (v < OnnxOp.MIN_OPSET || v > OnnxOp.MAX_KNOWN_OPSET) {
                    throw new IllegalArgumentException("backbone imports opset " + v + " of the default domain;"
                            + " expected " + OnnxOp.MIN_OPSET + " to " + OnnxOp.MAX_KNOWN_OPSET + " (the head is"
                            + " written at the backbone's opset, and edgetrain writes none below "
                            + OnnxOp.MIN_OPSET + "; raising the backbone's opset could change what its ops mean)");
                }
                return (int) v;
            }
        }
        return 0;
    }

    /** {@code reshapeTo}: first dimension 1, the others positive and multiplying to the head's inputs. */
    private static void checkReshape(long[] reshapeTo, NetworkSpec spec, ExportOptions headOptions) {
        if (reshapeTo == null || reshapeTo.length < 2 || reshapeTo[0] != 1) {
            throw new IllegalArgumentException("reshape target " + (reshapeTo == null ? "null"
                    : Arrays.toString(reshapeTo)) + " is not a head input; expected [1, d1, ...] (the head sees one"
                    + " row, e.g. [1, 16, 96])");
        }
        long features = 1;
        for (int i = 1; i < reshapeTo.length; i++) {
            if (reshapeTo[i] < 1 || reshapeTo[i] > spec.inputs()) {
                throw new IllegalArgumentException("reshape target " + Arrays.toString(reshapeTo) + " has dimension "
                        + i + " = " + reshapeTo[i] + "; expected 1 to " + spec.inputs());
            }
            features *= reshapeTo[i];
            if (features > spec.inputs()) {
                break;
            }
        }
        if (features != spec.inputs()) {
            throw new IllegalArgumentException("reshape target " + Arrays.toString(reshapeTo) + " does not hold the "
                    + spec.inputs() + " inputs of head " + spec + "; expected the dimensions after the first to"
                    + " multiply to " + spec.inputs());
        }
        long[] declared = headOptions == null ? null : headOptions.inputShape();
        if (declared != null && !Arrays.equals(Arrays.copyOfRange(declared, 1, declared.length),
                Arrays.copyOfRange(reshapeTo, 1, reshapeTo.length))) {
            throw new IllegalArgumentException("head options declare input shape " + Arrays.toString(declared)
                    + ", the reshape target is " + Arrays.toString(reshapeTo) + "; expected the same dimensions"
                    + " after the batch (or no input shape in the options)");
        }
    }

    /**
     * The declared shape of backbone value {@code name} (from its graph outputs or value_info), one entry per
     * dimension, -1 where symbolic or unknown; null when not declared.
     */
    private static long[] declaredShape(GraphProto graph, String name) {
        ValueInfoProto info = null;
        for (ValueInfoProto v : graph.getOutputList()) {
            info = v.getName().equals(name) ? v : info;
        }
        for (ValueInfoProto v : graph.getValueInfoList()) {
            info = info == null && v.getName().equals(name) ? v : info;
        }
        if (info == null || !info.getType().hasTensorType() || !info.getType().getTensorType().hasShape()) {
            return null;
        }
        TensorShapeProto shape = info.getType().getTensorType().getShape();
        long[] dims = new long[shape.getDimCount()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = shape.getDim(i).hasDimValue() && shape.getDim(i).getDimValue() > 0
                    ? shape.getDim(i).getDimValue() : -1;
        }
        return dims;
    }

    /**
     * How many backbone rows fill {@code reshapeTo}, from the backbone output's declared shape {@code [rows, …]}
     * with known dimensions after the first; -1 when the declaration does not say. A shape that cannot fill it is
     * refused.
     */
    private static long rowsFilling(long[] reshapeTo, long[] declared, String backboneOutput) {
        long total = 1;
        for (long d : reshapeTo) {
            total *= d;
        }
        if (declared == null || declared.length == 0) {
            return -1;
        }
        long perRow = 1;
        for (int i = 1; i < declared.length; i++) {
            if (declared[i] < 1) {
                return -1;
            }
            perRow *= declared[i];
            if (perRow > total) {
                break;
            }
        }
        if (total % perRow != 0 || (declared[0] > 0 && declared[0] * perRow != total)) {
            throw new IllegalArgumentException("backbone output '" + backboneOutput + "' is declared "
                    + Arrays.toString(declared) + " (" + perRow + " values per row), which no batch reshapes to "
                    + Arrays.toString(reshapeTo) + " (" + total + " values); expected a target holding a whole"
                    + " number of its rows");
        }
        return total / perRow;
    }

    private static String reshapeDescription(String output, long[] declared, long rows, long[] reshapeTo) {
        StringBuilder sb = new StringBuilder(output);
        if (declared != null) {
            long[] shown = declared.clone();
            if (rows > 0 && shown.length > 0) {
                shown[0] = rows;
            }
            sb.append(' ').append(Arrays.toString(shown).replace("-1", "?"));
        }
        return sb.append(" -> ").append(Arrays.toString(reshapeTo)).toString();
    }

    private static String docString(ModelProto backbone, String name, String reshape, long rows, String headDoc) {
        StringBuilder sb = new StringBuilder("edgetrain merged model: backbone ").append(name).append(" (")
                .append(producer(backbone)).append(", ").append(backbone.getGraph().getNodeCount())
                .append(" nodes, unchanged), Reshape ").append(reshape).append(", then the head: ").append(headDoc)
                .append(". ");
        if (rows > 0) {
            sb.append("One run takes exactly ").append(rows).append(" backbone rows");
            if (backbone.getGraph().getInputCount() > 0) {
                ValueInfoProto input = backbone.getGraph().getInput(0);
                sb.append(" (").append(input.getName()).append(' ').append(rowsShape(input, rows)).append(')');
            }
            sb.append('.');
        } else {
            sb.append("One run takes as many backbone rows as fill the reshape target.");
        }
        return sb.toString();
    }

    /** {@code [rows, d1, …]}: an input's declared shape with its first dimension as {@code rows}. */
    private static String rowsShape(ValueInfoProto input, long rows) {
        if (!input.getType().hasTensorType() || !input.getType().getTensorType().hasShape()) {
            return "[" + rows + ", ...]";
        }
        TensorShapeProto shape = input.getType().getTensorType().getShape();
        StringBuilder sb = new StringBuilder("[").append(rows);
        for (int i = 1; i < shape.getDimCount(); i++) {
            TensorShapeProto.Dimension d = shape.getDim(i);
            sb.append(", ").append(d.hasDimValue() ? String.valueOf(d.getDimValue()) : d.getDimParam());
        }
        return sb.append(']').toString();
    }

    private static String producer(ModelProto backbone) {
        String p = (backbone.getProducerName() + " " + backbone.getProducerVersion()).trim();
        return p.isEmpty() ? "unknown producer" : p;
    }

    private static byte[] readAll(File file) throws IOException {
        long length = file.length();
        if (!file.isFile()) {
            throw new IOException("backbone '" + file + "' is not a readable file");
        }
        if (length > Integer.MAX_VALUE - 8) {
            throw new IOException("backbone '" + file + "' has " + length + " bytes; expected under 2 GiB (the"
                    + " protobuf limit)");
        }
        byte[] bytes = new byte[(int) length];
        InputStream in = new FileInputStream(file);
        try {
            int off = 0;
            while (off < bytes.length) {
                int n = in.read(bytes, off, bytes.length - off);
                if (n < 0) {
                    throw new IOException("backbone '" + file + "' ended after " + off + " of " + length + " bytes");
                }
                off += n;
            }
        } finally {
            in.close();
        }
        return bytes;
    }

    static String sha256(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            StringBuilder hex = new StringBuilder(64);
            for (byte b : digest) {
                hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /** Every name a backbone uses, values and nodes, in its graph and the subgraphs of its nodes. */
    private static final class BackboneNames {
        final Set<String> values = new LinkedHashSet<String>();
        final Set<String> nodes = new LinkedHashSet<String>();
        /** Values the top-level graph's nodes compute. */
        final Set<String> computed = new HashSet<String>();
        final Set<String> graphInputs = new HashSet<String>();
        final List<ValueInfoProto> outputs;

        private BackboneNames(GraphProto graph) {
            this.outputs = graph.getOutputList();
        }

        static BackboneNames of(GraphProto graph) {
            BackboneNames names = new BackboneNames(graph);
            for (ValueInfoProto v : graph.getInputList()) {
                names.graphInputs.add(v.getName());
            }
            for (NodeProto n : graph.getNodeList()) {
                for (String out : n.getOutputList()) {
                    names.computed.add(out);
                }
            }
            names.collect(graph);
            return names;
        }

        private void collect(GraphProto graph) {
            addValues(graph.getInputList());
            addValues(graph.getOutputList());
            addValues(graph.getValueInfoList());
            for (TensorProto t : graph.getInitializerList()) {
                add(values, t.getName());
            }
            for (SparseTensorProto t : graph.getSparseInitializerList()) {
                add(values, t.getValues().getName());
            }
            for (NodeProto n : graph.getNodeList()) {
                add(nodes, n.getName());
                for (String in : n.getInputList()) {
                    add(values, in);
                }
                for (String out : n.getOutputList()) {
                    add(values, out);
                }
                for (AttributeProto a : n.getAttributeList()) {
                    if (a.hasG()) {
                        collect(a.getG());
                    }
                    for (GraphProto sub : a.getGraphsList()) {
                        collect(sub);
                    }
                }
            }
        }

        private void addValues(List<ValueInfoProto> infos) {
            for (ValueInfoProto v : infos) {
                add(values, v.getName());
            }
        }

        private static void add(Set<String> set, String name) {
            if (!name.isEmpty()) {
                set.add(name);
            }
        }

        /** {@code output} must be a value a top-level backbone node computes. */
        void checkComputed(String output, String backboneName) {
            if (output == null || output.isEmpty()) {
                throw new IllegalArgumentException("backbone output must be a non-empty tensor name");
            }
            if (!computed.contains(output)) {
                List<String> declared = new ArrayList<String>();
                for (ValueInfoProto v : outputs) {
                    declared.add(v.getName());
                }
                throw new IllegalArgumentException("backbone '" + backboneName + "' has no node computing '" + output
                        + "'" + (graphInputs.contains(output) ? " (it is a graph input)" : "") + "; expected one of"
                        + " its outputs " + declared + " or another node output");
            }
        }
    }
}
