package dev.edgetrain.runtime.example;

import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.Rng;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import dev.edgetrain.runtime.train.Dataset;
import dev.edgetrain.runtime.train.Evaluation;
import dev.edgetrain.runtime.train.Trainer;
import dev.edgetrain.runtime.train.TrainingListener;

/**
 * The runtime end to end on generated data: two interleaved spirals, a 2-32-2 network, Adam.
 * Test data, not part of the runtime jar. Run with
 * {@code java -cp runtime/target/classes:runtime/target/test-classes dev.edgetrain.runtime.example.SpiralExample}.
 */
public final class SpiralExample {
    private SpiralExample() {
    }

    /** Two spirals of {@code perClass} points each, turning {@code turns} times, with a little noise. */
    public static Dataset spirals(int perClass, double turns, long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[2 * perClass * 2];
        int[] y = new int[2 * perClass];
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < perClass; i++) {
                double t = (double) i / perClass;
                double r = 0.1 + 0.9 * t;
                double angle = 2 * Math.PI * turns * t + Math.PI * c;
                int row = c * perClass + i;
                x[2 * row] = (float) (r * Math.cos(angle) + 0.01 * rng.nextGaussian());
                x[2 * row + 1] = (float) (r * Math.sin(angle) + 0.01 * rng.nextGaussian());
                y[row] = c;
            }
        }
        return new Dataset(x, y, 2, 2, new String[] {"spiral A", "spiral B"}, new String[] {"x", "y"});
    }

    public static void main(String[] args) {
        Dataset data = spirals(500, 1.5, 7);
        Network network = new Network(NetworkSpec.of(2, new int[] {32, 32}, 2), 42);
        TrainingSession session = new TrainingSession(network, 32, OptimizerConfig.adam(0.01f));
        Trainer trainer = new Trainer(session, data, 32, 1);
        System.out.println("training " + network + " on " + data.rows() + " points of two spirals");
        final long start = System.nanoTime();
        trainer.fit(60, new TrainingListener() {
            @Override
            public void onBatch(int epoch, int batchIndex, int batchesPerEpoch, float loss) {
            }

            @Override
            public void onEpoch(int epoch, float loss, float accuracy) {
                if ((epoch + 1) % 10 == 0) {
                    System.out.printf(java.util.Locale.ROOT, "epoch %3d  loss %.4f  accuracy %.1f%%%n", epoch + 1, loss,
                            100 * accuracy);
                }
            }
        });
        Evaluation result = Trainer.evaluate(session, data);
        System.out.printf(java.util.Locale.ROOT, "final: %s in %.2f s%n", result, (System.nanoTime() - start) / 1e9);
    }
}
