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
    public static final NetworkSpec SPEC = NetworkSpec.of(DigitsCsv.FEATURES, 32, DigitsCsv.CLASSES);
    public static final long INIT_SEED = 20_240_501L;
    public static final long SHUFFLE_SEED = 7L;
    public static final int EPOCHS = 40;
    public static final int BATCH = 32;
    public static final float LEARNING_RATE = 0.003f;
    public static final float WEIGHT_DECAY = 0.1f;

    /** The trained network (on scaled inputs) and the scaling to fold into the exported graph. */
    public static final class Result {
        public final Network network;
        public final Standardizer standardizer;
        public final float trainLoss;
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

    public static Result train(Dataset rows) {
        Standardizer standardizer = InputScaling.standardizer();
        Dataset standardized = standardizer.apply(rows);
        Network network = new Network(SPEC, INIT_SEED);
        TrainingSession session =
                new TrainingSession(network, BATCH, OptimizerConfig.adamW(LEARNING_RATE, WEIGHT_DECAY));
        Trainer trainer = new Trainer(session, standardized, BATCH, SHUFFLE_SEED);
        trainer.fit(EPOCHS, TrainingListener.NONE);
        return new Result(network, standardizer, trainer.lastLoss(), trainer.lastAccuracy());
    }

    /** A one-line description of the recipe, for the model's metadata. */
    public static String describe() {
        return SPEC + ", He init seed " + INIT_SEED + ", Adam lr " + LEARNING_RATE + ", batch " + BATCH + ", "
                + EPOCHS + " epochs, shuffle seed " + SHUFFLE_SEED + ", inputs standardised";
    }
}
