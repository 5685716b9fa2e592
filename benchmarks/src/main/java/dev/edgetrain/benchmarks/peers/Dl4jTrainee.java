package dev.edgetrain.benchmarks.peers;

import dev.edgetrain.benchmarks.Architecture;
import dev.edgetrain.benchmarks.Datasets;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Deeplearning4j 1.0.0-M2.1 on nd4j-native (linux-x86_64, float): {@link DenseLayer}s with ReLU and an
 * {@link OutputLayer} with softmax and multi-class cross-entropy, the {@link Sgd} updater;
 * {@link MultiLayerNetwork#fit(DataSet)} on each mini-batch, prepared as a {@link DataSet} in setup.
 * One thread: OMP_NUM_THREADS=1 (see benchmarks/run.sh).
 */
public final class Dl4jTrainee implements Trainee {
    private final MultiLayerNetwork network;
    private final DataSet[] batches;
    private final Architecture arch;
    private int next;

    public Dl4jTrainee(Architecture arch, Datasets train, int batch, long seed) {
        this.arch = arch;
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(new Sgd(LEARNING_RATE))
                .weightInit(WeightInit.RELU)
                .list();
        int[] hidden = arch.hidden();
        int in = arch.inputs();
        for (int h = 0; h < hidden.length; h++) {
            list.layer(new DenseLayer.Builder().nIn(in).nOut(hidden[h]).activation(Activation.RELU).build());
            in = hidden[h];
        }
        list.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(in).nOut(arch.classes())
                .activation(Activation.SOFTMAX).build());
        MultiLayerConfiguration conf = list.build();
        network = new MultiLayerNetwork(conf);
        network.init();
        int count = train.rows / batch;
        batches = new DataSet[count];
        for (int b = 0; b < count; b++) {
            float[][] x = new float[batch][arch.inputs()];
            float[][] y = new float[batch][arch.classes()];
            for (int r = 0; r < batch; r++) {
                System.arraycopy(train.x, (b * batch + r) * arch.inputs(), x[r], 0, arch.inputs());
                y[r][train.y[b * batch + r]] = 1f;
            }
            batches[b] = new DataSet(Nd4j.create(x), Nd4j.create(y));
        }
    }

    @Override
    public void step() {
        final int b = next;
        next = b + 1 == batches.length ? 0 : b + 1;
        network.fit(batches[b]);
    }

    @Override
    public int batchesPerEpoch() {
        return batches.length;
    }

    @Override
    public double accuracy(Datasets test) {
        float[][] x = new float[test.rows][arch.inputs()];
        for (int r = 0; r < test.rows; r++) {
            System.arraycopy(test.x, r * arch.inputs(), x[r], 0, arch.inputs());
        }
        INDArray out = network.output(Nd4j.create(x));
        int[] predicted = out.argMax(1).toIntVector();
        int correct = 0;
        for (int r = 0; r < test.rows; r++) {
            if (predicted[r] == test.y[r]) {
                correct++;
            }
        }
        return correct / (double) test.rows;
    }

    @Override
    public String name() {
        return "Deeplearning4j 1.0.0-M2.1";
    }

    @Override
    public void close() {
        network.close();
    }
}
