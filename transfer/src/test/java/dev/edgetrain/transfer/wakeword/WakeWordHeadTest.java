package dev.edgetrain.transfer.wakeword;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.Rng;
import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.Workspace;
import java.io.File;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A wake-word head of several networks scores the mean of their scores, exports as one file (a {@code Mean} over the
 * members, openWakeWord's drop-in names) that reads back as the same members, and refuses members that are not
 * wake-word heads of one architecture, naming the member.
 */
class WakeWordHeadTest {
    private static final NetworkSpec SPEC = NetworkSpec.builder(2 * OpenWakeWordFeatures.EMBEDDING_SIZE).hidden(8)
            .layerNorm().hidden(4).layerNorm().output(1, Task.BINARY).build();

    @TempDir
    Path dir;

    @Test
    void scoresTheMeanOfItsMembersScores() {
        Network[] members = {new Network(SPEC, 1), new Network(SPEC, 2), new Network(SPEC, 3)};
        WakeWordHead head = new WakeWordHead(members);
        assertEquals(2, head.frames());
        assertEquals(3, head.size());
        float[] window = window(7);
        float[] one = new float[1];
        Workspace ws = new Workspace(SPEC, 1);
        float sum = 0;
        for (Network member : members) {
            member.predict(ws, window, 0, 1, one, 0);
            sum += one[0];
        }
        assertEquals(sum / 3, head.score(window, 0), 1e-7);
        members[0].predict(ws, window, 0, 1, one, 0);
        assertEquals(one[0], new WakeWordHead(members[0]).score(window, 0), "one member is that network");
        assertNotEquals(one[0], head.score(window, 0), 1e-4, "the mean is not member 1's score");
    }

    @Test
    void anEnsembleExportsAsOneFileAndReadsBackAsItsMembers() throws Exception {
        WakeWordHead head = new WakeWordHead(new Network(SPEC, 11), new Network(SPEC, 12));
        File out = dir.resolve("head.onnx").toFile();
        WakeWordExports.writeHead(head, Map.of("edgetrain.wakeword.members", "2"), out);
        WakeWordHead read = WakeWordHead.read(out, null);
        assertEquals(2, read.size());
        for (int m = 0; m < 2; m++) {
            assertArrayEquals(head.member(m).copyParameters(), read.member(m).copyParameters(), "member " + m);
        }
        float[] window = window(13);
        assertEquals(head.score(window, 0), read.score(window, 0));
    }

    @Test
    void membersThatAreNotWakeWordHeadsOfOneArchitectureAreRefusedByNumber() {
        Network other = new Network(NetworkSpec.builder(SPEC.inputs()).hidden(9).output(1, Task.BINARY).build(), 4);
        IllegalArgumentException architecture = assertThrows(IllegalArgumentException.class,
                () -> new WakeWordHead(new Network(SPEC, 1), other));
        assertEquals("member 2 of 2 is " + other.spec() + ", member 1 is " + SPEC + "; expected one architecture for"
                + " every member", architecture.getMessage());
        Network classifier = new Network(NetworkSpec.of(SPEC.inputs(), 4, 2), 5);
        IllegalArgumentException task = assertThrows(IllegalArgumentException.class,
                () -> new WakeWordHead(classifier));
        assertEquals("a wake-word head takes F·96 inputs (F from 1 to 120) and gives one binary score; this network"
                + " has 192 inputs and task " + classifier.spec().task(), task.getMessage());
        Network odd = new Network(NetworkSpec.builder(100).hidden(4).output(1, Task.BINARY).build(), 6);
        assertThrows(IllegalArgumentException.class, () -> new WakeWordHead(odd));
        assertThrows(IllegalArgumentException.class, () -> new WakeWordHead());
    }

    private static float[] window(long seed) {
        Rng rng = new Rng(seed);
        float[] w = new float[SPEC.inputs()];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rng.nextGaussian();
        }
        return w;
    }
}
