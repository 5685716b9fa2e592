package dev.edgetrain.transfer.wakeword;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.edgetrain.runtime.Rng;
import dev.edgetrain.runtime.train.Dataset;
import dev.edgetrain.runtime.train.Trainer;
import dev.edgetrain.runtime.train.TrainingListener;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Training a wake-word head (the trainer's own network: 1536 → 128 LayerNorm ReLU → 128 LayerNorm ReLU → 1 sigmoid,
 * weighted binary cross-entropy, AdamW) allocates nothing per step once warm, measured with HotSpot's exact
 * per-thread allocation counter as the runtime's ZeroAllocationTest does: rounds of steps until one round allocates
 * nothing; code that allocated on every step would never get such a round.
 */
class HeadTrainingAllocatesNothingTest {
    private static final int ROUNDS = 15;

    @Test
    void aTrainingStepOfTheHeadAllocatesNothing() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "this JVM cannot count allocated bytes");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        threads.setThreadAllocatedMemoryEnabled(true);

        WakeWordTrainer.Options options = new WakeWordTrainer.Options();
        int width = options.frames * OpenWakeWordFeatures.EMBEDDING_SIZE;
        int rows = 128; // 2 steps an epoch at batch 64; a quarter of them wake words
        Rng rng = new Rng(5);
        float[] x = new float[rows * width];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        int[] y = new int[rows];
        for (int r = 0; r < rows; r += 4) {
            y[r] = 1;
        }
        WakeWordTrainer.Examples examples = new WakeWordTrainer.Examples(new Dataset(x, y, width, 2), rows / 4,
                rows - rows / 4, rows, 0);
        Trainer trainer = new WakeWordTrainer(null, null, options).trainer(examples);

        List<Long> bytes = new ArrayList<>();
        for (int r = 0; r < ROUNDS; r++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            trainer.fit(50, TrainingListener.NONE); // 100 steps
            long used = threads.getCurrentThreadAllocatedBytes() - before;
            bytes.add(used);
            if (used == 0) {
                break;
            }
        }
        System.out.println("wake-word head: bytes allocated per round of 100 training steps: " + bytes);
        assertEquals(0L, bytes.get(bytes.size() - 1), "no round of training steps was free of allocation: " + bytes);
        assertTrue(trainer.lastLoss() < 0.1f, "the head learns its (random) training rows: loss " + trainer.lastLoss());
    }
}
