package dev.edgetrain.transfer;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;

/**
 * How edgetrain opens onnxruntime sessions, in one place: the frozen backbones here and the CLI's referee use it.
 * Sessions log errors only: onnxruntime's warnings (an initializer no node uses, say) are coloured native lines on
 * stderr, which Java cannot capture and which would break a command's clean output; what matters (a model
 * onnxruntime refuses, a failed run) still comes as an {@link OrtException}.
 */
public final class OrtSessions {
    /** The sessions' log level: errors and fatal errors only, no warnings, no information. */
    public static final OrtLoggingLevel LOG_LEVEL = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR;

    private OrtSessions() {
    }

    /**
     * New session options: {@code intraOpThreads} threads within an operator, one between operators, and
     * {@link #LOG_LEVEL}. The caller closes them once the session is created.
     *
     * @param intraOpThreads onnxruntime's intra-op threads, 1 or more (1 keeps results and timing independent of
     *                       other work)
     * @return the options, open
     * @throws OrtException when onnxruntime refuses a setting
     * @throws IllegalArgumentException when {@code intraOpThreads} is below 1
     */
    public static OrtSession.SessionOptions options(int intraOpThreads) throws OrtException {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be at least 1, got " + intraOpThreads);
        }
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            options.setSessionLogLevel(LOG_LEVEL);
            return options;
        } catch (OrtException | RuntimeException e) {
            options.close();
            throw e;
        }
    }
}
