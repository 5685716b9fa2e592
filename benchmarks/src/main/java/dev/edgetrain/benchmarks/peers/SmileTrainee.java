package dev.edgetrain.benchmarks.peers;

import dev.edgetrain.benchmarks.Architecture;
import dev.edgetrain.benchmarks.Datasets;
import smile.classification.MLP;
import smile.model.mlp.Layer;
import smile.model.mlp.LayerBuilder;
import smile.model.mlp.OutputFunction;
import smile.util.function.TimeFunction;

/**
 * Smile 6.3 ({@code smile.classification.MLP}, double precision, matrix products through OpenBLAS by the FFM
 * API; needs Java 25): rectifier hidden layers, a softmax output with the likelihood cost, and
 * {@link MLP#update(double[][], int[])} on each mini-batch with a constant learning rate and no momentum.
 */
public final class SmileTrainee implements Trainee {
    private final MLP mlp;
    private final double[][][] xBatches;
    private final int[][] yBatches;
    private int next;

    public SmileTrainee(Architecture arch, Datasets train, int batch, long seed) {
        smile.math.MathEx.setSeed(seed);
        LayerBuilder[] layers = new LayerBuilder[arch.layers() + 1];
        layers[0] = Layer.input(arch.inputs());
        int[] hidden = arch.hidden();
        for (int h = 0; h < hidden.length; h++) {
            layers[h + 1] = Layer.rectifier(hidden[h]);
        }
        layers[layers.length - 1] = Layer.mle(arch.classes(), OutputFunction.SOFTMAX);
        mlp = new MLP(layers);
        mlp.setLearningRate(TimeFunction.constant(LEARNING_RATE));
        mlp.setMomentum(TimeFunction.constant(0.0));
        int batches = train.rows / batch;
        xBatches = new double[batches][][];
        yBatches = new int[batches][];
        for (int b = 0; b < batches; b++) {
            xBatches[b] = train.rowsAsDoubles(b * batch, (b + 1) * batch);
            yBatches[b] = java.util.Arrays.copyOfRange(train.y, b * batch, (b + 1) * batch);
        }
    }

    @Override
    public void step() {
        final int b = next;
        next = b + 1 == xBatches.length ? 0 : b + 1;
        mlp.update(xBatches[b], yBatches[b]);
    }

    @Override
    public int batchesPerEpoch() {
        return xBatches.length;
    }

    @Override
    public double accuracy(Datasets test) {
        int correct = 0;
        double[][] rows = test.rowsAsDoubles(0, test.rows);
        for (int r = 0; r < test.rows; r++) {
            if (mlp.predict(rows[r]) == test.y[r]) {
                correct++;
            }
        }
        return correct / (double) test.rows;
    }

    @Override
    public String name() {
        return "Smile 6.3.0";
    }

    @Override
    public void close() {
    }
}
