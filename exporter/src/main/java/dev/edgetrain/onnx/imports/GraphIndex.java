package dev.edgetrain.onnx.imports;

import dev.edgetrain.onnx.OnnxImportException;
import dev.edgetrain.onnx.proto.AttributeProto;
import dev.edgetrain.onnx.proto.GraphProto;
import dev.edgetrain.onnx.proto.NodeProto;
import dev.edgetrain.onnx.proto.TensorProto;
import dev.edgetrain.onnx.proto.ValueInfoProto;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.edgetrain.onnx.imports.ImportErrors.describe;
import static dev.edgetrain.onnx.imports.ImportErrors.nodeError;

/**
 * Who produces and who reads each value of the main graph. A node reads a value directly (one of its inputs) or
 * by capture: a subgraph in one of its attributes ({@code If}'s branches, {@code Loop}'s body) names a value of
 * the enclosing graph, as openWakeWord's {@code hey_jarvis} does with its input. Folded constant nodes are left
 * out, and so are constant inputs: what is indexed is the data flow of the features.
 */
final class GraphIndex {
    final List<NodeProto> nodes;
    final boolean[] folded;
    private final Map<String, Integer> producer = new HashMap<String, Integer>();
    /** Value → nodes reading it as an input (not folded, value not a constant), in graph order, each once. */
    private final Map<String, List<Integer>> readers = new HashMap<String, List<Integer>>();
    /** Value → nodes whose subgraphs read it, in graph order, each once. */
    private final Map<String, List<Integer>> capturers = new HashMap<String, List<Integer>>();
    private final Set<String> graphOutputs = new LinkedHashSet<String>();

    private GraphIndex(List<NodeProto> nodes, boolean[] folded) {
        this.nodes = nodes;
        this.folded = folded;
    }

    /**
     * Checks what must hold before anything is folded: NUL-free names, the default domain, every value written
     * once (and never over a graph input or initializer).
     */
    static void checkNodes(GraphProto graph, String feed) throws OnnxImportException {
        Set<String> initializers = new HashSet<String>();
        for (TensorProto t : graph.getInitializerList()) {
            initializers.add(t.getName());
        }
        Map<String, Integer> producer = new HashMap<String, Integer>();
        List<NodeProto> nodes = graph.getNodeList();
        for (int i = 0; i < nodes.size(); i++) {
            NodeProto n = nodes.get(i);
            checkNoNul(i, n);
            if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
                throw nodeError(i, n, "is in operator domain '" + n.getDomain()
                        + "'; expected the default ONNX domain");
            }
            for (String out : n.getOutputList()) {
                if (out.isEmpty()) {
                    continue;
                }
                if (initializers.contains(out) || out.equals(feed)) {
                    throw nodeError(i, n, "writes '" + out + "', which is already a graph input or initializer;"
                            + " expected every value assigned once");
                }
                Integer before = producer.put(out, i);
                if (before != null) {
                    throw nodeError(i, n, "writes '" + out + "', which " + describe(before, nodes.get(before))
                            + " already writes; expected every value assigned once");
                }
            }
        }
    }

    /** The index of {@code graph} once {@code constants} are folded ({@code folded[i]}: node i was a constant). */
    static GraphIndex of(GraphProto graph, boolean[] folded, Constants constants) {
        GraphIndex index = new GraphIndex(graph.getNodeList(), folded);
        for (int i = 0; i < index.nodes.size(); i++) {
            NodeProto n = index.nodes.get(i);
            for (String out : n.getOutputList()) {
                if (!out.isEmpty()) {
                    index.producer.put(out, i);
                }
            }
            if (folded[i]) {
                continue;
            }
            Set<String> seen = new HashSet<String>();
            for (String in : n.getInputList()) {
                if (!in.isEmpty() && !constants.contains(in) && seen.add(in)) {
                    add(index.readers, in, i);
                }
            }
            for (String captured : capturedNames(n)) {
                add(index.capturers, captured, i);
            }
        }
        for (ValueInfoProto out : graph.getOutputList()) {
            index.graphOutputs.add(out.getName());
        }
        return index;
    }

    private static void add(Map<String, List<Integer>> map, String key, int node) {
        List<Integer> list = map.get(key);
        if (list == null) {
            list = new ArrayList<Integer>();
            map.put(key, list);
        }
        list.add(node);
    }

    /**
     * The outer values the subgraphs of {@code node} read: inputs of their nodes (at any depth) that no enclosing
     * subgraph defines. Protobuf's recursion limit bounds the depth.
     */
    static Set<String> capturedNames(NodeProto node) {
        Set<String> captured = new LinkedHashSet<String>();
        for (AttributeProto a : node.getAttributeList()) {
            if (a.hasG()) {
                collectCaptures(a.getG(), Collections.<String>emptySet(), captured);
            }
            for (GraphProto g : a.getGraphsList()) {
                collectCaptures(g, Collections.<String>emptySet(), captured);
            }
        }
        return captured;
    }

    private static void collectCaptures(GraphProto g, Set<String> enclosing, Set<String> captured) {
        Set<String> defined = new HashSet<String>(enclosing);
        for (ValueInfoProto in : g.getInputList()) {
            defined.add(in.getName());
        }
        for (TensorProto t : g.getInitializerList()) {
            defined.add(t.getName());
        }
        for (NodeProto n : g.getNodeList()) {
            defined.addAll(n.getOutputList());
        }
        for (NodeProto n : g.getNodeList()) {
            for (String in : n.getInputList()) {
                if (!in.isEmpty() && !defined.contains(in)) {
                    captured.add(in);
                }
            }
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasG()) {
                    collectCaptures(a.getG(), defined, captured);
                }
                for (GraphProto sub : a.getGraphsList()) {
                    collectCaptures(sub, defined, captured);
                }
            }
        }
        for (ValueInfoProto out : g.getOutputList()) {
            if (!defined.contains(out.getName())) {
                captured.add(out.getName()); // a branch may return an outer value as it is
            }
        }
    }

    /** The node writing {@code value}, or -1 (a graph input, an initializer, or nothing). */
    int producer(String value) {
        Integer p = producer.get(value);
        return p == null ? -1 : p;
    }

    /** The nodes reading {@code value} as an input (folded constants left out). */
    List<Integer> readers(String value) {
        List<Integer> r = readers.get(value);
        return r == null ? Collections.<Integer>emptyList() : r;
    }

    /** The nodes whose subgraphs read {@code value}. */
    List<Integer> capturers(String value) {
        List<Integer> c = capturers.get(value);
        return c == null ? Collections.<Integer>emptyList() : c;
    }

    boolean isGraphOutput(String value) {
        return graphOutputs.contains(value);
    }

    Set<String> graphOutputs() {
        return graphOutputs;
    }

    /** Whether anything reads {@code value}: a node (directly or by capture) or the graph's outputs. */
    boolean isUsed(String value) {
        return !readers(value).isEmpty() || !capturers(value).isEmpty() || graphOutputs.contains(value);
    }

    /**
     * The nodes that {@code end} depends on (the backward slice), through inputs and captures: importing up to
     * {@code end} reads these and ignores the rest of the graph.
     */
    boolean[] sliceTo(String end) {
        boolean[] in = new boolean[nodes.size()];
        Deque<String> todo = new ArrayDeque<String>();
        todo.add(end);
        while (!todo.isEmpty()) {
            int p = producer(todo.poll());
            if (p < 0 || in[p]) {
                continue;
            }
            in[p] = true;
            NodeProto n = nodes.get(p);
            for (String input : n.getInputList()) {
                if (!input.isEmpty()) {
                    todo.add(input);
                }
            }
            todo.addAll(capturedNames(n));
        }
        return in;
    }

    /** A NUL in a name is never a real name: it cuts strings short in C-based tools and logs. */
    private static void checkNoNul(int index, NodeProto n) throws OnnxImportException {
        String bad = n.getName().indexOf(0) >= 0 ? "its name" : null;
        for (int k = 0; bad == null && k < n.getInputCount(); k++) {
            bad = n.getInput(k).indexOf(0) >= 0 ? "input " + k : null;
        }
        for (int k = 0; bad == null && k < n.getOutputCount(); k++) {
            bad = n.getOutput(k).indexOf(0) >= 0 ? "output " + k : null;
        }
        if (bad != null) {
            throw nodeError(index, n, "has a NUL character in " + bad + "; expected names without NUL");
        }
    }
}
