package dev.edgetrain.runtime.optim;

/**
 * How the learning rate changes with the optimizer step: {@code lr(step) = baseLr · factor(step)}, steps
 * counted from 0. Immutable, with value equality; evaluated once per optimizer step, not per parameter.
 * {@link #kind()}, {@link #steps()}, {@link #parameter()} and {@link #then()} describe it completely (checkpoints
 * store these fields, not the display text).
 */
public abstract class LearningRateSchedule {
    /** The shape of a schedule. */
    public enum Kind {
        /** The same rate at every step. */
        CONSTANT,
        /** Multiplied by a factor every so many steps. */
        STEP,
        /** Cosine decay to a minimum factor. */
        COSINE,
        /** A linear warm-up, then another schedule. */
        WARMUP
    }

    LearningRateSchedule() {
    }

    /**
     * The multiplier of the base learning rate at optimizer step {@code step} (0-based).
     *
     * @param step optimizer steps taken before this one, from 0
     * @return the factor, positive for every schedule but a cosine to 0 at its end; at most 1
     */
    public abstract double factor(long step);

    /**
     * Which factory made this schedule.
     *
     * @return the shape; never null
     */
    public abstract Kind kind();

    /**
     * STEP: steps between decays; COSINE: total steps; WARMUP: warm-up steps; CONSTANT: 0.
     *
     * @return the kind's step count
     */
    public long steps() {
        return 0;
    }

    /**
     * STEP: gamma; COSINE: the minimum factor; otherwise 0.
     *
     * @return gamma, the minimum factor, or 0
     */
    public double parameter() {
        return 0;
    }

    /**
     * WARMUP: the schedule that follows the warm-up; otherwise null.
     *
     * @return the following schedule, or null
     */
    public LearningRateSchedule then() {
        return null;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof LearningRateSchedule)) {
            return false;
        }
        LearningRateSchedule other = (LearningRateSchedule) o;
        return kind() == other.kind() && steps() == other.steps()
                && Double.doubleToLongBits(parameter()) == Double.doubleToLongBits(other.parameter())
                && (then() == null ? other.then() == null : then().equals(other.then()));
    }

    @Override
    public int hashCode() {
        int h = 31 * kind().hashCode() + (int) (steps() ^ (steps() >>> 32));
        long bits = Double.doubleToLongBits(parameter());
        h = 31 * h + (int) (bits ^ (bits >>> 32));
        return 31 * h + (then() == null ? 0 : then().hashCode());
    }

    /**
     * Always the base rate.
     *
     * @return the shared constant schedule, factor 1
     */
    public static LearningRateSchedule constant() {
        return Constant.INSTANCE;
    }

    /**
     * Multiplies the rate by {@code gamma} every {@code every} steps: {@code gamma^floor(step / every)}.
     *
     * @param every optimizer steps between two decays, at least 1
     * @param gamma the factor of each decay, in (0, 1]
     * @return a {@link Kind#STEP} schedule
     * @throws IllegalArgumentException when {@code every} is below 1 or {@code gamma} is outside (0, 1]
     */
    public static LearningRateSchedule step(long every, double gamma) {
        return new StepDecay(every, gamma);
    }

    /**
     * Cosine annealing from the base rate down to {@code minFactor ×} base over {@code totalSteps}, then held:
     * {@code min + (1 − min) · (1 + cos(π · step / total)) / 2}.
     *
     * @param totalSteps optimizer steps of the decay, at least 1
     * @param minFactor the factor reached at the end and held, in [0, 1]
     * @return a {@link Kind#COSINE} schedule
     * @throws IllegalArgumentException when {@code totalSteps} is below 1 or {@code minFactor} is outside [0, 1]
     */
    public static LearningRateSchedule cosine(long totalSteps, double minFactor) {
        return new Cosine(totalSteps, minFactor);
    }

    /**
     * Linear warm-up: factor {@code (step + 1) / warmupSteps} for the first {@code warmupSteps} steps, then this
     * schedule, counting its steps from the end of the warm-up.
     *
     * @param warmupSteps optimizer steps of the warm-up, at least 1
     * @return a {@link Kind#WARMUP} schedule followed by this one
     * @throws IllegalArgumentException when {@code warmupSteps} is below 1
     */
    public LearningRateSchedule withWarmup(long warmupSteps) {
        return new Warmup(warmupSteps, this);
    }

    private static final class Constant extends LearningRateSchedule {
        static final Constant INSTANCE = new Constant();

        @Override
        public double factor(long step) {
            return 1.0;
        }

        @Override
        public Kind kind() {
            return Kind.CONSTANT;
        }

        @Override
        public String toString() {
            return "constant";
        }
    }

    private static final class StepDecay extends LearningRateSchedule {
        private final long every;
        private final double gamma;

        StepDecay(long every, double gamma) {
            if (every < 1) {
                throw new IllegalArgumentException("step schedule: every must be >= 1, got " + every);
            }
            if (!(gamma > 0 && gamma <= 1)) {
                throw new IllegalArgumentException("step schedule: gamma must be in (0, 1], got " + gamma);
            }
            this.every = every;
            this.gamma = gamma;
        }

        @Override
        public double factor(long step) {
            return Math.pow(gamma, (double) (step / every));
        }

        @Override
        public Kind kind() {
            return Kind.STEP;
        }

        @Override
        public long steps() {
            return every;
        }

        @Override
        public double parameter() {
            return gamma;
        }

        @Override
        public String toString() {
            return "step(every=" + every + ", gamma=" + gamma + ")";
        }
    }

    private static final class Cosine extends LearningRateSchedule {
        private final long total;
        private final double min;

        Cosine(long total, double min) {
            if (total < 1) {
                throw new IllegalArgumentException("cosine schedule: totalSteps must be >= 1, got " + total);
            }
            if (!(min >= 0 && min <= 1)) {
                throw new IllegalArgumentException("cosine schedule: minFactor must be in [0, 1], got " + min);
            }
            this.total = total;
            this.min = min;
        }

        @Override
        public double factor(long step) {
            if (step >= total) {
                return min;
            }
            return min + (1 - min) * 0.5 * (1 + Math.cos(Math.PI * step / total));
        }

        @Override
        public Kind kind() {
            return Kind.COSINE;
        }

        @Override
        public long steps() {
            return total;
        }

        @Override
        public double parameter() {
            return min;
        }

        @Override
        public String toString() {
            return "cosine(total=" + total + ", min=" + min + ")";
        }
    }

    private static final class Warmup extends LearningRateSchedule {
        private final long warmup;
        private final LearningRateSchedule then;

        Warmup(long warmup, LearningRateSchedule then) {
            if (warmup < 1) {
                throw new IllegalArgumentException("warm-up steps must be >= 1, got " + warmup);
            }
            this.warmup = warmup;
            this.then = then;
        }

        @Override
        public double factor(long step) {
            return step < warmup ? (step + 1) / (double) warmup : then.factor(step - warmup);
        }

        @Override
        public Kind kind() {
            return Kind.WARMUP;
        }

        @Override
        public long steps() {
            return warmup;
        }

        @Override
        public LearningRateSchedule then() {
            return then;
        }

        @Override
        public String toString() {
            return "warmup(" + warmup + ") then " + then;
        }
    }
}
