package dev.edgetrain.transfer.wakeword;

import dev.edgetrain.onnx.BackboneMerge;
import dev.edgetrain.onnx.ExportOptions;
import dev.edgetrain.onnx.OnnxExporter;
import dev.edgetrain.onnx.proto.ModelProto;
import dev.edgetrain.transfer.FrozenBackbone;
import dev.edgetrain.transfer.audio.Augmentation;
import dev.edgetrain.transfer.audio.WavFile;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

/**
 * The two exports of a wake-word head (one network, or an ensemble whose members a {@code Mean} node averages), and
 * their checks against onnxruntime:
 * <ul>
 *   <li>the head alone, a drop-in replacement for openWakeWord's heads: input {@value #HEAD_INPUT}
 *       {@code [1,frames,96]}, output {@value #HEAD_OUTPUT} {@code [1,1]}, the names of {@code alexa_v0.1.onnx};</li>
 *   <li>one merged file from mel windows to the score: openWakeWord's embedding model carried over untouched, a
 *       reshape of its {@code [frames,1,1,96]} output to {@code [1,frames,96]}, then the head.</li>
 * </ul>
 */
public final class WakeWordExports {
    /** alexa_v0.1's input and output names (a PyTorch export's). */
    public static final String HEAD_INPUT = "onnx::Flatten_0";
    /** alexa_v0.1's output name. */
    public static final String HEAD_OUTPUT = "13";

    private WakeWordExports() {
    }

    /** The head alone: {@code [1, frames, 96]} under alexa_v0.1's names, one score. */
    static ExportOptions headOptions(int frames, Map<String, String> metadata) {
        return ExportOptions.builder().inputShape(new long[] {1, frames, OpenWakeWordFeatures.EMBEDDING_SIZE})
                .fixedBatch(1).inputName(HEAD_INPUT).outputName(HEAD_OUTPUT).metadata(metadata).build();
    }

    /**
     * Writes the head alone (atomically).
     *
     * @param head the head to export
     * @param metadata entries for the model's {@code metadata_props}, or null for none
     * @param out where to write; replaced whole or left as it was
     * @throws IOException when the file cannot be written
     */
    public static void writeHead(WakeWordHead head, Map<String, String> metadata, File out) throws IOException {
        OnnxExporter.write(head.members(), headOptions(head.frames(), metadata), out);
    }

    /**
     * Writes the merged model (atomically): {@code embeddingOnnx}'s graph as it is, its output ({@code [frames,1,1,96]}
     * for {@code frames} mel windows) reshaped to {@code [1, frames, 96]}, then the head.
     *
     * @param head the head to export
     * @param embeddingOnnx openWakeWord's {@code embedding_model.onnx}
     * @param metadata entries for the model's {@code metadata_props}, or null for none
     * @param out where to write; replaced whole or left as it was
     * @throws IOException when a file cannot be read or written, or the embedding model is not as expected
     */
    public static void writeMerged(WakeWordHead head, File embeddingOnnx, Map<String, String> metadata, File out)
            throws IOException {
        byte[] bytes = Files.readAllBytes(embeddingOnnx.toPath());
        ModelProto backbone = ModelProto.parseFrom(bytes);
        if (backbone.getGraph().getOutputCount() != 1) {
            throw new IOException(embeddingOnnx + ": " + backbone.getGraph().getOutputCount() + " outputs, expected "
                    + "one (the embedding)");
        }
        ExportOptions options = ExportOptions.builder().metadata(metadata).build();
        BackboneMerge.write(BackboneMerge.merge(bytes, embeddingOnnx.getName(),
                backbone.getGraph().getOutput(0).getName(),
                new long[] {1, head.frames(), OpenWakeWordFeatures.EMBEDDING_SIZE}, head.members(), options), out);
    }

    /**
     * The largest difference between onnxruntime running the exported head and the runtime running {@code head}, on
     * the first {@code rows} rows of {@code features} ({@code [rows][frames·96]}), one window at a time as openWakeWord
     * feeds it.
     *
     * @param headOnnx the file {@link #writeHead} wrote
     * @param head the head it was written from
     * @param features {@code [rows][frames·96]} embeddings, flattened
     * @param rows how many rows to compare, at least 1
     * @return the largest absolute difference between the two scores
     * @throws IOException when onnxruntime cannot load the file
     */
    public static double headParity(File headOnnx, WakeWordHead head, float[] features, int rows) throws IOException {
        int width = head.frames() * OpenWakeWordFeatures.EMBEDDING_SIZE;
        long[] shape = {1, head.frames(), OpenWakeWordFeatures.EMBEDDING_SIZE};
        double worst = 0;
        try (FrozenBackbone onnx = FrozenBackbone.open(headOnnx, null)) {
            float[] row = new float[width];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(features, r * width, row, 0, width);
                float theirs = onnx.run(row, shape)[0];
                worst = Math.max(worst, Math.abs(theirs - head.score(row, 0)));
            }
        }
        return worst;
    }

    /**
     * The largest difference between onnxruntime running the merged model on a clip's mel windows and the two-stage
     * pipeline (onnxruntime's embedding model, then the runtime's head), on the mel windows of up to 8 of the clips,
     * each at the end of the shortest audio that gives the head's embeddings.
     *
     * @param mergedOnnx the file {@link #writeMerged} wrote
     * @param features the front end whose embedding model the file carries
     * @param head the head it was written from
     * @param clips WAV clips (16 kHz mono); the first 8 are used
     * @return the largest absolute difference between the two scores
     * @throws IOException when a file cannot be read or onnxruntime cannot load it
     */
    public static double mergedParity(File mergedOnnx, OpenWakeWordFeatures features, WakeWordHead head,
                                      List<File> clips) throws IOException {
        int frames = head.frames();
        long[] shape = {frames, OpenWakeWordFeatures.WINDOW_FRAMES, OpenWakeWordFeatures.MEL_BINS, 1};
        double worst = 0;
        try (FrozenBackbone merged = FrozenBackbone.open(mergedOnnx, null)) {
            for (File clip : clips.subList(0, Math.min(8, clips.size()))) {
                float[] audio = Augmentation.NONE.apply(WavFile.readMono16k(clip),
                        OpenWakeWordFeatures.samplesForEmbeddings(frames), new float[0][]);
                float[] windows = features.melWindows(audio); // [frames][76][32]
                float[] embeddings = features.embedWindows(windows, frames); // [frames][96]
                worst = Math.max(worst, Math.abs(merged.run(windows, shape)[0] - head.score(embeddings, 0)));
            }
        }
        return worst;
    }
}
