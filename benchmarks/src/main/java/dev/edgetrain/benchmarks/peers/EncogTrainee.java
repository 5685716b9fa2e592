package dev.edgetrain.benchmarks.peers;

import dev.edgetrain.benchmarks.Architecture;
import dev.edgetrain.benchmarks.Datasets;
import org.encog.engine.network.activation.ActivationReLU;
import org.encog.engine.network.activation.ActivationSoftMax;
import org.encog.mathutil.randomize.XaiverRandomizer;
import org.encog.ml.data.MLData;
import org.encog.ml.data.basic.BasicMLData;
import org.encog.ml.data.basic.BasicMLDataSet;
import org.encog.neural.networks.BasicNetwork;
import org.encog.neural.networks.layers.BasicLayer;
import org.encog.neural.networks.training.propagation.sgd.StochasticGradientDescent;
import org.encog.neural.networks.training.propagation.sgd.update.MomentumUpdate;

/**
 * Encog 3.4 (pure Java, double precision): a {@link BasicNetwork} of ReLU hidden layers and a softmax output,
 * initialised by its Xavier randomizer, trained by its {@link StochasticGradientDescent} (cross-entropy error, one
 * mini-batch per iteration) with the plain update rule ({@link MomentumUpdate} with momentum 0). Encog sums the
 * gradient over the batch, so its rate is the mean-loss rate divided by the batch size.
 */
public final class EncogTrainee implements Trainee {
    private final BasicNetwork network;
    private final StochasticGradientDescent sgd;
    private final int batchesPerEpoch;

    public EncogTrainee(Architecture arch, Datasets train, int batch, long seed) {
        network = new BasicNetwork();
        network.addLayer(new BasicLayer(null, true, arch.inputs()));
        for (int h : arch.hidden()) {
            network.addLayer(new BasicLayer(new ActivationReLU(), true, h));
        }
        network.addLayer(new BasicLayer(new ActivationSoftMax(), false, arch.classes()));
        network.getStructure().finalizeStructure();
        new XaiverRandomizer(seed).randomize(network); // Encog's default range init saturates 784-wide layers
        double[][] x = train.rowsAsDoubles(0, train.rows);
        double[][] y = new double[train.rows][arch.classes()];
        for (int r = 0; r < train.rows; r++) {
            y[r][train.y[r]] = 1.0;
        }
        sgd = new StochasticGradientDescent(network, new BasicMLDataSet(x, y));
        sgd.setBatchSize(batch);
        sgd.setLearningRate(LEARNING_RATE / batch);
        sgd.setMomentum(0.0);
        sgd.setUpdateRule(new MomentumUpdate());
        batchesPerEpoch = train.rows / batch;
    }

    @Override
    public void step() {
        sgd.iteration();
    }

    @Override
    public int batchesPerEpoch() {
        return batchesPerEpoch;
    }

    @Override
    public double accuracy(Datasets test) {
        int correct = 0;
        double[][] rows = test.rowsAsDoubles(0, test.rows);
        for (int r = 0; r < test.rows; r++) {
            MLData out = network.compute(new BasicMLData(rows[r]));
            int best = 0;
            for (int k = 1; k < out.size(); k++) {
                if (out.getData(k) > out.getData(best)) {
                    best = k;
                }
            }
            if (best == test.y[r]) {
                correct++;
            }
        }
        return correct / (double) test.rows;
    }

    @Override
    public String name() {
        return "Encog 3.4";
    }

    @Override
    public void close() {
    }
}
