package dev.edgetrain.onnx.imports;

import dev.edgetrain.onnx.proto.NodeProto;

import java.util.ArrayList;
import java.util.List;

/**
 * The part of the graph the chain is read from: every node, or, when the caller chose an output tensor, the nodes
 * that tensor depends on ({@link GraphIndex#sliceTo}). Readers of a value are counted inside the scope only, so the
 * post-processing of a graph past the chosen tensor is ignored.
 */
final class ChainScope {
    final GraphIndex index;
    /** The chosen output tensor, or null: the chain then ends in a graph output. */
    final String end;
    /** {@code inScope[i]}: node i is read; null when every node is. */
    private final boolean[] inScope;

    ChainScope(GraphIndex index, String end) {
        this.index = index;
        this.end = end;
        this.inScope = end == null ? null : index.sliceTo(end);
    }

    boolean contains(int node) {
        return inScope == null || inScope[node];
    }

    NodeProto node(int i) {
        return index.nodes.get(i);
    }

    /** The nodes in scope reading {@code value} as an input. */
    List<Integer> readers(String value) {
        List<Integer> all = index.readers(value);
        if (inScope == null) {
            return all;
        }
        List<Integer> in = new ArrayList<Integer>();
        for (int r : all) {
            if (inScope[r]) {
                in.add(r);
            }
        }
        return in;
    }

    /**
     * Where the chain may stop: the chosen output tensor, or (without one) a graph output; such a value cannot be
     * the inside of a decomposed pattern.
     */
    boolean isEnd(String value) {
        return end == null ? index.isGraphOutput(value) : end.equals(value);
    }

    /** The only reader of {@code value} in scope when it has one, is no end and no subgraph reads it; else -1. */
    int soleReader(String value) {
        List<Integer> r = readers(value);
        return r.size() == 1 && !isEnd(value) && capturers(value).isEmpty() ? r.get(0) : -1;
    }

    /** The nodes in scope whose subgraphs read {@code value}. */
    List<Integer> capturers(String value) {
        List<Integer> in = new ArrayList<Integer>();
        for (int c : index.capturers(value)) {
            if (contains(c)) {
                in.add(c);
            }
        }
        return in;
    }
}
