package dev.edgetrain.transfer.wakeword;

import dev.edgetrain.runtime.Activation;
import dev.edgetrain.runtime.Loss;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.Rng;
import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import dev.edgetrain.runtime.train.Dataset;
import dev.edgetrain.runtime.train.Trainer;
import dev.edgetrain.runtime.train.TrainingListener;
import dev.edgetrain.transfer.FeatureCache;
import dev.edgetrain.transfer.audio.Augmentation;
import dev.edgetrain.transfer.audio.WavFile;
import java.io.File;
import java.io.IOException;
import java.util.List;

/**
 * Trains a wake-word head on openWakeWord's frozen backbone: each clip becomes one or more fixed-length windows
 * (augmented: shifted, gain, background noise), each window the backbone's last {@link Options#frames} embeddings
 * ({@code [frames][96]}, computed once and kept in a {@link FeatureCache}), and the runtime trains a small network
 * on them: Flatten → dense → LayerNorm → ReLU → dense → LayerNorm → ReLU → dense → sigmoid, binary cross-entropy with
 * class weights against the imbalance of positives and negatives.
 *
 * <p>Windows are built as openWakeWord's training builds its clips, the phrase at the end (within the shift), so the
 * head learns the moment the phrase has just been said, when the streaming detector sees it whole; and their features
 * are computed as that detector computes them, chunk by chunk ({@link OpenWakeWordFeatures#streamedFeatures}), since
 * batch features differ next to silence.
 */
public final class WakeWordTrainer {
    /** What to train and how; the defaults are the ones the README's figures were measured with. */
    public static final class Options {
        /** Embeddings the head sees, as openWakeWord's heads: 16 (1.28 s). */
        public int frames = 16;
        /** Hidden layer widths (openWakeWord's heads: 128, 128). */
        public int[] hidden = {128, 128};
        public boolean layerNorm = true;
        public int epochs = 40;
        public int batchSize = 64;
        public float learningRate = 1e-3f;
        public float weightDecay = 1e-2f;
        /** Windows per positive clip (the first as it is, the rest augmented) and per negative clip. */
        public int positiveVariants = 4;
        public int negativeVariants = 2;
        /** The largest shift of a positive's end from the window's end: 0.2 s, as openWakeWord's end jitter. */
        public int maxPositiveShift = 3200;
        /** Negatives are placed anywhere in the last second. */
        public int maxNegativeShift = 16000;
        public float maxGainDb = 6f;
        public float noiseProbability = 0.6f;
        public float minSnrDb = 5f;
        public float maxSnrDb = 25f;
        public long seed = 1;

        /** The network: {@code frames·96} inputs, the hidden layers, one sigmoid output. */
        public NetworkSpec spec() {
            NetworkSpec.Builder b = NetworkSpec.builder(frames * OpenWakeWordFeatures.EMBEDDING_SIZE);
            for (int width : hidden) {
                b.hidden(width, Activation.relu());
                if (layerNorm) {
                    b.layerNorm();
                }
            }
            return b.output(1, Task.BINARY).build();
        }
    }

    /** Told about each example as it is featurised. */
    public interface Progress {
        Progress NONE = new Progress() {
            @Override
            public void onExample(int done, int total, boolean cached) {
            }
        };

        void onExample(int done, int total, boolean cached);
    }

    /** Featurised examples: the data set, and how many came from the cache. */
    public static final class Examples {
        /** {@code [rows][frames·96]} features, labels 1 (wake word) or 0. */
        public final Dataset data;
        public final int positives;
        public final int negatives;
        /** Windows run through the backbone now, and windows whose features were in the cache. */
        public final int computed;
        public final int cached;

        Examples(Dataset data, int positives, int negatives, int computed, int cached) {
            this.data = data;
            this.positives = positives;
            this.negatives = negatives;
            this.computed = computed;
            this.cached = cached;
        }
    }

    private final OpenWakeWordFeatures features;
    private final FeatureCache cache;
    private final Options options;
    private final int windowSamples;
    private final int width;

    /**
     * @param cache where features are kept between runs; its width must be {@code frames·96}
     */
    public WakeWordTrainer(OpenWakeWordFeatures features, FeatureCache cache, Options options) {
        if (options.frames < 1 || options.positiveVariants < 1 || options.negativeVariants < 1 || options.epochs < 1
                || options.batchSize < 1) {
            throw new IllegalArgumentException("need frames, variants, epochs and batch size >= 1");
        }
        this.features = features;
        this.cache = cache;
        this.options = options;
        this.windowSamples = OpenWakeWordFeatures.streamedWindowSamples(options.frames);
        this.width = options.frames * OpenWakeWordFeatures.EMBEDDING_SIZE;
    }

    /** The window length in samples: {@link OpenWakeWordFeatures#streamedWindowSamples}. */
    public int windowSamples() {
        return windowSamples;
    }

    /**
     * Reads and featurises the clips: {@code positiveVariants} windows per positive, {@code negativeVariants} per
     * negative, augmented with the noise clips (which may be empty). A clip that cannot be read is an
     * {@link IOException} naming it.
     */
    public Examples examples(List<File> positives, List<File> negatives, List<File> noiseFiles, Progress progress)
            throws IOException {
        float[][] noises = new float[noiseFiles.size()][];
        int[] noiseLengths = new int[noises.length];
        for (int i = 0; i < noises.length; i++) {
            noises[i] = WavFile.readMono16k(noiseFiles.get(i));
            noiseLengths[i] = noises[i].length;
            if (noiseLengths[i] == 0) {
                throw new IOException(noiseFiles.get(i) + ": no samples (a noise clip must not be empty)");
            }
        }
        int rows = positives.size() * options.positiveVariants + negatives.size() * options.negativeVariants;
        float[] x = new float[Math.multiplyExact(rows, width)]; // [rows][frames·96]
        int[] y = new int[rows];
        Rng rng = new Rng(options.seed);
        Augmentation.Ranges positive = new Augmentation.Ranges(options.maxPositiveShift, options.maxGainDb,
                options.noiseProbability, options.minSnrDb, options.maxSnrDb);
        Augmentation.Ranges negative = new Augmentation.Ranges(options.maxNegativeShift, options.maxGainDb,
                options.noiseProbability, options.minSnrDb, options.maxSnrDb);
        int[] counts = new int[2]; // computed, cached
        int row = 0;
        for (int c = 0; c < positives.size() + negatives.size(); c++) {
            boolean isPositive = c < positives.size();
            File file = isPositive ? positives.get(c) : negatives.get(c - positives.size());
            float[] clip = WavFile.readMono16k(file);
            int variants = isPositive ? options.positiveVariants : options.negativeVariants;
            for (int v = 0; v < variants; v++) {
                Augmentation a = v == 0 ? Augmentation.NONE
                        : Augmentation.draw(rng, isPositive ? positive : negative, noiseLengths);
                boolean cached = featurise(a.apply(clip, windowSamples, noises), x, row * width, counts);
                y[row] = isPositive ? 1 : 0;
                row++;
                progress.onExample(row, rows, cached);
            }
        }
        cache.flush();
        Dataset data = new Dataset(x, y, width, 2, new String[] {"other", "wake word"}, null);
        return new Examples(data, positives.size() * options.positiveVariants,
                negatives.size() * options.negativeVariants, counts[0], counts[1]);
    }

    /** The window's last {@code frames} embeddings into {@code dst[offset, offset + width)}; true when cached. */
    private boolean featurise(float[] window, float[] dst, int offset, int[] counts) throws IOException {
        byte[] key = FeatureCache.exampleKey(window, "streamed frames=" + options.frames);
        if (cache.get(key, dst, offset)) {
            counts[1]++;
            return true;
        }
        features.streamedFeatures(window, options.frames, dst, offset);
        cache.put(key, dst, offset);
        counts[0]++;
        return false;
    }

    /**
     * A trainer of a fresh head on the examples: Adam(W), binary cross-entropy weighted so that positives and
     * negatives weigh the same in all, shuffled with the options' seed. Its network is
     * {@code trainer.session().network()}.
     */
    public Trainer trainer(Examples examples) {
        return trainer(examples, new Network(options.spec(), options.seed));
    }

    /**
     * As {@link #trainer(Examples)}, starting from {@code head} (for example an imported openWakeWord head, to
     * personalise it on the user's own clips), which is trained in place. Its input must be {@code frames·96}
     * embeddings and its task binary.
     */
    public Trainer trainer(Examples examples, Network head) {
        if (head.spec().inputs() != width || head.spec().task() != Task.BINARY) {
            throw new IllegalArgumentException("the head takes " + head.spec().inputs() + " inputs for a "
                    + head.spec().task() + " task; expected " + width + " (" + options.frames + " embeddings of "
                    + OpenWakeWordFeatures.EMBEDDING_SIZE + ") for a binary task");
        }
        float total = examples.positives + examples.negatives;
        float[] weights = {total / (2f * Math.max(1, examples.negatives)), total / (2f * Math.max(1, examples.positives))};
        TrainingSession session = new TrainingSession(head, options.batchSize,
                OptimizerConfig.adamW(options.learningRate, options.weightDecay),
                Loss.binaryCrossEntropy().withClassWeights(weights), null);
        return new Trainer(session, examples.data, options.batchSize, options.seed);
    }

    /**
     * Trains a head on the examples for the options' epochs: a fresh one when {@code start} is null, else
     * {@code start} itself, in place ({@link #trainer(Examples, Network)}). Returns it.
     */
    public Network train(Examples examples, Network start, TrainingListener listener) {
        Trainer trainer = start == null ? trainer(examples) : trainer(examples, start);
        trainer.fit(options.epochs, listener);
        return trainer.session().network();
    }
}
