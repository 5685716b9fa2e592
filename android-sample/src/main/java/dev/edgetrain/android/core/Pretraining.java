package dev.edgetrain.android.core;

import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import dev.edgetrain.runtime.train.Dataset;
import dev.edgetrain.runtime.train.Standardizer;
import dev.edgetrain.runtime.train.Trainer;
import dev.edgetrain.runtime.train.TrainingListener;

/**
 * The recipe of the shipped model, run at build time by {@code BaseModelTool}: a 64-32-10 network trained
 * on the pre-training rows, inputs scaled by {@link InputScaling}. Every number is fixed and training is seeded, so
 * the same data gives bit-identical weights on every machine.
 */
public final class Pretraining {
    /** The shipped model's shape: 64 pixel inputs, one hidden layer of 32, 10 digit classes. */
    public static final NetworkSpec SPEC = NetworkSpec.of(DigitsCsv.FEATURES, 32, DigitsCsv.CLASSES);
    /** Seeds the network's initial weights. */
    public static final long INIT_SEED = 20_240_501L;
    /** Seeds the order of the rows in every epoch. */
    public static final long SHUFFLE_SEED = 7L;
    /** Passes over the pre-training rows. */
    public static final int EPOCHS = 40;
    /** Rows per mini-batch. */
    public static final int BATCH = 32;
    /** AdamW's learning rate. */
    public static final float LEARNING_RATE = 0.003f;
    /** AdamW's decoupled weight decay. */
    public static final float WEIGHT_DECAY = 0.1f;

    /** The trained network (on scaled inputs) and the scaling to fold into the exported graph. */
    public static final class Result {
        /** The trained network, taking scaled inputs (the scaling is not folded in). */
        public final Network network;
        /** The input scaling it was trained with, {@link InputScaling#standardizer()}. */
        public final Standardizer standardizer;
        /** Mean training loss of the last epoch. */
        public final float trainLoss;
        /** Training accuracy of the last epoch, in [0, 1]. */
        public final float trainAccuracy;

        Result(Network network, Standardizer standardizer, float trainLoss, float trainAccuracy) {
            this.network = network;
            this.standardizer = standardizer;
            this.trainLoss = trainLoss;
            this.trainAccuracy = trainAccuracy;
        }
    }

    private Pretraining() {
    }

    /**
     * Trains a fresh {@link #SPEC} network on {@code rows}, synchronously on the calling thread. Deterministic:
     * the same rows give bit-identical weights.
     *
     * @param rows the pre-training rows ({@link DigitsSplit#pretraining}), raw pixel counts; not changed
     * @return the trained network, its input scaling and the last epoch's loss and accuracy
     * @throws IllegalArgumentException if {@code rows} does not have 64 features and 10 classes
     * @throws IllegalStateException    if training diverges with no recovery left
     */
    public static Result train(Dataset rows) {
        Standardizer standardizer = InputScaling.standardizer();
        Dataset standardized = standardizer.apply(rows);
        Network network = new Network(SPEC, INIT_SEED);
        TrainingSession session = new TrainingSession(network, BATCH, optimizer());
        Trainer trainer = new Trainer(session, standardized, BATCH, SHUFFLE_SEED);
        trainer.fit(EPOCHS, TrainingListener.NONE);
        return new Result(network, standardizer, trainer.lastLoss(), trainer.lastAccuracy());
    }

    /**
     * A one-line description of the recipe, for the model's metadata.
     *
     * @return the spec, seeds, learning rate, batch size and epochs, e.g. for {@code edgetrain.pretrain.recipe}
     */
    public static String describe() {
        return SPEC + ", He init seed " + INIT_SEED + ", " + optimizer() + ", batch " + BATCH + ", "
                + EPOCHS + " epochs, shuffle seed " + SHUFFLE_SEED + ", inputs scaled by (x - " + InputScaling.CENTRE
                + ") / " + InputScaling.HALF_RANGE;
    }

    /** The optimizer {@link #train} uses and {@link #describe} names: AdamW, {@link #LEARNING_RATE}, decay. */
    static OptimizerConfig optimizer() {
        return OptimizerConfig.adamW(LEARNING_RATE, WEIGHT_DECAY);
    }
}
