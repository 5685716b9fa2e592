package dev.edgetrain.fleet.score;

import dev.edgetrain.fleet.aggregate.FixedPointSum;
import dev.edgetrain.fleet.data.Shard;
import dev.edgetrain.fleet.model.SpecData;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import dev.edgetrain.runtime.train.Evaluation;
import dev.edgetrain.runtime.train.Trainer;
import java.io.Serializable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;

/**
 * Loss and accuracy of a set of weights over shards held by Spark: each task evaluates its shard with one network
 * copy and one workspace, in chunks; the per-shard results are added exactly (loss as a fixed-point share of the
 * total, counts as integers), so the figures are the same on every run.
 */
public final class ShardEvaluation {
    private static final double LOSS_LIMIT = Math.scalb(1.0, FixedPointSum.MAGNITUDE_BITS);
    /** Rows evaluated per forward pass. */
    private static final int CHUNK = 256;

    private ShardEvaluation() {
    }

    /**
     * Evaluates the model with {@code weights} on every row of {@code shards}, in one Spark job.
     *
     * @param shards the rows to evaluate on, features and labels fitting the spec
     * @param spec the model's network spec
     * @param weights the model's flat parameters, as {@code Network.copyParameters()} gives them, broadcast
     * @param totalRows the number of rows over all shards (known to the driver), to weight each shard's mean loss
     * @return the mean loss (+∞ when a shard's loss is not finite or too large) and the rows predicted correctly
     * @throws IllegalArgumentException if {@code totalRows} is below 1
     * @throws IllegalStateException if the shards hold another number of rows than {@code totalRows}
     */
    public static Metrics evaluate(JavaRDD<Shard> shards, SpecData spec, Broadcast<float[]> weights, long totalRows) {
        if (totalRows < 1) {
            throw new IllegalArgumentException("nothing to evaluate: total rows " + totalRows);
        }
        Sum sum = shards.treeAggregate(new Sum(), (s, shard) -> s.add(shard, spec, weights.value(), totalRows),
                Sum::merge, 2);
        if (sum.rows != totalRows) {
            throw new IllegalStateException("evaluated " + sum.rows + " rows, expected " + totalRows);
        }
        return new Metrics(sum.lossUnbounded ? Double.POSITIVE_INFINITY : sum.loss.value(0), sum.correct, sum.rows);
    }

    /** Partial result: the loss as {@code Σ (rows_p / total) · meanLoss_p}, and exact counts. */
    static final class Sum implements Serializable {
        private static final long serialVersionUID = 1L;
        final FixedPointSum loss = new FixedPointSum();
        /** Some shard's loss was not finite or beyond the fixed-point range: the model has diverged. */
        boolean lossUnbounded;
        long correct;
        long rows;

        Sum add(Shard shard, SpecData spec, float[] weights, long totalRows) {
            Network network = Network.fromParameters(spec.spec(), weights);
            TrainingSession session = new TrainingSession(network, Math.min(CHUNK, shard.rows()),
                    OptimizerConfig.sgd(1f)); // only evalStep is used; plain SGD keeps no state
            Evaluation e = Trainer.evaluate(session, shard.toDataset());
            double share = e.loss() * shard.rows() / totalRows;
            if (Math.abs(share) < LOSS_LIMIT) {
                loss.add(1, 0, share, shard + "'s loss");
            } else {
                lossUnbounded = true;
            }
            correct += e.correct();
            rows += e.rows();
            return this;
        }

        Sum merge(Sum other) {
            loss.merge(other.loss);
            lossUnbounded |= other.lossUnbounded;
            correct += other.correct;
            rows += other.rows;
            return this;
        }
    }
}
