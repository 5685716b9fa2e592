package dev.edgetrain.onnx.imports;

import dev.edgetrain.onnx.ImportLimits;
import dev.edgetrain.onnx.proto.AttributeProto;
import dev.edgetrain.onnx.proto.GraphProto;
import dev.edgetrain.onnx.proto.NodeProto;
import dev.edgetrain.onnx.proto.TensorProto;
import dev.edgetrain.onnx.proto.ValueInfoProto;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Producers, readers and subgraph captures of a graph with an If whose branches read outer values. */
class GraphIndexTest {
    private static NodeProto node(String op, String[] inputs, String output, AttributeProto... attrs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(output + "_node").addOutput(output);
        for (String in : inputs) {
            n.addInput(in);
        }
        for (AttributeProto a : attrs) {
            n.addAttribute(a);
        }
        return n.build();
    }

    private static AttributeProto graphAttr(String name, GraphProto g) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.GRAPH).setG(g).build();
    }

    /**
     * x → Relu 'h' → Sigmoid 'p' → GreaterOrEqual(p, t) 'c' → If(c): then reads 'x' (and, inside a nested If, 'h'),
     * else returns 'p' itself. 'w' is an initializer.
     */
    private static GraphProto graph() {
        GraphProto nested = GraphProto.newBuilder()
                .addNode(node("Identity", new String[] {"h"}, "inner"))
                .addOutput(ValueInfoProto.newBuilder().setName("inner")).build();
        GraphProto then = GraphProto.newBuilder()
                .addNode(node("Mul", new String[] {"x", "local"}, "m"))
                .addNode(node("If", new String[] {"c"}, "deep", graphAttr("then_branch", nested),
                        graphAttr("else_branch", nested)))
                .addInput(ValueInfoProto.newBuilder().setName("local"))
                .addOutput(ValueInfoProto.newBuilder().setName("m")).build();
        GraphProto otherwise = GraphProto.newBuilder().addOutput(ValueInfoProto.newBuilder().setName("p")).build();
        return GraphProto.newBuilder()
                .addInput(ValueInfoProto.newBuilder().setName("x"))
                .addInitializer(TensorProto.newBuilder().setName("t").setDataType(1).addFloatData(0.5f))
                .addNode(node("Relu", new String[] {"x"}, "h"))
                .addNode(node("Sigmoid", new String[] {"h"}, "p"))
                .addNode(node("GreaterOrEqual", new String[] {"p", "t"}, "c"))
                .addNode(node("If", new String[] {"c"}, "y", graphAttr("then_branch", then),
                        graphAttr("else_branch", otherwise)))
                .addOutput(ValueInfoProto.newBuilder().setName("y")).build();
    }

    private static GraphIndex index(GraphProto g) throws Exception {
        LimitsAccount account = new LimitsAccount(ImportLimits.DEFAULTS);
        OpRules rules = new OpRules(13);
        Constants constants = new Constants(account, rules);
        constants.readInitializers(g);
        return GraphIndex.of(g, constants.fold(g.getNodeList()), constants);
    }

    @Test
    void subgraphsCaptureOuterValuesAtAnyDepthButNotTheirOwn() {
        NodeProto ifNode = graph().getNode(3);
        Set<String> captured = GraphIndex.capturedNames(ifNode);
        // 'x' read in then, 'c' and 'h' read by the nested If, 'p' returned as it is by else; 'local' and 'm' are the
        // branch's own.
        assertEquals(Set.of("x", "c", "h", "p"), captured);
    }

    @Test
    void readersAreDirectAndCapturersSeparate() throws Exception {
        GraphIndex index = index(graph());
        assertEquals(List.of(0), index.readers("x"));
        assertEquals(List.of(3), index.capturers("x"));
        assertEquals(List.of(2), index.readers("p"), "the constant threshold 't' is no reader's concern");
        assertEquals(List.of(), index.readers("t"));
        assertEquals(1, index.producer("p"));
        assertEquals(-1, index.producer("x"));
        assertEquals(true, index.isUsed("x"));
    }

    @Test
    void theSliceToATensorLeavesOutWhatComesAfterIt() throws Exception {
        GraphIndex index = index(graph());
        boolean[] toP = index.sliceTo("p");
        assertArrayEquals(new boolean[] {true, true, false, false}, toP);
        boolean[] toY = index.sliceTo("y");
        assertEquals("[true, true, true, true]", Arrays.toString(toY));
    }
}
