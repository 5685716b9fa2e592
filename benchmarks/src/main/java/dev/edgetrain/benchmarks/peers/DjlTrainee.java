package dev.edgetrain.benchmarks.peers;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.edgetrain.benchmarks.Architecture;
import dev.edgetrain.benchmarks.Datasets;

/**
 * Deep Java Library 0.36 on the PyTorch 2.7.1 engine (CPU, float): a {@link SequentialBlock} of
 * {@link Linear} layers and ReLU, {@link Loss#softmaxCrossEntropyLoss()}, {@link Optimizer#sgd()} with a fixed
 * rate and no momentum; per step forward, backward through a {@link GradientCollector} and
 * {@link Trainer#step()}. The mini-batches are copied into native {@link NDArray}s once, in setup, so the
 * step times exclude the Java-to-native copy a real input pipeline would add. Run with
 * {@code -Dai.djl.offline=true} and one PyTorch thread (see benchmarks/run.sh).
 */
public final class DjlTrainee implements Trainee {
    private final NDManager manager;
    private final Model model;
    private final Trainer trainer;
    private final NDList[] xBatches;
    private final NDList[] yBatches;
    private final Architecture arch;
    private int next;

    public DjlTrainee(Architecture arch, Datasets train, int batch, long seed) {
        this.arch = arch;
        ai.djl.engine.Engine.getInstance().setRandomSeed((int) seed);
        manager = NDManager.newBaseManager();
        SequentialBlock block = new SequentialBlock();
        for (int h : arch.hidden()) {
            block.add(Linear.builder().setUnits(h).build());
            block.add(Activation::relu);
        }
        block.add(Linear.builder().setUnits(arch.classes()).build());
        model = Model.newInstance("mlp");
        model.setBlock(block);
        DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(LEARNING_RATE)).build());
        trainer = model.newTrainer(config);
        trainer.initialize(new Shape(batch, arch.inputs()));
        int batches = train.rows / batch;
        xBatches = new NDList[batches];
        yBatches = new NDList[batches];
        for (int b = 0; b < batches; b++) {
            float[] x = new float[batch * arch.inputs()];
            System.arraycopy(train.x, b * batch * arch.inputs(), x, 0, x.length);
            float[] y = new float[batch];
            for (int r = 0; r < batch; r++) {
                y[r] = train.y[b * batch + r];
            }
            xBatches[b] = new NDList(manager.create(x, new Shape(batch, arch.inputs())));
            yBatches[b] = new NDList(manager.create(y, new Shape(batch)));
        }
    }

    @Override
    public void step() {
        final int b = next;
        next = b + 1 == xBatches.length ? 0 : b + 1;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            try (GradientCollector collector = trainer.newGradientCollector()) {
                NDList predictions = trainer.forward(xBatches[b]);
                NDArray loss = trainer.getLoss().evaluate(yBatches[b], predictions);
                collector.backward(loss);
            }
            trainer.step();
        }
    }

    @Override
    public int batchesPerEpoch() {
        return xBatches.length;
    }

    @Override
    public double accuracy(Datasets test) {
        try (NDManager scratch = manager.newSubManager()) {
            NDArray x = scratch.create(test.x, new Shape(test.rows, arch.inputs()));
            NDArray logits = trainer.evaluate(new NDList(x)).singletonOrThrow();
            long[] predicted = logits.argMax(1).toLongArray();
            int correct = 0;
            for (int r = 0; r < test.rows; r++) {
                if (predicted[r] == test.y[r]) {
                    correct++;
                }
            }
            return correct / (double) test.rows;
        }
    }

    @Override
    public String name() {
        return "DJL 0.36.0 + PyTorch 2.7.1";
    }

    @Override
    public void close() {
        trainer.close();
        model.close();
        manager.close();
    }
}
