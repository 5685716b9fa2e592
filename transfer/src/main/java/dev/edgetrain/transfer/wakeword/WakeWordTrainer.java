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
 * (augmented: shifted, gain, background noise, other speech before it), each window the backbone's last
 * {@link Options#frames} embeddings ({@code [frames][96]}, computed once and kept in a {@link FeatureCache}), and the
 * runtime trains a small network on them: Flatten → dense → LayerNorm → ReLU → dense → LayerNorm → ReLU → dense →
 * sigmoid, binary cross-entropy with class weights against the imbalance of positives and negatives.
 *
 * <p>Windows are built as openWakeWord's training builds its clips, the phrase at the end (within the shift), so the
 * head learns the moment the phrase has just been said, when the streaming detector sees it whole; and their features
 * are computed as that detector computes them, chunk by chunk ({@link OpenWakeWordFeatures#streamedFeatures}), since
 * batch features differ next to silence.
 */
public final class WakeWordTrainer {
    /** What to train and how; the defaults are the ones the README's figures were measured with. */
    public static final class Options {
        /** Options with the defaults below; set the public fields to change them. */
        public Options() {
        }

        /** Embeddings the head sees, as openWakeWord's heads: 16 (1.28 s). */
        public int frames = 16;
        /** Hidden layer widths (openWakeWord's heads: 128, 128). */
        public int[] hidden = {128, 128};
        /** Whether each hidden layer has a layer norm. */
        public boolean layerNorm = true;
        /** Dropout after each hidden layer while training (0: none). */
        public float dropout = 0f;
        /**
         * How much a negative window weighs against a positive one in the loss; 0 balances the classes (each class
         * weighs half in all). openWakeWord weighs negatives far more, since a false accept costs more than a miss.
         */
        public float negativeWeight = 0f;
        /** Training epochs. */
        public int epochs = 40;
        /** Rows per mini-batch. */
        public int batchSize = 64;
        /** The optimizer's learning rate. */
        public float learningRate = 1e-3f;
        /** The optimizer's weight decay. */
        public float weightDecay = 1e-2f;
        /** Windows per positive clip (the first as it is, the rest augmented) and per negative clip. */
        public int positiveVariants = 4;
        /** Windows per negative clip (see {@code positiveVariants}). */
        public int negativeVariants = 4;
        /** The largest shift of a positive's end from the window's end: 0.2 s, as openWakeWord's end jitter. */
        public int maxPositiveShift = 3200;
        /** Negatives are placed anywhere in the last second. */
        public int maxNegativeShift = 16000;
        /** How often an augmented window has other speech before its clip (see {@link #examples}). */
        public float contextProbability = 0.5f;
        /** Chunks between the windows taken from a negative recording: 3, a window every 0.24 s. */
        public int recordingStride = 3;
        /** Chunks between the windows taken from a negative clip, streamed through all its alignments: 2. */
        public int clipStride = 2;
        /** Augmentation gains are drawn from [-maxGainDb, maxGainDb]. */
        public float maxGainDb = 6f;
        /** How often background noise is mixed in (when there is any). */
        public float noiseProbability = 0.6f;
        /** Least signal-to-noise ratio of the mixed-in noise, in dB. */
        public float minSnrDb = 5f;
        /** Largest signal-to-noise ratio, in dB. */
        public float maxSnrDb = 25f;
        /** The base seed: member m of the head draws its augmentations from {@code seed + m}. */
        public long seed = 1;
        /**
         * Networks trained and averaged in the head ({@link WakeWordHead}): member m uses the seed {@code seed + m}
         * for its augmented copies of the clips, its weights and its shuffling ({@link #examples(int, List, List,
         * List, List, Progress)}, {@link #trainMember}). Heads trained on different draws all fire on the phrase but
         * on different stretches of unseen speech, so their mean has far fewer false accepts than any one of them
         * (members sharing one draw of the augmented copies did not: see models/wakeword/README.md). Each member
         * costs one more featurisation of its augmented copies (the rest comes from the cache), one more training
         * and one more head evaluation per 80 ms.
         */
        public int members = 3;

        /**
         * The network: {@code frames·96} inputs, the hidden layers, one sigmoid output.
         *
         * @return the head's network spec, a binary task
         */
        public NetworkSpec spec() {
            NetworkSpec.Builder b = NetworkSpec.builder(frames * OpenWakeWordFeatures.EMBEDDING_SIZE);
            for (int width : hidden) {
                b.hidden(width, Activation.RELU);
                if (layerNorm) {
                    b.layerNorm();
                }
                if (dropout > 0) {
                    b.dropout(dropout);
                }
            }
            return b.output(1, Task.BINARY).build();
        }
    }

    /** Told about each example as it is featurised. */
    public interface Progress {
        /** Ignores every call. */
        Progress NONE = new Progress() {
            @Override
            public void onExample(int done, int total, boolean cached) {
            }
        };

        /**
         * Example {@code done} of {@code total} is done; {@code cached}: its features came from the cache.
         *
         * @param done examples featurised so far, 1 to {@code total}
         * @param total examples to featurise
         * @param cached whether the example's features came from the cache
         */
        void onExample(int done, int total, boolean cached);
    }

    /** Featurised examples: the data set, and how many came from the cache. */
    public static final class Examples {
        /** {@code [rows][frames·96]} features, labels 1 (wake word) or 0. */
        public final Dataset data;
        /** Rows labelled 1 (wake word). */
        public final int positives;
        /** Rows labelled 0. */
        public final int negatives;
        /** Windows run through the backbone now, and windows whose features were in the cache. */
        public final int computed;
        /** Windows whose features were in the cache. */
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
     * A trainer that featurises with {@code features} and keeps the features in {@code cache}.
     *
     * @param features the openWakeWord front end the examples are featurised with
     * @param cache where features are kept between runs; its width must be {@code frames·96}
     * @param options the head's shape, augmentation and training settings
     */
    public WakeWordTrainer(OpenWakeWordFeatures features, FeatureCache cache, Options options) {
        if (options.frames < 1 || options.positiveVariants < 1 || options.negativeVariants < 1 || options.epochs < 1
                || options.batchSize < 1 || options.recordingStride < 1 || options.clipStride < 1
                || options.members < 1) {
            throw new IllegalArgumentException("need frames, variants, epochs, batch size, stride and members >= 1");
        }
        this.features = features;
        this.cache = cache;
        this.options = options;
        this.windowSamples = OpenWakeWordFeatures.streamedWindowSamples(options.frames);
        this.width = options.frames * OpenWakeWordFeatures.EMBEDDING_SIZE;
    }

    /**
     * The window length in samples: {@link OpenWakeWordFeatures#streamedWindowSamples}.
     *
     * @return the samples per training window (at 16 kHz)
     */
    public int windowSamples() {
        return windowSamples;
    }

    /**
     * Reads and featurises the clips: {@code positiveVariants} windows per positive, {@code negativeVariants} per
     * negative, augmented with the noise clips (which may be empty); and each negative recording (running speech
     * of any length, no phrase in it) streamed once, a window every {@link Options#recordingStride} chunks. A clip
     * that cannot be read is an {@link IOException} naming it.
     *
     * @param positives WAV clips of the wake phrase
     * @param negatives WAV clips without it
     * @param negativeRecordings long WAV recordings without it
     * @param noiseFiles background noise WAV clips mixed into augmented copies
     * @param progress told of each example featurised, or null
     * @return the examples' features and labels
     * @throws IOException when a clip cannot be read or the cache fails
     */
    public Examples examples(List<File> positives, List<File> negatives, List<File> negativeRecordings,
                             List<File> noiseFiles, Progress progress) throws IOException {
        return examples(0, positives, negatives, negativeRecordings, noiseFiles, progress);
    }

    /**
     * Member {@code m}'s examples (0-based): as {@link #examples(List, List, List, List, Progress)}, the augmented
     * copies drawn with the seed {@code seed + m}. The clips as they are and the recordings are the same for every
     * member, so after the first member only the augmented copies run through the backbone.
     *
     * @param m the member, 0 or more
     * @param positives WAV clips of the wake phrase
     * @param negatives WAV clips without it
     * @param negativeRecordings long WAV recordings without it
     * @param noiseFiles background noise WAV clips mixed into augmented copies
     * @param progress told of each example featurised, or null
     * @return the examples' features and labels
     * @throws IOException when a clip cannot be read or the cache fails
     */
    public Examples examples(int m, List<File> positives, List<File> negatives, List<File> negativeRecordings,
                             List<File> noiseFiles, Progress progress) throws IOException {
        checkMember(m);
        float[][] noises = new float[noiseFiles.size()][];
        int[] noiseLengths = new int[noises.length];
        for (int i = 0; i < noises.length; i++) {
            noises[i] = WavFile.readMono16k(noiseFiles.get(i));
            noiseLengths[i] = noises[i].length;
            if (noiseLengths[i] == 0) {
                throw new IOException(noiseFiles.get(i) + ": no samples (a noise clip must not be empty)");
            }
        }
        float[][] recordings = new float[negativeRecordings.size()][];
        int recordingRows = 0;
        for (int i = 0; i < recordings.length; i++) {
            recordings[i] = WavFile.readMono16k(negativeRecordings.get(i));
            recordingRows += recordingWindows(recordings[i].length, options.recordingStride);
        }
        float[][] negativeClips = new float[negatives.size()][];
        for (int i = 0; i < negativeClips.length; i++) {
            negativeClips[i] = WavFile.readMono16k(negatives.get(i));
            recordingRows += recordingWindows(streamedLength(negativeClips[i].length), options.clipStride);
        }
        int clipRows = positives.size() * options.positiveVariants + negatives.size() * (options.negativeVariants - 1);
        int rows = clipRows + recordingRows;
        float[] x = new float[Math.multiplyExact(rows, width)]; // [rows][frames·96]
        int[] y = new int[rows];
        Rng rng = new Rng(options.seed + m);
        Augmentation.Ranges positive = new Augmentation.Ranges(options.maxPositiveShift, options.maxGainDb,
                options.noiseProbability, options.minSnrDb, options.maxSnrDb);
        Augmentation.Ranges negative = new Augmentation.Ranges(options.maxNegativeShift, options.maxGainDb,
                options.noiseProbability, options.minSnrDb, options.maxSnrDb);
        int[] counts = new int[2]; // computed, cached
        int row = 0;
        for (int c = 0; c < positives.size() + negatives.size(); c++) {
            boolean isPositive = c < positives.size();
            float[] clip = isPositive ? WavFile.readMono16k(positives.get(c)) : negativeClips[c - positives.size()];
            // a negative's own windows are all its alignments (below); here only its augmented copies
            for (int v = isPositive ? 0 : 1; v < (isPositive ? options.positiveVariants : options.negativeVariants);
                 v++) {
                Augmentation a = v == 0 ? Augmentation.NONE
                        : Augmentation.draw(rng, isPositive ? positive : negative, noiseLengths);
                float[] audio = v > 0 && negativeClips.length > 1 && rng.nextDouble() < options.contextProbability
                        ? afterOtherSpeech(clip, negativeClips, rng) : clip;
                boolean cached = featurise(a.apply(audio, windowSamples, noises), x, row * width, counts);
                y[row] = isPositive ? 1 : 0;
                row++;
                progress.onExample(row, rows, cached);
            }
        }
        for (float[] clip : negativeClips) {
            row = featuriseRecording(streamed(clip), options.clipStride, x, row, counts, rows, progress);
        }
        for (float[] recording : recordings) {
            row = featuriseRecording(recording, options.recordingStride, x, row, counts, rows, progress);
        }
        cache.flush();
        Dataset data = new Dataset(x, y, width, 2, new String[] {"other", "wake word"}, null);
        return new Examples(data, positives.size() * options.positiveVariants,
                rows - positives.size() * options.positiveVariants, counts[0], counts[1]);
    }

    /** Windows a recording of {@code samples} gives: one every stride chunks once a window's worth was heard. */
    private int recordingWindows(int samples, int stride) {
        int chunks = samples / OpenWakeWordFeatures.CHUNK_SAMPLES;
        int first = windowSamples / OpenWakeWordFeatures.CHUNK_SAMPLES; // chunks before the first full window
        return chunks < first ? 0 : (chunks - first) / stride + 1;
    }

    /**
     * A negative clip as a detector hears it: silence before (a window less two chunks, so the first window ends
     * just after the clip starts), the clip, 1 s of silence after: streamed, its windows are every alignment of the
     * clip, not only the end-aligned one a positive gets.
     */
    private float[] streamed(float[] clip) {
        float[] padded = new float[streamedLength(clip.length)];
        System.arraycopy(clip, 0, padded, windowSamples - 2 * OpenWakeWordFeatures.CHUNK_SAMPLES, clip.length);
        return padded;
    }

    /** The length of {@link #streamed} of a clip of {@code samples}. */
    private int streamedLength(int samples) {
        return windowSamples - 2 * OpenWakeWordFeatures.CHUNK_SAMPLES + samples + OpenWakeWordFeatures.SAMPLE_RATE;
    }

    /**
     * Streams a recording as a detector hears it and takes a window of features every stride chunks (labels 0), from
     * the cache when every window of it is there. Returns the next row.
     */
    private int featuriseRecording(float[] recording, int stride, float[] x, int row, int[] counts, int rows,
                                   Progress progress) throws IOException {
        int n = recordingWindows(recording.length, stride);
        byte[][] keys = new byte[n][];
        boolean all = true;
        byte[] recordingKey = FeatureCache.exampleKey(recording, "recording");
        for (int w = 0; w < n; w++) {
            keys[w] = FeatureCache.derivedKey(recordingKey, "streamed frames=" + options.frames + " window=" + w
                    + " stride=" + stride);
            all &= cache.contains(keys[w]);
        }
        if (all) {
            for (int w = 0; w < n; w++) {
                cache.get(keys[w], x, (row + w) * width);
                counts[1]++;
                progress.onExample(row + w + 1, rows, true);
            }
            return row + n;
        }
        OpenWakeWordFeatures.Streaming stream = new OpenWakeWordFeatures.Streaming(features, new float[0]);
        float[] chunk = new float[OpenWakeWordFeatures.CHUNK_SAMPLES];
        int first = windowSamples / OpenWakeWordFeatures.CHUNK_SAMPLES;
        int w = 0;
        for (int c = 0; w < n; c++) {
            System.arraycopy(recording, c * chunk.length, chunk, 0, chunk.length);
            stream.push(chunk);
            if (c + 1 >= first && (c + 1 - first) % stride == 0) {
                stream.features(options.frames, x, (row + w) * width);
                cache.put(keys[w], x, (row + w) * width);
                counts[0]++;
                w++;
                progress.onExample(row + w, rows, false);
            }
        }
        return row + n;
    }

    /**
     * {@code clip} after the end of another negative clip and a pause of up to 0.3 s: the phrase (or a negative) in
     * running speech rather than after silence, as a detector mostly hears it.
     */
    private float[] afterOtherSpeech(float[] clip, float[][] negativeClips, Rng rng) {
        float[] before = negativeClips[rng.nextInt(negativeClips.length)];
        int pause = rng.nextInt(4801);
        int take = Math.min(before.length, Math.max(0, windowSamples - pause - clip.length));
        float[] audio = new float[take + pause + clip.length];
        System.arraycopy(before, before.length - take, audio, 0, take);
        System.arraycopy(clip, 0, audio, take + pause, clip.length);
        return audio;
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
     * A trainer of member 0's fresh network on the examples: Adam(W), binary cross-entropy with class weights
     * (balanced, or {@link Options#negativeWeight}), shuffled with the options' seed. Its network is
     * {@code trainer.session().network()}. {@link #trainMember} trains the head's members this way.
     *
     * @param examples member 0's examples
     * @return a trainer that has not trained yet
     */
    public Trainer trainer(Examples examples) {
        return trainer(examples, new Network(options.spec(), options.seed), options.seed);
    }

    /** A trainer of {@code head} (trained in place) whose batches are shuffled with {@code seed}. */
    private Trainer trainer(Examples examples, Network head, long seed) {
        if (head.spec().inputs() != width || head.spec().task() != Task.BINARY) {
            throw new IllegalArgumentException("the head takes " + head.spec().inputs() + " inputs for a "
                    + head.spec().task() + " task; expected " + width + " (" + options.frames + " embeddings of "
                    + OpenWakeWordFeatures.EMBEDDING_SIZE + ") for a binary task");
        }
        float total = examples.positives + examples.negatives;
        float[] weights = options.negativeWeight > 0 ? new float[] {options.negativeWeight, 1f}
                : new float[] {total / (2f * Math.max(1, examples.negatives)),
                        total / (2f * Math.max(1, examples.positives))};
        TrainingSession session = new TrainingSession(head, options.batchSize,
                OptimizerConfig.adamW(options.learningRate, options.weightDecay),
                Loss.binaryCrossEntropy().withClassWeights(weights), null);
        return new Trainer(session, examples.data, options.batchSize, seed);
    }

    /**
     * Trains member {@code m} (0-based) of the head for the options' epochs on its examples
     * ({@link #examples(int, List, List, List, List, Progress)}), with the seed {@code seed + m}: a fresh network, or
     * a copy of {@code start} (which is left as it is).
     *
     * @param examples member {@code m}'s examples
     * @param start the network to continue from, or null for a fresh one
     * @param m the member, 0 or more
     * @param listener told of every epoch, or null
     * @return the trained network
     */
    public Network trainMember(Examples examples, Network start, int m, TrainingListener listener) {
        checkMember(m);
        long seed = options.seed + m;
        Network network = start == null ? new Network(options.spec(), seed) : start.copy();
        Trainer trainer = trainer(examples, network, seed);
        trainer.fit(options.epochs, listener);
        return network;
    }

    private void checkMember(int m) {
        if (m < 0 || m >= options.members) {
            throw new IllegalArgumentException("member " + m + " of " + options.members + "; expected 0 to "
                    + (options.members - 1));
        }
    }
}
