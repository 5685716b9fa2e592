package dev.edgetrain.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.runtime.DivergenceException;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.Rng;
import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.example.SpiralExample;
import dev.edgetrain.runtime.optim.Optimizer;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The divergence guard keeps no copy of the state per step: it restores a step's starting state from an anchor
 * taken every few steps and the mini-batches since, run again. These tests hold every restore to the state the
 * step really started from, recorded bit for bit as training went, at every distance from the anchor, across epoch
 * boundaries, with dropout, momentum and Adam state, and with listeners that change things between batches.
 */
class DivergenceReplayTest {
    private static final Dataset DATA = SpiralExample.spirals(200, 1.0, 2);
    private static final int BATCH = 16;
    /** Mini-batches per epoch (the last one smaller). */
    private static final int BATCHES = (DATA.rows() + BATCH - 1) / BATCH;

    private static OptimizerConfig config(String name) {
        switch (name) {
            case "sgd":
                return OptimizerConfig.sgd(0.3f);
            case "momentum":
                return OptimizerConfig.sgd(0.1f).withMomentum(0.9f, false);
            default:
                return OptimizerConfig.adam(0.02f);
        }
    }

    private static TrainingSession session(String optimizer, boolean dropout) {
        NetworkSpec spec = dropout ? NetworkSpec.builder(2).hidden(16).dropout(0.3f).output(2, Task.CLASSIFY).build()
                : NetworkSpec.of(2, 16, 2);
        return new TrainingSession(new Network(spec, 1), BATCH, config(optimizer));
    }

    /** Parameters, optimizer slabs and step count, read without handing out a live array. */
    private static final class State {
        final int[] params;
        final int[][] slabs;
        final long steps;

        State(TrainingSession session) {
            params = bits(session.network().copyParameters());
            Optimizer opt = session.optimizer();
            slabs = new int[opt.stateSlabCount()][];
            for (int k = 0; k < slabs.length; k++) {
                float[] s = new float[session.network().parameterCount()];
                opt.copyStateSlab(k, s);
                slabs[k] = bits(s);
            }
            steps = opt.steps();
        }

        void assertIsTheStateOf(TrainingSession session, String what) {
            State now = new State(session);
            assertArrayEquals(params, now.params, what + ": parameters, bit for bit");
            for (int k = 0; k < slabs.length; k++) {
                assertArrayEquals(slabs[k], now.slabs[k], what + ": optimizer state slab " + k);
            }
            assertEquals(steps, now.steps, what + ": optimizer steps");
        }
    }

    private static int[] bits(float[] a) {
        int[] b = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = Float.floatToRawIntBits(a[i]);
        }
        return b;
    }

    /** The spirals, except that mini-batch {@code poisonAt} (counted over all epochs) has inputs of 3e38. */
    private static final class PoisonedSource implements BatchSource {
        private final ArraySource rows = new ArraySource(DATA);
        private final int poisonAt;
        private int drawn;

        PoisonedSource(int poisonAt) {
            this.poisonAt = poisonAt;
        }

        @Override
        public int featureCount() {
            return rows.featureCount();
        }

        @Override
        public int classes() {
            return rows.classes();
        }

        @Override
        public int targetWidth() {
            return rows.targetWidth();
        }

        @Override
        public int rows() {
            return rows.rows();
        }

        @Override
        public void startEpoch(Rng rng) {
            rows.startEpoch(rng);
        }

        @Override
        public int nextBatch(float[] x, int[] labels, float[] targets, int maxRows) {
            final int n = rows.nextBatch(x, labels, targets, maxRows);
            if (n > 0 && drawn++ == poisonAt) {
                Arrays.fill(x, 0, n * featureCount(), 3e38f); // finite, but W·x overflows: the loss is not finite
            }
            return n;
        }
    }

    /**
     * Records the state every step ends in (the next step's start), after whatever {@code change} does between
     * batches; {@code states.get(s)} is the state step {@code s} started from.
     */
    private static final class Recorder implements TrainingListener {
        final TrainingSession session;
        final List<State> states = new ArrayList<>();
        final BetweenBatches change;

        Recorder(TrainingSession session, BetweenBatches change) {
            this.session = session;
            this.change = change;
            states.add(new State(session));
        }

        @Override
        public void onBatch(int epoch, int batchIndex, int batchesPerEpoch, float loss) {
            change.after(states.size() - 1, session);
            states.add(new State(session));
        }

        @Override
        public void onEpoch(int epoch, float loss, float accuracy) {
        }
    }

    /** What a listener does after step {@code step} (counted over all epochs). */
    interface BetweenBatches {
        void after(int step, TrainingSession session);
    }

    /**
     * Trains until mini-batch {@code poisonAt} makes the loss non-finite and checks the trainer restored the state of
     * the last step whose loss was finite (the step before; the epoch's start when the poisoned batch opens an epoch).
     */
    private static void assertPoisonedStepRestoresTheLastGoodState(String optimizer, boolean dropout, int poisonAt,
                                                                   BetweenBatches change) {
        TrainingSession session = session(optimizer, dropout);
        Trainer trainer = new Trainer(session, new PoisonedSource(poisonAt), BATCH, 3);
        Recorder recorder = new Recorder(session, change);
        DivergenceException e = assertThrows(DivergenceException.class, () -> trainer.fit(3, recorder));
        assertEquals(poisonAt + 1, recorder.states.size(), "steps that trained before the poisoned one");
        // Optimizer steps count the listener's own too, so they are read from the recorded states.
        assertTrue(e.getMessage().contains("training diverged in epoch " + (poisonAt / BATCHES + 1) + ", batch "
                + (poisonAt % BATCHES + 1) + ", optimizer step " + recorder.states.get(poisonAt).steps + ":"),
                e.getMessage());
        final int good = poisonAt % BATCHES == 0 ? poisonAt : poisonAt - 1;
        recorder.states.get(good).assertIsTheStateOf(session, "poisoned step " + poisonAt + ", restored step "
                + good);
        assertTrue(e.getMessage().endsWith("restored the parameters and optimizer state of step "
                + recorder.states.get(good).steps), e.getMessage());
    }

    private static final BetweenBatches NOTHING = (step, session) -> {
    };

    @ParameterizedTest(name = "{0}, dropout {1}")
    @CsvSource({"sgd, false", "momentum, false", "adam, false", "sgd, true", "adam, true"})
    void aFailedStepRestoresTheLastGoodStateBitForBitWhereverItFallsBetweenAnchors(String optimizer,
                                                                                   boolean dropout) {
        TrainingSession probe = session(optimizer, dropout);
        Trainer trainer = new Trainer(probe, DATA, BATCH, 3);
        assertTrue(trainer.anchorInterval() >= 3, "an interval that leaves steps to replay: "
                + trainer.anchorInterval());
        // An epoch and a half: every distance from an anchor, an epoch start and the steps either side of it.
        assertTrue(BATCHES > 2 * trainer.anchorInterval(), BATCHES + " batches an epoch");
        for (int poisonAt = 0; poisonAt < BATCHES + BATCHES / 2; poisonAt++) {
            assertPoisonedStepRestoresTheLastGoodState(optimizer, dropout, poisonAt, NOTHING);
        }
    }

    /**
     * A listener changes the rate scale, freezes and unfreezes a layer, reseeds dropout, sets parameters, writes an
     * Adam moment through the live slab and takes an optimizer step of its own between batches: every restore is
     * still the state the step started from, since each change makes the next step take an anchor, and older steps
     * are replayed under the settings they ran with.
     */
    @Test
    void changesBetweenBatchesAreNeverReplayedIntoStepsTakenBeforeThem() {
        BetweenBatches listener = (step, session) -> {
            Optimizer opt = session.optimizer();
            switch (step) {
                case 2:
                    opt.setLearningRateScale(0.5);
                    break;
                case 4:
                    session.setTrainable(0, false);
                    break;
                case 6:
                    session.setTrainable(0, true);
                    break;
                case 7:
                    session.setDropoutSeed(99);
                    break;
                case 9: {
                    float[] p = session.network().copyParameters();
                    p[0] += 0.25f;
                    session.network().setParameters(p);
                    break;
                }
                case 10:
                    opt.stateSlab(0)[1] += 1e-3f;
                    break;
                case 11: // a step of the listener's own, on rows of its own
                    session.zeroGrad();
                    session.trainStep(new float[] {0.5f, -0.5f}, new int[] {1}, 1);
                    session.optimizerStep();
                    break;
                default:
                    break;
            }
        };
        for (int poisonAt = 1; poisonAt < BATCHES; poisonAt++) {
            assertPoisonedStepRestoresTheLastGoodState("adam", true, poisonAt, listener);
        }
    }

    /**
     * An update that overflows restores the state its own step started from: the newest anchor and every step since,
     * replayed. Driven directly here for runs of every length up to past the interval (an overflow with finite
     * gradients cannot be provoked from the data alone without a listener, and a listener's change takes an anchor).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"sgd", "momentum", "adam"})
    void theStartOfTheStepInFlightIsRestoredAtEveryDistanceFromTheAnchor(String optimizer) {
        final int interval = new Trainer(session(optimizer, true), DATA, BATCH, 3).anchorInterval();
        for (int steps = 1; steps <= interval + 2; steps++) {
            int[] first = new int[steps * BATCH];
            for (int r = 0; r < first.length; r++) {
                first[r] = r;
            }
            Dataset rows = DATA.subset(first);
            TrainingSession session = session(optimizer, true);
            Trainer trainer = new Trainer(session, rows, BATCH, 3);
            Recorder recorder = new Recorder(session, NOTHING);
            trainer.fit(1, recorder);
            final long dropoutAfter = session.dropoutRngState();
            trainer.restoreStartOf(steps);
            recorder.states.get(steps).assertIsTheStateOf(session, steps + " steps, the next step's start");
            trainer.restoreStartOf(steps - 1);
            recorder.states.get(steps - 1).assertIsTheStateOf(session, steps + " steps, the last step's start");
            assertEquals(dropoutAfter, session.dropoutRngState(), "the dropout generator goes on where it was");
        }
    }

    @Test
    void anchorsAreTakenEverySixteenStepsOrWhenTheRingWouldHoldMoreThanTwoStatesOfRows() {
        // 2-16-2 with Adam: 82 parameters, 3 slabs of them; a batch of 16 rows of 2 features and a label.
        assertEquals(2 * 82 * 3 / (16 * 3), new Trainer(session("adam", false), DATA, 16, 3).anchorInterval());
        assertEquals(2 * 82 / (16 * 3), new Trainer(session("sgd", false), DATA, 16, 3).anchorInterval());
        TrainingSession wide = new TrainingSession(new Network(NetworkSpec.of(2, 512, 2), 1), 16,
                OptimizerConfig.adam(0.01f));
        assertEquals(Trainer.MAX_ANCHOR_INTERVAL, new Trainer(wide, DATA, 16, 3).anchorInterval());
        TrainingSession tiny = new TrainingSession(new Network(NetworkSpec.of(2, 1, 2), 1), 200,
                OptimizerConfig.sgd(0.1f));
        assertEquals(1, new Trainer(tiny, DATA, 200, 3).anchorInterval(), "at least every step");
    }
}
