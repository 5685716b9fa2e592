package dev.edgetrain.onnx.imports;

import dev.edgetrain.onnx.ImportLimits;
import dev.edgetrain.onnx.ModelMetadata;
import dev.edgetrain.onnx.OnnxImportException;
import dev.edgetrain.onnx.proto.GraphProto;
import dev.edgetrain.onnx.proto.ModelProto;
import dev.edgetrain.onnx.proto.ValueInfoProto;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.Task;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.edgetrain.onnx.imports.ImportErrors.abbreviate;

/**
 * Turns a {@link ModelProto} into a runtime network: the checks of the envelope and the graph (limits, opset,
 * the one feature input, names), constant folding, the chain walk ({@link ChainWalker}), the head and task
 * ({@link HeadRules}) and the network ({@link NetworkAssembler}). Public only for
 * {@code dev.edgetrain.onnx.OnnxImporter}, the public entry point; only {@link OnnxImportException} comes out.
 */
public final class GraphImporter {
    private GraphImporter() {
    }

    /**
     * Reads {@code model} within {@code limits}, up to {@code outputTensor} (a value of the graph) or, when it is
     * null, up to the graph's output.
     *
     * @param model the parsed model
     * @param limits the size limits to read within
     * @param outputTensor the value to end at, or null for the graph's output
     * @return the network and what the model says about it
     * @throws OnnxImportException when the model exceeds the limits or holds no importable MLP (the message names the
     *                             node and op at fault)
     */
    public static ImportResult read(ModelProto model, ImportLimits limits, String outputTensor)
            throws OnnxImportException {
        if (!model.hasGraph()) {
            throw new OnnxImportException("the model has no graph (ModelProto field 7); expected an ONNX model"
                    + (model.getSerializedSize() == 0 ? " (the input is empty)" : ""));
        }
        GraphProto graph = model.getGraph();
        if (graph.getNodeCount() > limits.maxNodes()) {
            throw new OnnxImportException("the graph has " + graph.getNodeCount() + " nodes; expected at most "
                    + limits.maxNodes() + " (ImportLimits.maxNodes)");
        }
        int opset = ModelHeader.defaultOpset(model);
        LimitsAccount account = new LimitsAccount(limits);
        OpRules rules = new OpRules(opset);
        Constants constants = new Constants(account, rules);
        constants.readInitializers(graph);

        ValueInfoProto feed = feed(graph, constants);
        long[] inputShape = new ShapeRules(rules, constants, account).inputShape(feed);
        GraphIndex.checkNodes(graph, feed.getName());
        boolean[] folded = constants.fold(graph.getNodeList());
        GraphIndex index = GraphIndex.of(graph, folded, constants);
        if (outputTensor != null) {
            checkOutputTensor(index, outputTensor, feed.getName());
        }

        ChainWalker chain = new ChainWalker(new ChainScope(index, outputTensor), constants, rules, account,
                feed.getName(), inputShape);
        chain.walk();
        if (outputTensor == null) {
            checkOutputs(index, chain.end(), chain.chainValues());
        }
        Map<String, String> metadata = ModelHeader.metadata(model);
        List<LayerDraft> layers = chain.layers();
        LayerDraft last = layers.get(layers.size() - 1);
        int headNode = chain.headNode();
        HeadRules.Resolution head = HeadRules.resolve(last, chain.head(), headNode,
                headNode < 0 ? null : index.nodes.get(headNode), HeadRules.declaredTask(metadata));
        Network network = NetworkAssembler.build(layers, head.task, limits.maxLayerWidth());
        int features = network.spec().inputs();
        int outputs = network.spec().outputs();
        String[] classLabels = ModelHeader.list(metadata, ModelMetadata.CLASS_LABELS,
                ModelMetadata.classLabelCount(head.task, outputs), ModelMetadata.classLabelNoun(head.task));
        String[] featureNames = ModelHeader.list(metadata, ModelMetadata.FEATURE_NAMES, features, "input features");
        return new ImportResult(network, head.task, head.kind, feed.getName(), chain.end(),
                inputShape == null ? new long[] {-1, features} : inputShape, classLabels, featureNames, metadata,
                opset);
    }

    /** The one feature input: graph inputs that are also initializers are constants (IR < 4 style). */
    private static ValueInfoProto feed(GraphProto graph, Constants constants) throws OnnxImportException {
        List<ValueInfoProto> feeds = new ArrayList<ValueInfoProto>();
        for (ValueInfoProto in : graph.getInputList()) {
            if (constants.get(in.getName()) == null) {
                feeds.add(in);
            }
        }
        if (feeds.size() != 1) {
            List<String> names = new ArrayList<String>();
            for (ValueInfoProto f : feeds) {
                names.add(f.getName());
            }
            throw new OnnxImportException("the graph has " + feeds.size() + " input(s) that are not initializers "
                    + abbreviate(names) + "; expected exactly one (the features), with every weight a constant");
        }
        return feeds.get(0);
    }

    private static void checkOutputTensor(GraphIndex index, String tensor, String feed) throws OnnxImportException {
        int producer = index.producer(tensor);
        if (producer < 0 || index.folded[producer]) {
            List<String> outputs = new ArrayList<String>(index.graphOutputs());
            throw new OnnxImportException("ImportOptions.outputTensor '" + tensor + "' is "
                    + (tensor.equals(feed) ? "the graph's input"
                    : producer < 0 ? "not computed by any node of the graph" : "a constant")
                    + "; expected the output of a node on the chain (the graph's outputs are "
                    + abbreviate(outputs) + ")");
        }
    }

    /** The chain ends in a graph output; any other graph output is a value of the chain. */
    private static void checkOutputs(GraphIndex index, String end, Set<String> chainValues)
            throws OnnxImportException {
        boolean found = false;
        List<String> names = new ArrayList<String>();
        for (String out : index.graphOutputs()) {
            names.add(out);
            if (out.equals(end)) {
                found = true;
            } else if (!chainValues.contains(out)) {
                throw new OnnxImportException("graph output '" + out + "' is not computed by the chain from"
                        + " the input to '" + end + "'; expected the outputs to be values of that chain");
            }
        }
        if (!found) {
            throw new OnnxImportException("the chain ends in '" + end + "', which is not a graph output (outputs: "
                    + abbreviate(names) + "); expected the chain to end in a graph output");
        }
    }
}
