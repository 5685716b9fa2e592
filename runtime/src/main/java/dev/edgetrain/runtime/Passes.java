package dev.edgetrain.runtime;

import dev.edgetrain.runtime.kernels.Activations;
import dev.edgetrain.runtime.kernels.DenseWeights;
import dev.edgetrain.runtime.kernels.Dropout;
import dev.edgetrain.runtime.kernels.LayerNorm;
import dev.edgetrain.runtime.kernels.SoftmaxCrossEntropy;

/**
 * The forward and the backward pass of a network, layer by layer, each layer one call of each of its
 * kernel pairs (llm.c's pattern): for layer {@code l} with input {@code x} (the previous layer's output),
 * <pre>
 *   forward                                         backward (from the top; dY = ∂L/∂y given)
 *   z = W·x + b         DenseWeights.forward        dZ: KernelSet.backwardWeight (dW += dZᵀ·x, db += Σ dZ)
 *                                                       DenseWeights.backwardInput (dX = dZ·W, the dY of l − 1)
 *   n = LayerNorm(z)    LayerNorm.forward           dZ = LayerNorm.backward(dN)  (dγ, dβ)
 *   a = f(n)            Activations.forward         dN = f'(n) · dA              Activations.backward
 *   y = a · mask        Dropout.forward (training)  dA = dY · mask               Dropout.backward
 * </pre>
 * then the head on the output layer's {@code a}: softmax, sigmoid or identity (its loss and the loss's fused
 * backward are in {@link TrainingSession}). Stateless: the buffers are the {@link Workspace}'s, the parameters
 * the {@link Network}'s.
 *
 * <p>With a {@link ComputePool} and enough work, the forward pass splits the batch rows over the threads (rows
 * are independent all the way up), and the backward pass splits each dense layer's weight gradient by output
 * rows and its input gradient by batch rows; the rest of the backward pass is cheap and runs on the caller.
 * Every row's arithmetic is the same whoever computes it, so the results are the same to the bit.
 */
final class Passes {
    private Passes() {
    }

    /** Below this many multiply-adds a pass stays on the calling thread: handing it out would cost more. */
    static final long PARALLEL_MIN_MULTIPLY_ADDS = 1L << 19;
    /**
     * Below this many weights an optimizer step and the rebuilding of the kernels' weight copies stay on the calling
     * thread: a few operations per weight, against a pass's batch-many multiply-adds.
     */
    static final long PARALLEL_MIN_WEIGHTS = PARALLEL_MIN_MULTIPLY_ADDS / 32;

    /**
     * The forward pass over {@code batch} rows of {@code x [batch][inputs]} at {@code xOffset}, arguments already
     * checked. {@code dropout} non-null makes it a training pass: it draws every dropout layer's mask from it
     * first, then applies them. {@code head} also computes the head's output into {@link Workspace#predictions}.
     */
    static void forward(Network net, Workspace ws, float[] x, int xOffset, int batch, Rng dropout, boolean head) {
        final NetworkSpec spec = net.spec();
        ws.input = x;
        ws.inputOffset = xOffset;
        ws.batch = batch;
        ws.training = dropout != null;
        if (dropout != null) {
            for (int l = 0; l < spec.layerCount(); l++) {
                if (ws.dropMask[l] != null) {
                    Dropout.drawMask(ws.dropMask[l], batch, spec.layerOutputs(l), spec.dropout(l), dropout);
                }
            }
        }
        final ComputePool pool = ws.pool;
        if (pool != null && pool.threads() > 1 && batch >= 2 * pool.threads()
                && (long) batch * net.weightCount >= PARALLEL_MIN_MULTIPLY_ADDS) {
            ws.passNetwork = net;
            ws.passHead = head;
            try {
                pool.run(FORWARD, ws);
            } finally {
                ws.passNetwork = null;
            }
        } else {
            forwardRows(net, ws, x, xOffset, 0, batch, head);
        }
    }

    /** The forward pass as a pool task: part {@code p} takes its share of the batch rows. */
    private static final ComputePool.Task<Workspace> FORWARD = new ComputePool.Task<Workspace>() {
        @Override
        public void run(Workspace ws, int part, int parts) {
            forwardRows(ws.passNetwork, ws, ws.input, ws.inputOffset, ComputePool.split(ws.batch, part, parts),
                    ComputePool.split(ws.batch, part + 1, parts), ws.passHead);
        }
    };

    /** The forward pass for batch rows {@code [from, to)} (dropout masks already drawn when training). */
    static void forwardRows(Network net, Workspace ws, float[] x, int xOffset, int from, int to, boolean head) {
        final NetworkSpec spec = net.spec();
        final ParameterLayout layout = net.layout();
        final float[] params = net.params;
        final int last = layout.layerCount() - 1;
        float[][] in = null; // rows of the layer's input; null while it is the caller's flat x
        for (int l = 0; l <= last; l++) {
            final LayerSpec s = spec.layer(l);
            final int inDim = layout.inputs(l);
            final int outDim = layout.outputs(l);
            final float[][] z = ws.linear[l];
            final float[] bias = layout.biasOffset(l) >= 0 ? params : null;
            final DenseWeights w = net.dense[l];
            if (in == null && w.forwardNeedsInputRows()) {
                in = ws.copyInputRows(x, xOffset, from, to);
            }
            w.forward(z, x, xOffset, in, bias, layout.biasOffset(l), from, to);
            if (s.layerNorm()) {
                LayerNorm.forward(ws.normed[l], ws.normMean[l], ws.normRstd[l], z, params, layout.normScaleOffset(l),
                        layout.normShiftOffset(l), from, to, outDim, s.normEpsilon());
            }
            Activations.forward(s.activation(), ws.activated[l], ws.normed[l], from, to, outDim);
            float[][] y = ws.activated[l];
            if (ws.training && ws.dropped[l] != null) {
                Dropout.forward(ws.dropped[l], ws.dropMask[l], y, from, to, outDim);
                y = ws.dropped[l];
            }
            in = y;
        }
        final int outputs = spec.outputs();
        final float[][] a = ws.activated[last];
        for (int b = from; b < to; b++) {
            System.arraycopy(a[b], 0, ws.logits, b * outputs, outputs);
        }
        if (head) {
            head(spec.task(), ws.predictions, ws.logits, from, to, outputs);
        }
    }

    /** The head on rows {@code [from, to)} of {@code logits [batch][width]}: softmax, sigmoid or identity. */
    static void head(Task task, float[] out, float[] logits, int from, int to, int width) {
        switch (task) {
            case CLASSIFY:
                SoftmaxCrossEntropy.softmax(out, from * width, logits, from * width, to - from, width);
                break;
            case BINARY:
            case MULTILABEL:
                for (int i = from * width; i < to * width; i++) {
                    out[i] = Activations.sigmoid(logits[i]);
                }
                break;
            default:
                System.arraycopy(logits, from * width, out, from * width, (to - from) * width);
                break;
        }
    }

    /**
     * The backward pass after a training forward pass, from {@code ws.gradRowsA} (the loss gradient with respect to
     * the output layer's {@code a}, {@code [batch][outputs]}) down to layer {@code lowest}: accumulates the gradients
     * of the trainable layers into the network's gradient slab.
     */
    static void backward(Network net, Workspace ws, boolean[] trainable, int lowest, int batch, BackwardTask task) {
        final NetworkSpec spec = net.spec();
        final ParameterLayout layout = net.layout();
        final float[] params = net.params;
        final float[] grads = net.gradients();
        final ComputePool pool = ws.pool;
        float[][] dOut = ws.gradRowsA;
        float[][] dIn = ws.gradRowsB;
        for (int l = layout.layerCount() - 1; l >= lowest; l--) {
            final LayerSpec s = spec.layer(l);
            final int inDim = layout.inputs(l);
            final int outDim = layout.outputs(l);
            if (ws.training && ws.dropMask[l] != null) {
                Dropout.backward(dOut, ws.dropMask[l], 0, batch, outDim);
            }
            Activations.backward(s.activation(), dOut, ws.normed[l], ws.activated[l], 0, batch, outDim);
            if (s.layerNorm()) {
                LayerNorm.backward(dOut, trainable[l] ? grads : null, dOut, ws.linear[l], params,
                        layout.normScaleOffset(l), layout.normShiftOffset(l), ws.normMean[l], ws.normRstd[l], 0,
                        batch, outDim);
            }
            final float[][] in = !trainable[l] ? null
                    : l == 0 ? ws.copyInputRows(ws.input, ws.inputOffset, 0, batch) : ws.layerOutputRows(l - 1);
            final boolean inputGradient = l > lowest;
            if (pool != null && pool.threads() > 1 && batch >= 2 * pool.threads()
                    && (long) batch * inDim * outDim >= PARALLEL_MIN_MULTIPLY_ADDS) {
                task.set(net, l, in, dOut, inputGradient ? dIn : null, batch);
                try {
                    pool.run(task, ws);
                } finally {
                    task.set(null, -1, null, null, null, 0);
                }
            } else {
                if (in != null) {
                    net.kernels.backwardWeight(grads, layout.weightOffset(l), layout.biasOffset(l) >= 0 ? grads : null,
                            layout.biasOffset(l), ws.rowScratch, dOut, in, batch, inDim, 0, outDim);
                }
                if (inputGradient) {
                    net.dense[l].backwardInput(dIn, dOut, 0, batch);
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
     * One dense layer's backward pass split over a pool: part {@code p} takes the weight-gradient rows (outputs) and
     * the input-gradient batch rows of its share; the two write disjoint data and read only what the layer above
     * made. One per training session, filled before each dispatch.
     */
    static final class BackwardTask implements ComputePool.Task<Workspace> {
        private Network net;
        private int layer;
        private float[][] in;
        private float[][] dOut;
        private float[][] dIn;
        private int batch;

        void set(Network n, int l, float[][] input, float[][] gradOut, float[][] gradIn, int rows) {
            net = n;
            layer = l;
            in = input;
            dOut = gradOut;
            dIn = gradIn;
            batch = rows;
        }

        @Override
        public void run(Workspace ws, int part, int parts) {
            final int l = layer;
            final ParameterLayout layout = net.layout();
            final int inDim = layout.inputs(l);
            final int outDim = layout.outputs(l);
            final float[] grads = net.gradients();
            if (in != null) {
                net.kernels.backwardWeight(grads, layout.weightOffset(l), layout.biasOffset(l) >= 0 ? grads : null,
                        layout.biasOffset(l), ws.partRowScratch[part], dOut, in, batch, inDim,
                        ComputePool.split(outDim, part, parts), ComputePool.split(outDim, part + 1, parts));
            }
            if (dIn != null) {
                net.dense[l].backwardInput(dIn, dOut, ComputePool.split(batch, part, parts),
                        ComputePool.split(batch, part + 1, parts));
            }
        }
    }
}
