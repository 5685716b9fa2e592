package dev.edgetrain.fleet.fedavg;

import dev.edgetrain.fleet.aggregate.FixedPointSum;
import dev.edgetrain.fleet.data.Shard;
import dev.edgetrain.fleet.model.SpecData;
import dev.edgetrain.fleet.secagg.MaskingClient;
import dev.edgetrain.fleet.secagg.RoundKeys;
import dev.edgetrain.runtime.DivergenceException;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.train.Trainer;
import java.util.Arrays;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;

/**
 * One device's part of a round, run inside a Spark task: start from the broadcast global weights, train on the
 * device's shard for the configured local epochs with the edgetrain runtime (one network copy, one
 * {@link TrainingSession} with its workspace, one {@link Trainer}, all allocated here; the epochs themselves
 * allocate nothing), and add the resulting weights, weighted by the device's share of the round's examples, to
 * the running sum. Clients not sampled this round pass the sum through untouched.
 *
 * <p>With DP-FedAvg ({@code config.dpClip() > 0}) the client sends its model change clipped to that L2 norm instead of
 * its weights, and {@code share} is 1/m ({@link DpFedAvg}).
 *
 * <p>With secure aggregation ({@code keys} not null) the task plays the device's part of the protocol: it encodes
 * the weighted update in fixed point and adds it masked ({@link MaskingClient#mask}), so what leaves the task, and
 * every partial sum, is uniform noise until the driver unmasks the round's total. A client in {@code lost} (simulated
 * dropout) contributes nothing: its upload never arrives. It is not even trained, since nothing of it could reach
 * the result.
 *
 * <p>Nothing here writes to shared state: the broadcast array is only copied, and the sum is the task's own, so
 * a task that fails half-way and is retried contributes exactly what a first attempt would have.
 */
final class ClientStep implements Function2<RoundSum, Shard, RoundSum> {
    private static final long serialVersionUID = 1L;

    private final Broadcast<float[]> global;
    private final SpecData spec;
    private final FedAvgConfig config;
    private final int round;
    /** Sampled client ids, ascending, and each one's share {@code n_k / N} of the round's examples. */
    private final int[] sampled;
    private final double[] share;
    /** Sampled clients whose upload is lost this round (simulated dropout), ascending. */
    private final int[] lost;
    /** The round's participants and public keys with secure aggregation; null without. */
    private final RoundKeys keys;

    ClientStep(Broadcast<float[]> global, SpecData spec, FedAvgConfig config, int round, int[] sampled, double[] share,
               int[] lost, RoundKeys keys) {
        this.global = global;
        this.spec = spec;
        this.config = config;
        this.round = round;
        this.sampled = sampled;
        this.share = share;
        this.lost = lost;
        this.keys = keys;
    }

    @Override
    public RoundSum call(RoundSum sum, Shard shard) {
        final int k = Arrays.binarySearch(sampled, shard.id());
        if (k < 0) {
            return sum;
        }
        if (Arrays.binarySearch(lost, shard.id()) >= 0) {
            sum.drop(shard.id());
            return sum;
        }
        final Network local = Network.fromParameters(spec.spec(), global.value());
        final int batch = config.batchSize() == 0 ? shard.rows() : Math.min(config.batchSize(), shard.rows());
        final TrainingSession session = new TrainingSession(local, batch, config.optimizer().config());
        final Trainer trainer = new Trainer(session, shard.toDataset(), batch,
                ClientSampler.mix(config.seed(), round, shard.id()));
        try {
            trainer.fit(config.localEpochs(), null);
        } catch (DivergenceException e) {
            sum.drop(shard.id()); // a real server discards a broken update too
            return sum;
        }
        final float[] update = config.dpClip() > 0
                ? DpFedAvg.clippedChange(local.copyParameters(), global.value(), config.dpClip())
                : local.copyParameters();
        if (!FixedPointSum.accepts(update, share[k]) || !Float.isFinite(trainer.lastLoss())) {
            sum.drop(shard.id()); // weights beyond 2^22: diverged without a non-finite loss
            return sum;
        }
        if (keys == null) {
            sum.addClient(update, share[k], trainer.lastLoss(), shard.rows(), shard.id());
        } else {
            final long[] fixed = RoundSum.encode(update, share[k], trainer.lastLoss(), shard.id());
            final MaskingClient device = MaskingClient.simulated(config.seed(), round, shard.id());
            sum.addMaskedClient(device.mask(fixed, keys), shard.rows());
        }
        return sum;
    }
}
