package dev.edgetrain.transfer;

import dev.edgetrain.onnx.proto.AttributeProto;
import dev.edgetrain.onnx.proto.GraphProto;
import dev.edgetrain.onnx.proto.ModelProto;
import dev.edgetrain.onnx.proto.NodeProto;
import dev.edgetrain.onnx.proto.TensorProto;
import dev.edgetrain.onnx.proto.TypeProto;
import dev.edgetrain.onnx.proto.ValueInfoProto;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Cuts an ONNX model so that it ends at a named tensor: the tensor becomes the graph's only output, and the nodes
 * and initializers that do not contribute to it are dropped. Everything else (opset imports, metadata, fields the
 * protobuf subset does not model, which protobuf-javalite keeps as unknown fields) is carried over as it was.
 */
final class ModelCut {
    /** How many node outputs an unknown-tensor message lists before "… (n more)". */
    private static final int LISTED = 40;

    private ModelCut() {
    }

    /** {@code model} ending at {@code tensor}; {@code fileName} is for messages. */
    static ModelProto endingAt(ModelProto model, String tensor, String fileName) throws BackboneException {
        GraphProto graph = model.getGraph();
        if (!producedByANode(graph, tensor)) {
            throw new BackboneException("no tensor '" + tensor + "' in " + fileName + "; node outputs are "
                    + nodeOutputs(graph));
        }
        // Walk back from the tensor: a node is kept when it produces a needed value; its inputs (and every name
        // its subgraphs read from the outer scope) are then needed too. Nodes are in topological order.
        Set<String> needed = new HashSet<String>(Collections.singleton(tensor));
        List<NodeProto> kept = new ArrayList<NodeProto>();
        for (int i = graph.getNodeCount() - 1; i >= 0; i--) {
            NodeProto node = graph.getNode(i);
            if (!Collections.disjoint(node.getOutputList(), needed)) {
                kept.add(node);
                needed.addAll(node.getInputList());
                for (AttributeProto a : node.getAttributeList()) {
                    addNamesReadBy(a, needed);
                }
            }
        }
        Collections.reverse(kept);
        GraphProto.Builder cut = graph.toBuilder().clearNode().addAllNode(kept).clearOutput()
                .addOutput(outputInfo(graph, tensor));
        Set<String> dropped = new HashSet<String>();
        cut.clearInitializer();
        for (TensorProto t : graph.getInitializerList()) {
            if (needed.contains(t.getName())) {
                cut.addInitializer(t);
            } else {
                dropped.add(t.getName());
            }
        }
        // Older models also list initializers as inputs; a dropped one must not become an input to feed.
        cut.clearInput();
        for (ValueInfoProto in : graph.getInputList()) {
            if (!dropped.contains(in.getName())) {
                cut.addInput(in);
            }
        }
        return model.toBuilder().setGraph(cut).build();
    }

    private static boolean producedByANode(GraphProto graph, String tensor) {
        for (NodeProto node : graph.getNodeList()) {
            if (node.getOutputList().contains(tensor)) {
                return true;
            }
        }
        return false;
    }

    private static String nodeOutputs(GraphProto graph) {
        List<String> names = new ArrayList<String>();
        for (NodeProto node : graph.getNodeList()) {
            for (String out : node.getOutputList()) {
                if (!out.isEmpty()) {
                    names.add(out);
                }
            }
        }
        if (names.size() <= LISTED) {
            return names.toString();
        }
        return names.subList(0, LISTED).toString().replaceFirst("]$", ", … (" + (names.size() - LISTED)
                + " more)]");
    }

    /** The tensor's declared type from value_info or the outputs, else a float tensor of unknown shape. */
    private static ValueInfoProto outputInfo(GraphProto graph, String tensor) {
        for (ValueInfoProto v : graph.getValueInfoList()) {
            if (v.getName().equals(tensor) && v.hasType()) {
                return v;
            }
        }
        for (ValueInfoProto v : graph.getOutputList()) {
            if (v.getName().equals(tensor) && v.hasType()) {
                return v;
            }
        }
        TypeProto type = TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT.getNumber()))
                .build();
        return ValueInfoProto.newBuilder().setName(tensor).setType(type).build();
    }

    /** Adds every value name a subgraph attribute's nodes read (some come from the outer scope). */
    private static void addNamesReadBy(AttributeProto attribute, Set<String> names) {
        if (attribute.hasG()) {
            addNamesReadBy(attribute.getG(), names);
        }
        for (GraphProto g : attribute.getGraphsList()) {
            addNamesReadBy(g, names);
        }
    }

    private static void addNamesReadBy(GraphProto graph, Set<String> names) {
        for (NodeProto node : graph.getNodeList()) {
            names.addAll(node.getInputList());
            for (AttributeProto a : node.getAttributeList()) {
                addNamesReadBy(a, names);
            }
        }
    }
}
