package dev.edgetrain.fleet.sgd;

import dev.edgetrain.fleet.data.Shard;
import dev.edgetrain.fleet.model.SpecData;
import dev.edgetrain.fleet.score.Metrics;
import dev.edgetrain.fleet.score.ShardEvaluation;
import dev.edgetrain.fleet.spark.ShippedBytes;
import dev.edgetrain.runtime.DivergenceException;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.TrainingSession;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Synchronous data-parallel SGD on Spark: the data set is cut into slices of consecutive rows, one per partition
 * ({@code Shards.contiguous}); per global step of {@code B} rows
 * <pre>
 *   broadcast w                                           (4 bytes a parameter)
 *   each slice p: g_p = ∇ mean loss over its b_p rows of the step's batch
 *   g = Σ_p (b_p / B) · g_p                               (Spark treeAggregate, exact sum)
 *   driver: one optimizer step on g                       (the optimizer's state lives on the driver)
 * </pre>
 * {@code g} is the gradient of the mean loss over the whole batch, so with the same seed and batch size this is
 * single-machine training with the runtime's {@code Trainer}, up to the order float additions happen in.
 * One Spark job per step: worth it when a step's compute outweighs a job's scheduling (about 50 ms on a 2-core
 * machine in local mode, more with more partitions).
 */
public final class DataParallelSgd {
    private final JavaSparkContext sc;
    private final DataParallelConfig config;

    /**
     * Training on {@code sc} with {@code config}.
     *
     * @param sc the Spark context the steps' jobs run in
     * @param config epochs, global batch size, optimizer and seed
     * @throws IllegalArgumentException if either is null
     */
    public DataParallelSgd(JavaSparkContext sc, DataParallelConfig config) {
        if (sc == null || config == null) {
            throw new IllegalArgumentException("spark context and config must not be null");
        }
        this.sc = sc;
        this.config = config;
    }

    /** Told after each epoch, on the driver. */
    public interface EpochListener {
        /**
         * Called after each epoch with its report and the network as trained so far (e.g. to save a checkpoint).
         *
         * @param report the epoch's report
         * @param network the network being trained; not to be changed
         * @throws IOException when the listener fails to write; it ends the training
         */
        void onEpoch(EpochReport report, Network network) throws IOException;
    }

    /**
     * Trains {@code network} in place.
     *
     * @param slices     consecutive-row slices, one per partition, together covering global rows {@code [0, rows)}
     *                   exactly once; cache it
     * @param network the network to train, in place; its weights are the starting point
     * @param evaluation rows to evaluate the network on after each epoch (cache it), or null
     * @param listener told after each epoch, or null
     * @return one report per epoch
     * @throws DivergenceException when a step's loss or gradient is not finite; the network then keeps the
     *                             weights before that step
     * @throws IOException when the listener throws it
     * @throws IllegalArgumentException when the slices do not fit the network or do not tile the rows exactly once
     */
    public List<EpochReport> run(JavaRDD<Shard> slices, Network network, JavaRDD<Shard> evaluation,
                                 EpochListener listener) throws IOException {
        final NetworkSpec spec = network.spec();
        final SpecData specData = new SpecData(spec);
        final int rows = checkSlices(slices, spec);
        final long evalRows = evaluation == null ? 0 : evaluation.map(Shard::rows).reduce(Integer::sum);
        final GlobalBatches batches = new GlobalBatches(rows, config.batchSize(), config.seed());
        final TrainingSession driver = new TrainingSession(network, 1, config.optimizer().config());
        final float[] gradients = network.gradients();
        List<EpochReport> reports = new ArrayList<>();
        try (ShippedBytes meter = new ShippedBytes(sc)) {
            for (int e = 1; e <= config.epochs(); e++) {
                final long start = System.nanoTime();
                long upload = 0;
                final Broadcast<int[]> order = sc.broadcast(batches.nextEpoch());
                double lossSum = 0;
                try {
                    for (int k = 0; k < batches.stepsPerEpoch(); k++) {
                        final int from = batches.from(k);
                        final int to = batches.to(k);
                        final Broadcast<float[]> weights = sc.broadcast(network.copyParameters());
                        final ShippedBytes.Measured<StepSum> measured;
                        try {
                            measured = meter.measure("edgetrain fleet: data-parallel step", 1,
                                    () -> slices.treeAggregate(new StepSum(),
                                            new SliceGradient(weights, order, from, to, specData), StepSum::merge,
                                            config.aggregationDepth()));
                        } finally {
                            weights.destroy();
                        }
                        final StepSum sum = measured.value();
                        upload = upload < 0 || measured.bytes() < 0 ? -1 : upload + measured.bytes();
                        if (sum.rows != to - from) {
                            throw new IllegalStateException("epoch " + e + ", step " + (k + 1) + ": the slices held "
                                    + sum.rows + " of the batch's " + (to - from)
                                    + " rows: a slice was lost or duplicated");
                        }
                        if (sum.diverged != null) {
                            throw new DivergenceException("data-parallel training diverged in epoch " + e + ", step "
                                    + (k + 1) + " (" + sum.diverged
                                    + "); the network keeps the weights before that step",
                                    driver.optimizer().steps());
                        }
                        sum.gradients.copyTo(gradients, 1.0);
                        driver.optimizerStep();
                        lossSum += sum.loss.value(0) * (to - from);
                    }
                } finally {
                    order.destroy();
                }
                Metrics metrics = null;
                if (evaluation != null) {
                    Broadcast<float[]> weights = sc.broadcast(network.copyParameters());
                    try {
                        metrics = ShardEvaluation.evaluate(evaluation, specData, weights, evalRows);
                    } finally {
                        weights.destroy();
                    }
                }
                EpochReport report = new EpochReport(e, config.epochs(), batches.stepsPerEpoch(), lossSum / rows,
                        metrics, (System.nanoTime() - start) / 1e9, 4L * network.parameterCount(),
                        upload);
                reports.add(report);
                if (listener != null) {
                    listener.onEpoch(report, network);
                }
            }
        }
        return Collections.unmodifiableList(reports);
    }

    /** Checks that the slices fit the network and tile {@code [0, rows)} exactly; returns the row count. */
    private static int checkSlices(JavaRDD<Shard> slices, NetworkSpec spec) {
        List<long[]> meta = new ArrayList<>(slices.map(s -> new long[] {s.firstRow(), s.rows(), s.featureCount(),
                s.classes(), s.id()}).collect());
        if (meta.isEmpty()) {
            throw new IllegalArgumentException("no data slices");
        }
        meta.sort((a, b) -> Long.compare(a[0], b[0]));
        long next = 0;
        for (long[] m : meta) {
            if (m[2] != spec.inputs() || m[3] != spec.classes()) {
                throw new IllegalArgumentException("slice " + m[4] + " has " + m[2] + " features and " + m[3]
                        + " classes, network " + spec + " expects " + spec.inputs() + " and " + spec.classes());
            }
            if (m[0] != next) {
                throw new IllegalArgumentException("slice " + m[4] + " starts at global row " + m[0] + ", expected "
                        + next + ": slices must cover the rows once, without gaps or overlaps");
            }
            next += m[1];
        }
        if (next > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(next + " rows: data-parallel epochs index rows with int, at most "
                    + (Integer.MAX_VALUE - 8));
        }
        return (int) next;
    }
}
