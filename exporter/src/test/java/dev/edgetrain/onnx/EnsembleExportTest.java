package dev.edgetrain.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.onnx.proto.GraphProto;
import dev.edgetrain.onnx.proto.ModelProto;
import dev.edgetrain.onnx.proto.NodeProto;
import dev.edgetrain.runtime.Activation;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.Workspace;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * An averaged ensemble exported as one model ({@link OnnxExporter#toModel(Network[], ExportOptions)}): onnxruntime
 * computes the mean of the members' outputs as the runtime does, within 1e-5 at batch 1 and 64, for every head kind
 * that averages (sigmoid, softmax, regression) and with layer norms; the importer reads the members back
 * ({@link OnnxImporter#readMembers}) with their exact weights; one member writes the same bytes as the plain export;
 * members of different architectures, and outputs that are not the members' own average, are refused.
 */
class EnsembleExportTest {
    private static final double TOLERANCE = 1e-5;

    private static final List<NetworkSpec> SPECS = List.of(
            NetworkSpec.builder(12).hidden(8).layerNorm().hidden(6).layerNorm().output(1, Task.BINARY).build(),
            NetworkSpec.builder(10).hidden(9).activation(Activation.TANH).output(4, Task.CLASSIFY).build(),
            NetworkSpec.builder(7).hidden(5).activation(Activation.GELU).output(2, Task.REGRESS).build());

    @Test
    void onnxruntimeAveragesTheMembersAsTheRuntimeDoes() throws Exception {
        Random r = new Random(2101);
        for (NetworkSpec spec : SPECS) {
            Network[] members = new Network[3];
            for (int m = 0; m < members.length; m++) {
                members[m] = FamilyModels.random(spec, 2102 + m);
            }
            byte[] model = OnnxExporter.toModel(members, ExportOptions.defaults()).toByteArray();
            String output = OutputKind.defaultFor(spec.task()).outputName();
            for (int batch : new int[] {1, 64}) {
                float[] x = TestSupport.randomInputs(r, batch, spec.inputs(), 1.0);
                float[] expected = mean(members, x, batch);
                float[] onnx = TestSupport.runOrt(model, "input", x, batch, spec.inputs()).get(output);
                double diff = TestSupport.maxAbsDiff(onnx, expected);
                float[] single = new float[batch * spec.outputs()];
                members[0].predict(new Workspace(spec, batch), x, 0, batch, single, 0);
                System.out.printf("[ensemble] %s batch %d: onnxruntime vs mean of 3 max |diff| %.3g (vs member 1"
                        + " alone %.3g)%n", spec, batch, diff, TestSupport.maxAbsDiff(onnx, single));
                assertTrue(diff <= TOLERANCE, spec + " batch " + batch + ": " + diff);
                assertTrue(TestSupport.maxAbsDiff(onnx, single) > 10 * TOLERANCE, "the output is not one member's");
            }
        }
    }

    @Test
    void theGraphIsOneMeanOverMembersUnderTheirOwnNamesAndReadsBackAsThem() throws Exception {
        NetworkSpec spec = SPECS.get(0);
        Network[] members = {FamilyModels.random(spec, 2111), FamilyModels.random(spec, 2112)};
        ModelProto model = OnnxExporter.toModel(members, ExportOptions.builder().inputName("onnx::Flatten_0")
                .outputName("13").inputShape(new long[] {1, 2, 6}).fixedBatch(1).build());
        GraphProto g = model.getGraph();
        NodeProto last = g.getNode(g.getNodeCount() - 1);
        assertEquals("Mean", last.getOpType());
        assertEquals(List.of("member1.probabilities", "member2.probabilities"), last.getInputList());
        assertEquals("13", g.getOutput(0).getName());
        assertEquals(1, g.getOutputCount(), "one output: the mean");
        Set<String> initializers = new HashSet<>();
        g.getInitializerList().forEach(t -> initializers.add(t.getName()));
        assertTrue(initializers.contains("member1.layer0.weight") && initializers.contains("member2.layer2.bias"),
                initializers.toString());
        assertEquals("2", metadata(model, ModelMetadata.ENSEMBLE_MEMBERS));

        ImportedModel[] read = OnnxImporter.readMembers(model, ImportOptions.DEFAULTS);
        assertEquals(2, read.length);
        for (int m = 0; m < 2; m++) {
            assertEquals(spec, read[m].network().spec());
            assertArrayEquals(members[m].copyParameters(), read[m].network().copyParameters(), "member " + (m + 1));
        }
        ModelProto single = OnnxExporter.toModel(members[0], ExportOptions.defaults());
        assertEquals(1, OnnxImporter.readMembers(single, ImportOptions.DEFAULTS).length, "a plain model is one");
        OnnxImportException whole = assertThrows(OnnxImportException.class,
                () -> OnnxImporter.read(model, ImportOptions.DEFAULTS), "read() takes one chain, not an ensemble");
        assertEquals("the output '13' is the Mean of 2 values (node 'mean': an averaged ensemble of networks); expected"
                + " one network: read the members with OnnxImporter.readMembers, or one of them up to its output, e.g."
                + " ImportOptions.outputTensor(\"member1.probabilities\")", whole.getMessage());
        assertEquals(List.of("member1.probabilities", "member2.probabilities"),
                assertInstanceOf(OutputTensorNeededException.class, whole).suggestedTensors(), "each member's output");
        assertEquals("mean", whole.nodeName());
        assertEquals(spec, OnnxImporter.read(model, ImportOptions.builder().outputTensor("member2.probabilities")
                .build()).network().spec(), "one member, up to its output");
    }

    @Test
    void oneMemberWritesTheBytesOfThePlainExport() {
        for (NetworkSpec spec : SPECS) {
            Network n = FamilyModels.random(spec, 2121);
            ExportOptions o = ExportOptions.builder().includeLogits(spec.task() != Task.REGRESS).build();
            assertArrayEquals(OnnxExporter.toBytes(n, o), OnnxExporter.toModel(new Network[] {n}, o).toByteArray(),
                    spec.toString());
        }
    }

    @Test
    void membersOfAnotherArchitectureAndOutputsThatAreNotTheirAverageAreRefused() {
        Network a = FamilyModels.random(SPECS.get(0), 2131);
        Network wider = FamilyModels.random(NetworkSpec.builder(12).hidden(9).layerNorm().hidden(6).layerNorm()
                .output(1, Task.BINARY).build(), 2132);
        IllegalArgumentException architecture = assertThrows(IllegalArgumentException.class,
                () -> OnnxExporter.toModel(new Network[] {a, wider}, ExportOptions.defaults()));
        assertTrue(architecture.getMessage().startsWith("member 2 is ")
                && architecture.getMessage().endsWith("expected every member of an ensemble to have one architecture"),
                architecture.getMessage());
        IllegalArgumentException logits = assertThrows(IllegalArgumentException.class,
                () -> OnnxExporter.toModel(new Network[] {a, a}, ExportOptions.builder().output(OutputKind.LOGITS)
                        .build()));
        assertEquals("an ensemble of 2 averages its members' probabilities; expected that output, not logits",
                logits.getMessage());
        IllegalArgumentException extra = assertThrows(IllegalArgumentException.class,
                () -> OnnxExporter.toModel(new Network[] {a, a}, ExportOptions.builder().includeLogits(true).build()));
        assertEquals("an ensemble of 2 averages its members' probabilities; expected that output, not an extra logits"
                + " output", extra.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> OnnxExporter.toModel(new Network[0], ExportOptions.defaults()));
    }

    /** The members' mean output {@code [batch][outputs]}. */
    private static float[] mean(Network[] members, float[] x, int batch) {
        int outputs = members[0].spec().outputs();
        float[] sum = new float[batch * outputs];
        float[] one = new float[batch * outputs];
        Workspace ws = new Workspace(members[0].spec(), batch);
        for (Network member : members) {
            member.predict(ws, x, 0, batch, one, 0);
            for (int i = 0; i < sum.length; i++) {
                sum[i] += one[i];
            }
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] /= members.length;
        }
        return sum;
    }

    private static String metadata(ModelProto m, String key) {
        return m.getMetadataPropsList().stream().filter(e -> e.getKey().equals(key)).findFirst()
                .map(e -> e.getValue()).orElse(null);
    }
}
