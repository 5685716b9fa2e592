package dev.edgetrain.runtime;

import dev.edgetrain.runtime.kernels.Dense;
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

    /** With a pool: one layer's backward pass as a task, filled before each dispatch; {@code null} without. */
    private final BackwardTask backwardTask;

    public TrainingSession(Network network, int maxBatch, OptimizerConfig optimizer) {
        this(network, maxBatch, optimizer, null);
    }

    /**
     * A session whose steps over large batches are split over {@code pool}'s threads: the forward pass by batch
     * rows, each layer's weight gradient by its output rows, its input gradient by batch rows. {@code null} runs
     * everything on the calling thread, as {@link #TrainingSession(Network, int, OptimizerConfig)}. Results
     * are the same either way, to the bit: every row's arithmetic is the same whoever computes it.
     */
    public TrainingSession(Network network, int maxBatch, OptimizerConfig optimizer, ComputePool pool) {
        if (network == null || optimizer == null) {
            throw new IllegalArgumentException("network and optimizer config must not be null");
        }
        this.network = network;
        this.layout = network.layout();
        this.ws = new Workspace(network.spec(), maxBatch, pool);
        this.backwardTask = pool == null ? null : new BackwardTask();
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
     * cross-entropy gradient {@code (P − y)/batch}, then per layer from the top the weight and bias gradients
     * and the input gradient through the ReLU below ({@link Dense#backwardWeight} and {@link Dense#backwardInput},
     * whose Javadoc holds the founding equations, and {@link Relu#backward}).
     */
    private void backward(int[] labels, int labelOffset, int batch) {
        final float[] grads = network.gradients();
        float[][] dOut = ws.gradRowsA;
        float[][] dIn = ws.gradRowsB;
        SoftmaxCrossEntropy.backward(dOut, ws.probabilities, 0, labels, labelOffset, batch,
                network.spec().classes(), 1f / batch);
        final ComputePool pool = ws.pool;
        for (int l = layout.layerCount() - 1; l >= lowestTrainable; l--) {
            final int inDim = layout.inputs(l);
            final int outDim = layout.outputs(l);
            final float[][] in = !trainable[l] ? null
                    : l == 0 ? ws.copyInputRows(ws.input, ws.inputOffset, batch) : ws.hiddenRows[l - 1];
            final boolean inputGradient = l > lowestTrainable;
            if (pool != null && pool.threads() > 1 && batch >= 2 * pool.threads()
                    && (long) batch * inDim * outDim >= Network.PARALLEL_MIN_MULTIPLY_ADDS) {
                backwardTask.set(l, in, dOut, inputGradient ? dIn : null, batch);
                try {
                    pool.run(backwardTask);
                } finally {
                    backwardTask.set(-1, null, null, null, 0);
                }
            } else {
                if (in != null) {
                    Dense.backwardWeight(grads, layout.weightOffset(l), layout.biasOffset(l) >= 0 ? grads : null,
                            layout.biasOffset(l), ws.rowScratch, dOut, in, batch, inDim, 0, outDim);
                }
                if (inputGradient) {
                    Dense.backwardInput(dIn, dOut, network.weightRows(l), ws.hiddenRows[l - 1], 0, batch, inDim,
                            outDim);
                }
            }
            if (inputGradient) {
                final float[][] t = dOut;
                dOut = dIn;
                dIn = t;
            }
        }
    }

    /**
     * One layer's backward pass split over a pool: part {@code p} takes the weight-gradient rows (outputs) and the
     * input-gradient batch rows of its share; the two write disjoint data and read only what the layer above made.
     */
    private final class BackwardTask implements ComputePool.Task {
        private int layer;
        private float[][] in;
        private float[][] dOut;
        private float[][] dIn;
        private int batch;

        void set(int l, float[][] input, float[][] gradOut, float[][] gradIn, int rows) {
            layer = l;
            in = input;
            dOut = gradOut;
            dIn = gradIn;
            batch = rows;
        }

        @Override
        public void run(int part, int parts) {
            final int l = layer;
            final int inDim = layout.inputs(l);
            final int outDim = layout.outputs(l);
            final float[] grads = network.gradients();
            if (in != null) {
                Dense.backwardWeight(grads, layout.weightOffset(l), layout.biasOffset(l) >= 0 ? grads : null,
                        layout.biasOffset(l), ws.partRowScratch[part], dOut, in, batch, inDim,
                        ComputePool.split(outDim, part, parts), ComputePool.split(outDim, part + 1, parts));
            }
            if (dIn != null) {
                Dense.backwardInput(dIn, dOut, network.weightRows(l), ws.hiddenRows[l - 1],
                        ComputePool.split(batch, part, parts), ComputePool.split(batch, part + 1, parts), inDim, outDim);
            }
        }
    }
}
