package dev.edgetrain.runtime.checkpoint;

import dev.edgetrain.runtime.Activation;
import dev.edgetrain.runtime.LayerSpec;
import dev.edgetrain.runtime.Loss;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.io.AtomicFile;
import dev.edgetrain.runtime.optim.LearningRateSchedule;
import dev.edgetrain.runtime.optim.Optimizer;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import dev.edgetrain.runtime.train.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.util.Arrays;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * Everything needed to resume training exactly where it stopped: the network's spec and parameters, the
 * optimizer's step count and state slabs, the loss, the epochs done, the shuffling and dropout generators'
 * states, and the caller's own metadata (strings) and arrays (e.g. the standardizer). Resuming from a checkpoint
 * taken after epoch {@code k} ends with weights bit-identical to a run that was never interrupted.
 *
 * <h2>File format, version 4</h2>
 * Big-endian. {@code magic "ETCKPT\r\n"} (8 bytes: a text-mode transfer that mangles line ends is
 * detected), {@code int version}, then:
 * <pre>
 *   spec        int inputs, int layerCount, layerCount × layer, string task (Task.id())
 *     layer     int outputs, byte bias, string activation (Activation.toString()), byte layerNorm,
 *               float normEpsilon, float dropout
 *   loss        string kind (Loss.Kind.id()), int weightCount (-1: no class weights), float[weightCount] weights,
 *               float labelSmoothing, float huberDelta
 *   optimizer   config, long steps, double learning-rate scale, int slabCount, slabCount × (int length, float[length])
 *     config    string kind ("sgd", "adam", "adamw"), float learningRate, float momentum, byte nesterov,
 *               float beta1, float beta2, float epsilon, float weightDecay, float clipNorm, schedule
 *     schedule  string kind ("constant", "step", "cosine", "warmup"), then for step: long every, double gamma;
 *               cosine: long totalSteps, double minFactor; warmup: long warmupSteps, schedule (what follows)
 *   progress    int epochsDone, long rngState, long dropoutRngState
 *   metadata    int count, count × (string key, string value)        — sorted by key
 *   arrays      int count, count × (string key, int length, float[length]) — sorted by key
 *   parameters  int length, float[length]
 *   checksum    long CRC-32 of every byte before it
 * </pre>
 * Version 3 stored the loss as its display text ({@code Loss.toString()} of the time, read by a frozen grammar)
 * instead of its fields; otherwise as version 4. Version 2 stored the optimizer as its display text too
 * ({@code OptimizerConfig.toString()} of the time, also read by a frozen grammar) instead of {@code config}.
 * Version 1 (before layer kinds and tasks; read as ReLU classifiers with the cross-entropy loss and the default
 * dropout generator) had {@code spec = int inputs, int hiddenCount, int[hiddenCount] hidden, int classes,
 * byte[layers] bias flags}, no loss, and no {@code dropoutRngState}.
 * Strings are {@code int byteLength} + UTF-8. Files are written atomically: to a temporary file in the same
 * directory, flushed to disk, then renamed over the target, so a crash leaves the old checkpoint or the
 * new one, never a partial file.
 */
public final class Checkpoint {
    /** The file format version this class writes. */
    public static final int FORMAT_VERSION = 4;
    /** How many warm-ups may wrap a schedule in a file (a guard against crafted files, not a real limit). */
    static final int MAX_SCHEDULE_DEPTH = 8;
    private static final byte[] MAGIC = {'E', 'T', 'C', 'K', 'P', 'T', '\r', '\n'};
    private static final Charset UTF8 = Charset.forName("UTF-8");

    private final NetworkSpec spec;
    private final float[] parameters;
    private final Loss loss;
    private final OptimizerConfig optimizer;
    private final long optimizerSteps;
    private final double learningRateScale;
    private final float[][] optimizerState;
    private final int epochsDone;
    private final long rngState;
    private final long dropoutRngState;
    private final Map<String, String> metadata;
    private final Map<String, float[]> arrays;

    private Checkpoint(NetworkSpec spec, float[] parameters, Loss loss, OptimizerConfig optimizer,
                       long optimizerSteps, double learningRateScale, float[][] optimizerState, int epochsDone,
                       long rngState, long dropoutRngState, Map<String, String> metadata, Map<String, float[]> arrays) {
        this.spec = spec;
        this.parameters = parameters;
        this.loss = loss;
        this.optimizer = optimizer;
        this.optimizerSteps = optimizerSteps;
        this.learningRateScale = learningRateScale;
        this.optimizerState = optimizerState;
        this.epochsDone = epochsDone;
        this.rngState = rngState;
        this.dropoutRngState = dropoutRngState;
        this.metadata = Collections.unmodifiableMap(new TreeMap<String, String>(metadata));
        this.arrays = Collections.unmodifiableMap(new TreeMap<String, float[]>(arrays));
    }

    /**
     * A snapshot (copies) of the trainer's network, optimizer and progress, with the caller's extras.
     *
     * @param trainer the trainer whose session, epochs done and shuffling generator are copied
     * @param metadata the caller's text entries, or {@code null}
     * @param arrays the caller's arrays (copied), or {@code null}
     * @return the checkpoint
     */
    public static Checkpoint capture(Trainer trainer, Map<String, String> metadata, Map<String, float[]> arrays) {
        return capture(trainer.session(), trainer.epochsDone(), trainer.rngState(), metadata, arrays);
    }

    /**
     * A snapshot (copies) of a session's network and optimizer, without a trainer (no epochs done, shuffling
     * generator state 0), with the caller's extras: for a model saved outside a training loop.
     *
     * @param session  the session whose network and optimizer are copied
     * @param metadata the caller's text entries, or {@code null}
     * @param arrays   the caller's arrays (copied), or {@code null}
     * @return the checkpoint
     */
    public static Checkpoint capture(TrainingSession session, Map<String, String> metadata,
                                     Map<String, float[]> arrays) {
        return capture(session, 0, 0L, metadata, arrays);
    }

    private static Checkpoint capture(TrainingSession session, int epochsDone, long rngState,
                                      Map<String, String> metadata, Map<String, float[]> arrays) {
        Optimizer opt = session.optimizer();
        float[][] state = new float[opt.stateSlabCount()][];
        for (int k = 0; k < state.length; k++) {
            state[k] = opt.stateSlab(k).clone();
        }
        Map<String, float[]> copies = new TreeMap<String, float[]>();
        if (arrays != null) {
            for (Map.Entry<String, float[]> e : arrays.entrySet()) {
                copies.put(e.getKey(), e.getValue().clone());
            }
        }
        return new Checkpoint(session.network().spec(), session.network().copyParameters(),
                session.loss(), opt.config(), opt.steps(), opt.learningRateScale(), state,
                epochsDone, rngState, session.dropoutRngState(),
                metadata == null ? Collections.<String, String>emptyMap() : metadata, copies);
    }

    /**
     * Puts the checkpoint's parameters, optimizer state and progress into {@code trainer}, whose network and
     * optimizer must be of the same spec and configuration. Checked first; on a mismatch nothing changes.
     *
     * @param trainer a trainer built with the same spec, loss and optimizer configuration
     * @throws CheckpointException when the spec, loss, optimizer or state slab count differs, naming both sides
     */
    public void restoreInto(Trainer trainer) throws CheckpointException {
        TrainingSession session = trainer.session();
        Network network = session.network();
        Optimizer opt = session.optimizer();
        if (!network.spec().equals(spec)) {
            throw new CheckpointException("checkpoint holds network " + spec + ", this run builds " + network.spec());
        }
        if (!session.loss().equals(loss)) { // by value: the display text may change between versions
            throw new CheckpointException("checkpoint was trained with loss " + loss + ", this run asks for "
                    + session.loss());
        }
        if (!opt.config().equals(optimizer)) {
            throw new CheckpointException("checkpoint was trained with optimizer " + optimizer
                    + ", this run asks for " + opt.config());
        }
        if (opt.stateSlabCount() != optimizerState.length) {
            throw new CheckpointException("checkpoint has " + optimizerState.length + " optimizer state slabs, "
                    + opt.config() + " needs " + opt.stateSlabCount());
        }
        network.setParameters(parameters);
        for (int k = 0; k < optimizerState.length; k++) {
            System.arraycopy(optimizerState[k], 0, opt.stateSlab(k), 0, optimizerState[k].length);
        }
        opt.setSteps(optimizerSteps);
        opt.setLearningRateScale(learningRateScale);
        trainer.setEpochsDone(epochsDone);
        trainer.setRngState(rngState);
        session.setDropoutRngState(dropoutRngState);
    }

    /**
     * The network's architecture.
     *
     * @return the spec
     */
    public NetworkSpec spec() {
        return spec;
    }

    /**
     * A copy of the parameters.
     *
     * @return {@code [parameterCount]}, a fresh copy
     */
    public float[] parameters() {
        return parameters.clone();
    }

    /**
     * The loss the run trained with, field by field as stored (or as read from an older file's text): what
     * restoring compares.
     *
     * @return the loss
     */
    public Loss loss() {
        return loss;
    }

    /**
     * The loss for people to read ({@code Loss.toString()}; not what restoring compares).
     *
     * @return the loss's display text
     */
    public String lossDescription() {
        return loss.toString();
    }

    /**
     * The optimizer's configuration, field by field as stored (or as read from an older file's text).
     *
     * @return the configuration
     */
    public OptimizerConfig optimizerConfig() {
        return optimizer;
    }

    /**
     * The optimizer for people to read ({@code OptimizerConfig.toString()}; not what restoring compares).
     *
     * @return the configuration's display text
     */
    public String optimizerDescription() {
        return optimizer.toString();
    }

    /**
     * Optimizer steps taken before the checkpoint.
     *
     * @return the count, at least 0
     */
    public long optimizerSteps() {
        return optimizerSteps;
    }

    /**
     * The learning-rate scale left by divergence recoveries (1 if none).
     *
     * @return a positive factor; 1 without recoveries
     */
    public double learningRateScale() {
        return learningRateScale;
    }

    /**
     * Epochs finished before the checkpoint.
     *
     * @return the count, at least 0
     */
    public int epochsDone() {
        return epochsDone;
    }

    /**
     * The trainer's shuffling generator state ({@code Trainer.rngState()}).
     *
     * @return the state, for {@link Trainer#setRngState}
     */
    public long rngState() {
        return rngState;
    }

    /**
     * The dropout generator's state ({@code TrainingSession.dropoutRngState()}).
     *
     * @return the state, for {@link TrainingSession#setDropoutRngState}
     */
    public long dropoutRngState() {
        return dropoutRngState;
    }

    /**
     * The caller's string metadata, sorted by key (unmodifiable).
     *
     * @return the entries; empty when there are none
     */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * The named array, a copy, or null.
     *
     * @param key the name the array was captured under
     * @return {@code [length]}, a fresh copy; or null when there is no such array
     */
    public float[] array(String key) {
        float[] a = arrays.get(key);
        return a == null ? null : a.clone();
    }

    /**
     * The file's bytes, as {@link #write} stores them.
     *
     * @return the whole file, checksum included
     */
    public byte[] toBytes() {
        try {
            ByteArrayOutputStream bytes =
                    new ByteArrayOutputStream(64 + parameters.length * 4 * (1 + optimizerState.length));
            DataOutputStream out = new DataOutputStream(bytes);
            out.write(MAGIC);
            out.writeInt(FORMAT_VERSION);
            out.writeInt(spec.inputs());
            out.writeInt(spec.layerCount());
            for (int l = 0; l < spec.layerCount(); l++) {
                LayerSpec layer = spec.layer(l);
                out.writeInt(layer.outputs());
                out.writeByte(layer.bias() ? 1 : 0);
                writeString(out, layer.activation().toString());
                out.writeByte(layer.layerNorm() ? 1 : 0);
                out.writeFloat(layer.normEpsilon());
                out.writeFloat(layer.dropout());
            }
            writeString(out, spec.task().id());
            writeLoss(out, loss);
            writeOptimizer(out, optimizer);
            out.writeLong(optimizerSteps);
            out.writeDouble(learningRateScale);
            out.writeInt(optimizerState.length);
            for (float[] slab : optimizerState) {
                writeFloats(out, slab);
            }
            out.writeInt(epochsDone);
            out.writeLong(rngState);
            out.writeLong(dropoutRngState);
            out.writeInt(metadata.size());
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                writeString(out, e.getKey());
                writeString(out, e.getValue());
            }
            out.writeInt(arrays.size());
            for (Map.Entry<String, float[]> e : arrays.entrySet()) {
                writeString(out, e.getKey());
                writeFloats(out, e.getValue());
            }
            writeFloats(out, parameters);
            out.flush();
            CRC32 crc = new CRC32();
            crc.update(bytes.toByteArray());
            out.writeLong(crc.getValue());
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("in-memory write failed", e);
        }
    }

    /**
     * Writes the checkpoint to {@code file} atomically: temporary file in the same directory, fsync, rename.
     * If anything fails the previous file at {@code file} is untouched and the temporary file removed.
     *
     * @param file the checkpoint file, replaced whole or left as it was
     * @throws IOException when the directory is missing or a write, sync or rename fails
     */
    public void write(File file) throws IOException {
        writeAtomically(file, toBytes());
    }

    /**
     * Writes {@code bytes} to {@code file} via a synced temporary file and an atomic rename.
     *
     * @param file the file, replaced whole or left as it was
     * @param bytes the new content
     * @throws IOException when the directory is missing or a write, sync or rename fails
     */
    public static void writeAtomically(File file, final byte[] bytes) throws IOException {
        AtomicFile.write(file, new AtomicFile.Content() {
            @Override
            public void writeTo(java.io.OutputStream out) throws IOException {
                out.write(bytes);
            }
        });
    }

    /**
     * Reads and validates a checkpoint file.
     *
     * @param file a checkpoint file
     * @return the checkpoint
     * @throws CheckpointException when the file is missing or unreadable, or its content is not a valid checkpoint (see
     *                             {@link #fromBytes})
     */
    public static Checkpoint read(File file) throws CheckpointException {
        byte[] bytes;
        try {
            long length = file.length();
            if (!file.isFile()) {
                throw new CheckpointException("checkpoint " + file + " does not exist or is not a file");
            }
            if (length > Integer.MAX_VALUE - 8) {
                throw new CheckpointException("checkpoint " + file + " is " + length + " bytes, too large to be one");
            }
            bytes = new byte[(int) length];
            InputStream in = new FileInputStream(file);
            try {
                int off = 0;
                while (off < bytes.length) {
                    int n = in.read(bytes, off, bytes.length - off);
                    if (n < 0) {
                        throw new CheckpointException("checkpoint " + file + " shrank while being read");
                    }
                    off += n;
                }
            } finally {
                in.close();
            }
        } catch (CheckpointException e) {
            throw e;
        } catch (IOException e) {
            throw new CheckpointException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
        return fromBytes(bytes, file.toString());
    }

    /**
     * Parses checkpoint bytes; {@code source} names them in error messages.
     *
     * @param bytes a whole checkpoint file's bytes
     * @param source names the bytes in messages, e.g. the file's path
     * @return the checkpoint
     * @throws CheckpointException when the magic, version or checksum is wrong, a section is truncated or out of range,
     *                             naming the section
     */
    public static Checkpoint fromBytes(byte[] bytes, String source) throws CheckpointException {
        if (bytes.length < MAGIC.length + 4 + 8 || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
            throw new CheckpointException(source + " is not an edgetrain checkpoint (expected magic \"ETCKPT\\r\\n\")");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        buf.position(MAGIC.length);
        int version = buf.getInt();
        if (version < 1 || version > FORMAT_VERSION) {
            throw new CheckpointException(source + " has checkpoint format version " + version
                    + ", this edgetrain reads versions 1 to " + FORMAT_VERSION);
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 8);
        long stored = ByteBuffer.wrap(bytes, bytes.length - 8, 8).getLong();
        if (stored != crc.getValue()) {
            throw new CheckpointException(source + " is corrupt or truncated: checksum mismatch");
        }
        buf.limit(bytes.length - 8);
        String field = "spec";
        try {
            NetworkSpec spec = version == 1 ? readSpecV1(buf, source) : readSpec(buf, source);
            Loss loss = Loss.crossEntropy(); // version 1 knew no other
            if (version >= 2) {
                field = "loss";
                loss = version >= 4 ? readLoss(buf, source) : LegacyLossText.parse(readString(buf, source), source);
            }
            field = "optimizer";
            OptimizerConfig optimizer = version >= 3 ? readOptimizer(buf, source)
                    : LegacyOptimizerText.parse(readString(buf, source), source);
            long steps = buf.getLong();
            double scale = buf.getDouble();
            if (!(scale > 0 && scale <= Float.MAX_VALUE)) {
                throw new CheckpointException(source + ": learning-rate scale " + scale + " is not a positive number");
            }
            int slabs = count(buf, 4, "optimizer state slab count", source);
            float[][] state = new float[slabs][];
            for (int k = 0; k < slabs; k++) {
                state[k] = readFloats(buf, source, "optimizer state slab " + k);
            }
            field = "progress";
            int epochs = buf.getInt();
            long rng = buf.getLong();
            long dropoutRng = version >= 2 ? buf.getLong() : TrainingSession.DEFAULT_DROPOUT_SEED;
            field = "metadata";
            int metaCount = count(buf, 8, "metadata entry count", source);
            Map<String, String> meta = new TreeMap<String, String>();
            for (int i = 0; i < metaCount; i++) {
                meta.put(readString(buf, source), readString(buf, source));
            }
            field = "arrays";
            int arrayCount = count(buf, 8, "array count", source);
            Map<String, float[]> arrays = new TreeMap<String, float[]>();
            for (int i = 0; i < arrayCount; i++) {
                String key = readString(buf, source);
                arrays.put(key, readFloats(buf, source, "array '" + key + "'"));
            }
            field = "parameters";
            float[] params = readFloats(buf, source, "parameters");
            if (buf.hasRemaining()) {
                throw new CheckpointException(source + ": " + buf.remaining()
                        + " unexpected bytes after the parameters");
            }
            Network probe = Network.fromParameters(spec, params); // validates length and finiteness
            for (int k = 0; k < slabs; k++) {
                if (state[k].length != params.length) {
                    throw new CheckpointException(source + ": optimizer state slab " + k + " has " + state[k].length
                            + " values, expected " + params.length + " (one per parameter)");
                }
            }
            if (epochs < 0 || steps < 0) {
                throw new CheckpointException(source + ": negative progress (epochs " + epochs + ", steps " + steps
                        + ")");
            }
            return new Checkpoint(probe.spec(), params, loss, optimizer, steps, scale, state, epochs, rng, dropoutRng,
                    meta, arrays);
        } catch (BufferUnderflowException e) {
            throw new CheckpointException(source + " is truncated in its " + field + " section");
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(source + ": " + e.getMessage());
        }
    }

    /** Version 1's spec: ReLU hidden layers, a softmax classifier, a bias flag per layer. */
    private static NetworkSpec readSpecV1(ByteBuffer buf, String source) throws CheckpointException {
        int inputs = buf.getInt();
        int hiddenCount = count(buf, 4, "hidden layer count", source);
        int[] hidden = new int[hiddenCount];
        for (int h = 0; h < hiddenCount; h++) {
            hidden[h] = buf.getInt();
        }
        int classes = buf.getInt();
        boolean[] bias = new boolean[hiddenCount + 1];
        for (int l = 0; l < bias.length; l++) {
            bias[l] = buf.get() != 0;
        }
        try {
            return NetworkSpec.of(inputs, hidden, classes).withLayerBias(bias);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(source + ": invalid network spec: " + e.getMessage());
        }
    }

    private static NetworkSpec readSpec(ByteBuffer buf, String source) throws CheckpointException {
        int inputs = buf.getInt();
        int layerCount = count(buf, 14, "layer count", source);
        LayerSpec[] layers = new LayerSpec[layerCount];
        try {
            for (int l = 0; l < layerCount; l++) {
                int outputs = buf.getInt();
                boolean bias = buf.get() != 0;
                Activation activation = Activation.parse(readString(buf, source));
                boolean norm = buf.get() != 0;
                float epsilon = buf.getFloat();
                float dropout = buf.getFloat();
                LayerSpec layer = LayerSpec.dense(outputs, activation).withBias(bias).withDropout(dropout);
                layers[l] = norm ? layer.withLayerNorm(epsilon) : layer;
            }
            Task task = Task.parse(readString(buf, source));
            return NetworkSpec.of(inputs, layers, task);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(source + ": invalid network spec: " + e.getMessage());
        }
    }

    private static void writeLoss(DataOutputStream out, Loss loss) throws IOException {
        writeString(out, loss.kind().id());
        float[] weights = loss.classWeights();
        if (weights == null) {
            out.writeInt(-1);
        } else {
            writeFloats(out, weights);
        }
        out.writeFloat(loss.labelSmoothing());
        out.writeFloat(loss.huberDelta());
    }

    private static Loss readLoss(ByteBuffer buf, String source) throws CheckpointException {
        String kindId = readString(buf, source);
        Loss.Kind kind = null;
        StringBuilder expected = new StringBuilder();
        for (Loss.Kind k : Loss.Kind.values()) {
            if (k.id().equals(kindId)) {
                kind = k;
            }
            expected.append(expected.length() == 0 ? "" : ", ").append(k.id());
        }
        if (kind == null) {
            throw new CheckpointException(source + ": unknown loss kind '" + kindId + "', expected one of " + expected);
        }
        float[] weights = null;
        if (buf.getInt() != -1) { // -1: none; else the weight count, which readFloats reads again
            buf.position(buf.position() - 4);
            weights = readFloats(buf, source, "class weights");
        }
        float smoothing = buf.getFloat();
        float delta = buf.getFloat();
        try {
            return Loss.of(kind, weights, smoothing, delta);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(source + ": invalid loss: " + e.getMessage());
        }
    }

    private static void writeOptimizer(DataOutputStream out, OptimizerConfig c) throws IOException {
        writeString(out, c.kind().name().toLowerCase(Locale.ROOT));
        out.writeFloat(c.learningRate());
        out.writeFloat(c.momentum());
        out.writeByte(c.nesterov() ? 1 : 0);
        out.writeFloat(c.beta1());
        out.writeFloat(c.beta2());
        out.writeFloat(c.epsilon());
        out.writeFloat(c.weightDecay());
        out.writeFloat(c.clipNorm());
        for (LearningRateSchedule s = c.schedule(); s != null; s = s.then()) {
            writeString(out, s.kind().name().toLowerCase(Locale.ROOT));
            if (s.kind() != LearningRateSchedule.Kind.CONSTANT) {
                out.writeLong(s.steps());
            }
            if (s.kind() == LearningRateSchedule.Kind.STEP || s.kind() == LearningRateSchedule.Kind.COSINE) {
                out.writeDouble(s.parameter());
            }
        }
    }

    private static OptimizerConfig readOptimizer(ByteBuffer buf, String source) throws CheckpointException {
        String kindName = readString(buf, source);
        OptimizerConfig.Kind kind = kindOf(OptimizerConfig.Kind.values(), kindName, "optimizer kind", source);
        float learningRate = buf.getFloat();
        float momentum = buf.getFloat();
        boolean nesterov = buf.get() != 0;
        float beta1 = buf.getFloat();
        float beta2 = buf.getFloat();
        float epsilon = buf.getFloat();
        float weightDecay = buf.getFloat();
        float clipNorm = buf.getFloat();
        LearningRateSchedule schedule = readSchedule(buf, source, 0);
        try {
            return OptimizerConfig.of(kind, learningRate, momentum, nesterov, beta1, beta2, epsilon, weightDecay,
                    clipNorm, schedule);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(source + ": invalid optimizer configuration: " + e.getMessage());
        }
    }

    private static LearningRateSchedule readSchedule(ByteBuffer buf, String source, int depth)
            throws CheckpointException {
        if (depth > MAX_SCHEDULE_DEPTH) {
            throw new CheckpointException(source + ": learning-rate schedule nests more than " + MAX_SCHEDULE_DEPTH
                    + " warm-ups");
        }
        LearningRateSchedule.Kind kind = kindOf(LearningRateSchedule.Kind.values(), readString(buf, source),
                "learning-rate schedule kind", source);
        try {
            switch (kind) {
                case CONSTANT:
                    return LearningRateSchedule.constant();
                case STEP:
                    return LearningRateSchedule.step(buf.getLong(), buf.getDouble());
                case COSINE:
                    return LearningRateSchedule.cosine(buf.getLong(), buf.getDouble());
                default:
                    long warmup = buf.getLong();
                    return readSchedule(buf, source, depth + 1).withWarmup(warmup);
            }
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(source + ": invalid learning-rate schedule: " + e.getMessage());
        }
    }

    /** The constant of {@code values} named {@code name} in lower case, or an error listing them. */
    private static <E extends Enum<E>> E kindOf(E[] values, String name, String what, String source)
            throws CheckpointException {
        StringBuilder expected = new StringBuilder();
        for (E e : values) {
            String id = e.name().toLowerCase(Locale.ROOT);
            if (id.equals(name)) {
                return e;
            }
            expected.append(expected.length() == 0 ? "" : ", ").append(id);
        }
        throw new CheckpointException(source + ": unknown " + what + " '" + name + "', expected one of " + expected);
    }

    private static int count(ByteBuffer buf, int minBytesEach, String what, String source) throws CheckpointException {
        int n = buf.getInt();
        if (n < 0 || (long) n * minBytesEach > buf.remaining()) {
            throw new CheckpointException(source + ": " + what + " " + n + " does not fit the " + buf.remaining()
                    + " bytes left");
        }
        return n;
    }

    private static float[] readFloats(ByteBuffer buf, String source, String what) throws CheckpointException {
        int n = buf.getInt();
        if (n < 0 || (long) n * 4 > buf.remaining()) {
            throw new CheckpointException(source + ": " + what + " claims " + n + " floats, only " + buf.remaining()
                    + " bytes left");
        }
        float[] a = new float[n];
        buf.asFloatBuffer().get(a);
        buf.position(buf.position() + 4 * n);
        return a;
    }

    private static String readString(ByteBuffer buf, String source) throws CheckpointException {
        int n = buf.getInt();
        if (n < 0 || n > buf.remaining()) {
            throw new CheckpointException(source + ": a string claims " + n + " bytes, only " + buf.remaining()
                    + " left");
        }
        byte[] b = new byte[n];
        buf.get(b);
        return new String(b, UTF8);
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(UTF8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static void writeFloats(DataOutputStream out, float[] a) throws IOException {
        out.writeInt(a.length);
        for (float v : a) {
            out.writeFloat(v);
        }
    }
}
