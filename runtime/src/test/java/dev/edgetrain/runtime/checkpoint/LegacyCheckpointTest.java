package dev.edgetrain.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.runtime.Loss;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.optim.LearningRateSchedule;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import dev.edgetrain.runtime.train.Dataset;
import dev.edgetrain.runtime.train.Trainer;
import dev.edgetrain.runtime.train.TrainingListener;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/**
 * Checkpoints written by an older edgetrain, committed under {@code src/test/resources/checkpoint/} (see the
 * README there for how they were made), still load and resume to the same weights as a run never interrupted.
 */
class LegacyCheckpointTest {
    static final NetworkSpec SPEC = NetworkSpec.of(2, new int[] {6}, 2);
    /** AdamW with every setting away from its default: each must come back from the old file's text. */
    static final OptimizerConfig ADAMW = OptimizerConfig.adamW(0.02f, 0.003f).withBetas(0.8f, 0.99f)
            .withEpsilon(1e-6f).withClipNorm(2f).withSchedule(LearningRateSchedule.cosine(40, 0.1).withWarmup(5));
    static final OptimizerConfig NESTEROV = OptimizerConfig.sgd(0.05f).withMomentum(0.9f, true)
            .withWeightDecay(1e-4f).withSchedule(LearningRateSchedule.step(7, 0.5));
    static final int EPOCHS_IN_FILE = 3;

    /**
     * A run of one committed file: what network, optimizer and loss made it. The losses of the version 3 files
     * carry every loss setting there is (class weights, label smoothing, a Huber threshold), so each must come back
     * from the loss's old display text.
     */
    record Run(String file, NetworkSpec spec, OptimizerConfig config, Loss loss) {
        Dataset data() {
            return spec.task() == Task.REGRESS ? ringRadii() : rings();
        }

        Trainer trainer(long networkSeed, long shuffleSeed) {
            TrainingSession session = new TrainingSession(new Network(spec, networkSeed), 8, config, loss, null);
            return new Trainer(session, data(), 8, shuffleSeed);
        }
    }

    static final Run[] V2 = {
        new Run("v2-adamw-warmup-cosine.ckpt", SPEC, ADAMW, Loss.crossEntropy()),
        new Run("v2-sgd-nesterov-step.ckpt", SPEC, NESTEROV, Loss.crossEntropy()),
    };
    static final Run[] V3 = {
        new Run("v3-weighted-smoothed-cross-entropy.ckpt", SPEC, ADAMW,
                Loss.crossEntropy().withClassWeights(new float[] {1f, 3f}).withLabelSmoothing(0.1f)),
        new Run("v3-weighted-binary-cross-entropy.ckpt",
                NetworkSpec.builder(2).hidden(6).output(1, Task.BINARY).build(), NESTEROV,
                Loss.binaryCrossEntropy().withClassWeights(new float[] {0.5f, 2f})),
        new Run("v3-huber-regress.ckpt", NetworkSpec.builder(2).hidden(6).output(1, Task.REGRESS).build(), NESTEROV,
                Loss.huber(0.25f)),
    };

    /** 24 points on two rings, no random numbers, so the data cannot drift from what made the files. */
    static Dataset rings() {
        float[] x = new float[24 * 2]; // [rows][2]
        int[] y = new int[24]; // [rows]
        for (int i = 0; i < 24; i++) {
            double radius = i % 2 == 0 ? 0.5 : 1.0;
            double angle = i * 0.7;
            x[2 * i] = (float) (radius * Math.cos(angle));
            x[2 * i + 1] = (float) (radius * Math.sin(angle));
            y[i] = i % 2;
        }
        return new Dataset(x, y, 2, 2);
    }

    /** The same points with each one's radius as a regression target {@code [rows][1]}. */
    static Dataset ringRadii() {
        Dataset rings = rings();
        float[] t = new float[rings.rows()]; // [rows][1]
        for (int i = 0; i < t.length; i++) {
            t[i] = i % 2 == 0 ? 0.5f : 1.0f;
        }
        return Dataset.withTargets(rings.features(), t, 2, 1, null, null);
    }

    static Trainer trainer(OptimizerConfig config, long networkSeed, long shuffleSeed) {
        return new Trainer(new TrainingSession(new Network(SPEC, networkSeed), 8, config), rings(), 8, shuffleSeed);
    }

    @Test
    void aVersionTwoAdamWCheckpointResumesToTheWeightsOfAnUninterruptedRun() throws Exception {
        assertResumesBitIdentically(ADAMW, "v2-adamw-warmup-cosine.ckpt");
    }

    @Test
    void aVersionTwoNesterovCheckpointResumesToTheWeightsOfAnUninterruptedRun() throws Exception {
        assertResumesBitIdentically(NESTEROV, "v2-sgd-nesterov-step.ckpt");
    }

    @Test
    void versionThreeCheckpointsWithWeightedSmoothedAndHuberLossesResumeToTheWeightsOfAnUninterruptedRun()
            throws Exception {
        for (Run run : V3) {
            Checkpoint old = Checkpoint.read(resource(run.file()));
            assertEquals(run.spec(), old.spec(), run.file());
            assertEquals(run.config(), old.optimizerConfig(), run.file());
            assertEquals(run.loss(), old.loss(), run.file() + ": every loss setting read back from the old text");
            assertEquals(EPOCHS_IN_FILE, old.epochsDone(), run.file());
            Trainer straight = run.trainer(4, 5);
            straight.fit(EPOCHS_IN_FILE + 2, TrainingListener.NONE);

            Trainer resumed = run.trainer(99, 77); // other seeds: the checkpoint must replace them
            old.restoreInto(resumed);
            resumed.fit(2, TrainingListener.NONE);
            assertTrue(Arrays.equals(straight.session().network().copyParameters(),
                    resumed.session().network().copyParameters()),
                    run.file() + ": bit-identical weights after resuming");
        }
    }

    private static void assertResumesBitIdentically(OptimizerConfig config, String name) throws Exception {
        Checkpoint old = Checkpoint.read(resource(name));
        assertEquals(SPEC, old.spec());
        assertEquals(config, old.optimizerConfig(), "every setting read back from the old file's text");
        assertEquals(Loss.crossEntropy(), old.loss());
        assertEquals(EPOCHS_IN_FILE, old.epochsDone());
        assertEquals("LegacyCheckpointTest.main", old.metadata().get("made by"));
        Trainer straight = trainer(config, 4, 5);
        straight.fit(EPOCHS_IN_FILE + 2, TrainingListener.NONE);

        Trainer resumed = trainer(config, 99, 77); // other seeds: the checkpoint must replace them
        old.restoreInto(resumed);
        resumed.fit(2, TrainingListener.NONE);
        assertTrue(Arrays.equals(straight.session().network().copyParameters(),
                resumed.session().network().copyParameters()), name + ": bit-identical weights after resuming");
    }

    static File resource(String name) throws URISyntaxException {
        return new File(LegacyCheckpointTest.class.getResource("/checkpoint/" + name).toURI());
    }

    /**
     * Writes the committed files of one format version ({@code v2} without a second argument, or {@code v3}); run
     * once with the code of the format being frozen (see the README).
     */
    public static void main(String[] args) throws IOException {
        File dir = new File(args[0]);
        for (Run run : args.length > 1 && args[1].equals("v3") ? V3 : V2) {
            write(run, new File(dir, run.file()));
        }
    }

    private static void write(Run run, File file) throws IOException {
        Trainer t = run.trainer(4, 5);
        t.fit(EPOCHS_IN_FILE, TrainingListener.NONE);
        Checkpoint.capture(t, Collections.singletonMap("made by", "LegacyCheckpointTest.main"),
                Collections.singletonMap("mean", new float[] {0.25f, -0.5f})).write(file);
    }
}
