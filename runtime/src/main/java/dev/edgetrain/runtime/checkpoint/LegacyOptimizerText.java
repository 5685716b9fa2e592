package dev.edgetrain.runtime.checkpoint;

import dev.edgetrain.runtime.optim.LearningRateSchedule;
import dev.edgetrain.runtime.optim.OptimizerConfig;

/**
 * Reads the optimizer text of checkpoint format versions 1 and 2, which stored {@code OptimizerConfig.toString()}
 * as it was then. Frozen on purpose: the display text may change, this grammar may not.
 * <pre>
 *   kind(lr=F[, momentum=F[, nesterov]][, betas=F/F, eps=F][, weightDecay=F][, clipNorm=F], schedule=S)
 *   S = constant | step(every=N, gamma=D) | cosine(total=N, min=D) | warmup(N) then S
 * </pre>
 */
final class LegacyOptimizerText extends LegacyText {
    private LegacyOptimizerText(String text) {
        super(text);
    }

    /** The configuration the text describes; {@code source} names the file in errors. */
    static OptimizerConfig parse(String text, String source) throws CheckpointException {
        LegacyOptimizerText p = new LegacyOptimizerText(text);
        try {
            return p.config();
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(source + ": optimizer description '" + text + "' cannot be read at character "
                    + p.pos + ": " + e.getMessage());
        }
    }

    private OptimizerConfig config() {
        OptimizerConfig.Kind kind = OptimizerConfig.Kind.valueOf(upTo("(").toUpperCase(java.util.Locale.ROOT));
        expect("(lr=");
        float lr = Float.parseFloat(upToAny());
        float momentum = 0f;
        boolean nesterov = false;
        float beta1 = 0.9f;
        float beta2 = 0.999f;
        float epsilon = 1e-8f;
        float weightDecay = 0f;
        float clipNorm = 0f;
        if (skip(", momentum=")) {
            momentum = Float.parseFloat(upToAny());
            nesterov = skip(", nesterov");
        }
        if (skip(", betas=")) {
            beta1 = Float.parseFloat(upTo("/"));
            expect("/");
            beta2 = Float.parseFloat(upToAny());
            expect(", eps=");
            epsilon = Float.parseFloat(upToAny());
        }
        if (skip(", weightDecay=")) {
            weightDecay = Float.parseFloat(upToAny());
        }
        if (skip(", clipNorm=")) {
            clipNorm = Float.parseFloat(upToAny());
        }
        expect(", schedule=");
        LearningRateSchedule schedule = schedule(0);
        expect(")");
        if (pos != text.length()) {
            throw new IllegalArgumentException("expected the end of the text");
        }
        return OptimizerConfig.of(kind, lr, momentum, nesterov, beta1, beta2, epsilon, weightDecay, clipNorm,
                schedule);
    }

    private LearningRateSchedule schedule(int depth) {
        if (depth > Checkpoint.MAX_SCHEDULE_DEPTH) {
            throw new IllegalArgumentException("expected at most " + Checkpoint.MAX_SCHEDULE_DEPTH
                    + " nested warm-ups");
        }
        if (skip("constant")) {
            return LearningRateSchedule.constant();
        }
        if (skip("step(every=")) {
            long every = Long.parseLong(upTo(","));
            expect(", gamma=");
            double gamma = Double.parseDouble(upTo(")"));
            expect(")");
            return LearningRateSchedule.step(every, gamma);
        }
        if (skip("cosine(total=")) {
            long total = Long.parseLong(upTo(","));
            expect(", min=");
            double min = Double.parseDouble(upTo(")"));
            expect(")");
            return LearningRateSchedule.cosine(total, min);
        }
        expect("warmup(");
        long warmup = Long.parseLong(upTo(")"));
        expect(") then ");
        return schedule(depth + 1).withWarmup(warmup);
    }

    /** The text up to the next {@code ','} or {@code ')'}. */
    private String upToAny() {
        int end = pos;
        while (end < text.length() && text.charAt(end) != ',' && text.charAt(end) != ')') {
            end++;
        }
        return take(end);
    }
}
