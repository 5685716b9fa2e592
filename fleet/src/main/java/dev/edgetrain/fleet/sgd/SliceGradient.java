package dev.edgetrain.fleet.sgd;

import dev.edgetrain.fleet.aggregate.FixedPointSum;
import dev.edgetrain.fleet.data.Shard;
import dev.edgetrain.fleet.model.SpecData;
import dev.edgetrain.runtime.DivergenceException;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;

/**
 * One slice's part of a global step, inside a Spark task: pick the rows of the global batch this slice holds (in
 * batch order), run one forward and backward pass over them with a network copy of the broadcast weights, and add
 * the gradient, weighted by the slice's share of the batch, to the step's sum. No optimizer runs here: the driver
 * holds the optimizer and its state, and applies one step to the averaged gradient.
 */
final class SliceGradient implements Function2<StepSum, Shard, StepSum> {
    private static final long serialVersionUID = 1L;

    private final Broadcast<float[]> weights;
    private final Broadcast<int[]> epochOrder;
    private final int from;
    private final int to;
    private final SpecData spec;

    SliceGradient(Broadcast<float[]> weights, Broadcast<int[]> epochOrder, int from, int to, SpecData spec) {
        this.weights = weights;
        this.epochOrder = epochOrder;
        this.from = from;
        this.to = to;
        this.spec = spec;
    }

    @Override
    public StepSum call(StepSum sum, Shard slice) {
        final int[] order = epochOrder.value();
        final long first = slice.firstRow();
        final long end = first + slice.rows();
        int n = 0;
        for (int i = from; i < to; i++) {
            if (order[i] >= first && order[i] < end) {
                n++;
            }
        }
        if (n == 0) {
            return sum;
        }
        final int f = slice.featureCount();
        final float[] x = new float[n * f];
        final int[] y = new int[n];
        int b = 0;
        for (int i = from; i < to; i++) {
            if (order[i] >= first && order[i] < end) {
                final int local = (int) (order[i] - first);
                System.arraycopy(slice.features(), local * f, x, b * f, f);
                y[b++] = slice.labels()[local];
            }
        }
        final Network network = Network.fromParameters(spec.spec(), weights.value());
        final TrainingSession session = new TrainingSession(network, n, OptimizerConfig.sgd(1f)); // no step taken here
        final double share = (double) n / (to - from);
        final float loss;
        try {
            loss = session.trainStep(x, 0, y, 0, n);
        } catch (DivergenceException e) {
            sum.diverged = slice + ": " + e.getMessage();
            sum.rows += n;
            return sum;
        }
        if (!FixedPointSum.accepts(network.gradients(), share)) {
            sum.diverged = slice + ": a gradient is not finite or exceeds 2^" + FixedPointSum.MAGNITUDE_BITS;
            sum.rows += n;
            return sum;
        }
        sum.gradients.add(network.gradients(), share, slice + "'s gradient");
        sum.loss.add(1, 0, share * loss, slice + "'s loss");
        sum.rows += n;
        return sum;
    }
}
