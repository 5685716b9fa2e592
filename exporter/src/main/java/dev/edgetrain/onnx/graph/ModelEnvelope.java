package dev.edgetrain.onnx.graph;

import dev.edgetrain.onnx.proto.GraphProto;
import dev.edgetrain.onnx.proto.ModelProto;
import dev.edgetrain.onnx.proto.OperatorSetIdProto;
import dev.edgetrain.onnx.proto.StringStringEntryProto;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Properties;

/**
 * The "model envelope" around a graph fragment: IR version, operator-set import, producer, model
 * version, doc string and {@code metadata_props}. The IR version is the one ONNX released with the model's
 * opset ({@link #irVersionFor}), as PyTorch's exporter does, so a runtime that can run the opset can read the file.
 */
public final class ModelEnvelope {
    /**
     * IR version 7 (ONNX 1.7/1.8), the IR of opset-13 models: the version the ONNX backend tests of
     * Gemm/Relu/Softmax at opset 13 use, read by every onnxruntime since 1.3, so the files stay loadable by older
     * runtimes on devices.
     */
    public static final long IR_VERSION = 7;
    /** The {@code producer_name} edgetrain writes. */
    public static final String PRODUCER_NAME = "edgetrain";
    /** Our own model domain (reverse DNS, as ONNX recommends). */
    public static final String MODEL_DOMAIN = "dev.edgetrain";

    private static final String VERSION_RESOURCE = "/dev/edgetrain/onnx/exporter.properties";
    private static volatile String producerVersion;

    private ModelEnvelope() {
    }

    /**
     * This library's version, written as {@code producer_version} (from the build; {@code unknown} if missing).
     *
     * @return the version, or {@code unknown}
     */
    public static String producerVersion() {
        String v = producerVersion;
        if (v == null) {
            v = "unknown";
            InputStream in = ModelEnvelope.class.getResourceAsStream(VERSION_RESOURCE);
            if (in != null) {
                try {
                    Properties p = new Properties();
                    p.load(in);
                    String read = p.getProperty("version");
                    if (read != null && !read.isEmpty() && !read.startsWith("${")) {
                        v = read;
                    }
                } catch (IOException e) {
                    // Leave "unknown": the version is informative only.
                } finally {
                    try {
                        in.close();
                    } catch (IOException ignored) {
                        // nothing to do
                    }
                }
            }
            producerVersion = v;
        }
        return v;
    }

    /**
     * The IR version ONNX released together with default-domain opset {@code opset} (ONNX's
     * {@code docs/Versioning.md}): 7 up to opset 14 (ONNX 1.9), 8 up to 18 (1.13), 9 for 19 and 20 (1.15),
     * 10 from 21 (1.16); nothing the exporter writes needs a later IR.
     *
     * @param opset a default-domain opset, at least 1
     * @return the IR version, 7 to 10
     */
    public static long irVersionFor(int opset) {
        if (opset <= 14) {
            return IR_VERSION;
        }
        if (opset <= 18) {
            return 8;
        }
        return opset <= 20 ? 9 : 10;
    }

    /**
     * Wraps {@code graph} into a model that imports the default operator set at {@code opsetVersion}, with IR
     * version {@link #irVersionFor irVersionFor(opsetVersion)}.
     *
     * @param graph the graph; taken as it is
     * @param opsetVersion the default-domain opset the graph's nodes follow
     * @param modelVersion written when non-null
     * @param docString    written when non-null
     * @param metadata     written in iteration order as {@code metadata_props}
     * @return the model
     */
    public static ModelProto wrap(GraphProto graph, int opsetVersion, Long modelVersion, String docString,
                                  Map<String, String> metadata) {
        ModelProto.Builder model = ModelProto.newBuilder()
                .setIrVersion(irVersionFor(opsetVersion))
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opsetVersion))
                .setProducerName(PRODUCER_NAME)
                .setProducerVersion(producerVersion())
                .setDomain(MODEL_DOMAIN)
                .setGraph(graph);
        if (modelVersion != null) {
            model.setModelVersion(modelVersion);
        }
        if (docString != null) {
            model.setDocString(docString);
        }
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(e.getKey()).setValue(e.getValue()));
        }
        return model.build();
    }
}
