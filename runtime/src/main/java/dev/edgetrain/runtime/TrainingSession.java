package dev.edgetrain.runtime;

import dev.edgetrain.runtime.kernels.Dense;
import dev.edgetrain.runtime.kernels.Relu;
import dev.edgetrain.runtime.kernels.SoftmaxCrossEntropy;
import dev.edgetrain.runtime.optim.Optimizer;
import dev.edgetrain.runtime.optim.OptimizerConfig;

/**
 * Trains a {@link Network} in onnxruntime's training vocabulary:
 * <pre>{@code
 * TrainingSession session = new TrainingSession(network, 32, OptimizerConfig.adam(1e-3f));
 * float loss = session.trainStep(x, labels, batch);   // forward + backward; gradients accumulate
 * session.optimizerStep();                           // update parameters from gradients
 * session.zeroGrad();
 * }</pre>
 * Owns a {@link Workspace} for {@code maxBatch} rows and the optimizer's state; once constructed, none of
 * its steps allocate. The loss is the mean cross-entropy {@code −(1/batch) Σ_b log P[b][c_b]}, i.e. the
 * founding objective {@code J = log P_c}, negated and averaged; descending it ascends {@code J}.
 *
 * <p>Every argument is checked before anything changes; a rejected step leaves parameters, gradients and
 * optimizer state as they were. Not thread-safe.
 */
public final class TrainingSession {
    private final Network network;
    private final Workspace ws;
    private final Optimizer optimizer;
    private final ParameterLayout layout;
    /** Per dense layer: whether its parameters get gradients and updates. */
    private final boolean[] trainable;
    /** Lowest trainable layer; the backward pass stops there. -1 when everything is frozen. */
    private int lowestTrainable;
    private int lastCorrect;
    private int lastBatch;

    public TrainingSession(Network network, int maxBatch, OptimizerConfig optimizer) {
        if (network == null || optimizer == null) {
            throw new IllegalArgumentException("network and optimizer config must not be null");
        }
        this.network = network;
        this.layout = network.layout();
        this.ws = new Workspace(network.spec(), maxBatch);
        this.optimizer = optimizer.create(layout.size());
        this.trainable = new boolean[layout.layerCount()];
        java.util.Arrays.fill(trainable, true);
        this.lowestTrainable = 0;
    }

    /**
     * Forward and backward over {@code batch} rows: {@code x [batch][inputs]} from {@code xOffset},
     * {@code labels [batch]} from {@code labelOffset}. Adds the gradient of the mean loss to the gradient
     * slab (call {@link #zeroGrad()} between steps unless accumulating on purpose) and returns the mean loss.
     *
     * @throws IllegalArgumentException for a bad shape, a non-finite input or a label outside {@code [0, classes)}
     * @throws DivergenceException      when the loss is not finite (gradients are then left untouched)
     */
    public float trainStep(float[] x, int xOffset, int[] labels, int labelOffset, int batch) {
        final double lossSum = forwardLoss(x, xOffset, labels, labelOffset, batch);
        final float meanLoss = (float) (lossSum / batch);
        if (!(Math.abs(meanLoss) <= Float.MAX_VALUE)) {
            throw new DivergenceException("loss is " + meanLoss + " at optimizer step " + optimizer.steps()
                    + ": the network has diverged (lower the learning rate or clip gradients); gradients left unchanged",
                    optimizer.steps());
        }
        if (lowestTrainable >= 0) {
            backward(labels, labelOffset, batch);
        }
        return meanLoss;
    }

    /** {@link #trainStep(float[], int, int[], int, int)} from offset 0 of both arrays. */
    public float trainStep(float[] x, int[] labels, int batch) {
        return trainStep(x, 0, labels, 0, batch);
    }

    /** The mean loss of {@code batch} rows, without gradients. Same checks as {@link #trainStep}. */
    public float evalStep(float[] x, int xOffset, int[] labels, int labelOffset, int batch) {
        return (float) (forwardLoss(x, xOffset, labels, labelOffset, batch) / batch);
    }

    public float evalStep(float[] x, int[] labels, int batch) {
        return evalStep(x, 0, labels, 0, batch);
    }

    /** Rows the last train or eval step classified correctly (argmax of the output = label). */
    public int lastCorrect() {
        return lastCorrect;
    }

    /** Rows in the last train or eval step. */
    public int lastBatch() {
        return lastBatch;
    }

    /**
     * Updates the trainable layers' parameters from the accumulated gradients.
     *
     * @throws DivergenceException when a gradient is not finite; nothing is changed then
     */
    public void optimizerStep() {
        optimizer.step(network, trainable);
    }

    /** Sets every gradient to zero. */
    public void zeroGrad() {
        network.zeroGradients();
    }

    /** Freezes ({@code false}) or unfreezes dense layer {@code layer}: a frozen layer gets no gradient or update. */
    public void setTrainable(int layer, boolean isTrainable) {
        if (layer < 0 || layer >= trainable.length) {
            throw new IllegalArgumentException("layer must be in [0, " + trainable.length + "), got " + layer);
        }
        trainable[layer] = isTrainable;
        lowestTrainable = -1;
        for (int l = 0; l < trainable.length; l++) {
            if (trainable[l]) {
                lowestTrainable = l;
                break;
            }
        }
    }

    /** Freezes every layer but the output layer: the usual on-device personalisation. */
    public void trainOnlyLastLayer() {
        for (int l = 0; l < trainable.length; l++) {
            setTrainable(l, l == trainable.length - 1);
        }
    }

    public boolean isTrainable(int layer) {
        return trainable[layer];
    }

    public Network network() {
        return network;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public Workspace workspace() {
        return ws;
    }

    public int maxBatch() {
        return ws.maxBatch;
    }

    private double forwardLoss(float[] x, int xOffset, int[] labels, int labelOffset, int batch) {
        final NetworkSpec spec = network.spec();
        Checks.batch(batch, ws.maxBatch);
        Checks.inputs(x, xOffset, batch, spec.inputs());
        Checks.labels(labels, labelOffset, batch, spec.classes());
        network.forwardLogits(ws, x, xOffset, batch);
        final int classes = spec.classes();
        int correct = 0;
        for (int b = 0; b < batch; b++) {
            if (SoftmaxCrossEntropy.argmax(ws.logits, 0, b, classes) == labels[labelOffset + b]) {
                correct++;
            }
        }
        lastCorrect = correct;
        lastBatch = batch;
        return SoftmaxCrossEntropy.forward(ws.probabilities, 0, ws.logits, 0, labels, labelOffset, batch, classes);
    }

    /**
     * Backward from the loss to every trainable layer, after {@link #forwardLoss}: the fused softmax +
     * cross-entropy gradient {@code (P − y)/batch}, then per layer from the top {@link Dense#backward}
     * (which holds the founding equations) and {@link Relu#backward}.
     */
    private void backward(int[] labels, int labelOffset, int batch) {
        final float[] params = network.parameters();
        final float[] grads = network.gradients();
        float[] dOut = ws.gradA;
        float[] dIn = ws.gradB;
        SoftmaxCrossEntropy.backward(dOut, 0, ws.probabilities, 0, labels, labelOffset, batch,
                network.spec().classes(), 1f / batch);
        for (int l = layout.layerCount() - 1; l >= lowestTrainable; l--) {
            final int inDim = layout.inputs(l);
            final int outDim = layout.outputs(l);
            final float[] in = l == 0 ? ws.input : ws.hidden[l - 1];
            final int inOff = l == 0 ? ws.inputOffset : 0;
            final boolean needInputGradient = l > lowestTrainable;
            Dense.backward(needInputGradient ? dIn : null, 0,
                    trainable[l] ? grads : null, layout.weightOffset(l),
                    trainable[l] && layout.biasOffset(l) >= 0 ? grads : null, layout.biasOffset(l),
                    dOut, 0, in, inOff, params, layout.weightOffset(l), batch, inDim, outDim);
            if (needInputGradient) {
                Relu.backward(dIn, 0, dIn, 0, ws.hidden[l - 1], 0, batch * inDim);
                final float[] t = dOut;
                dOut = dIn;
                dIn = t;
            }
        }
    }
}
