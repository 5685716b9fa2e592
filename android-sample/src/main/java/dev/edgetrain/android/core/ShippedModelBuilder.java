package dev.edgetrain.android.core;

import dev.edgetrain.onnx.OnnxExporter;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import dev.edgetrain.runtime.train.Dataset;
import dev.edgetrain.runtime.train.Evaluation;
import dev.edgetrain.runtime.train.Trainer;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the APK's pre-trained model at build time (Maven runs {@link #main} in process-classes):
 * {@link Pretraining} on rows 0–999 of the shipped digits file, exported with the input scaling folded
 * into the first Gemm, so the graph takes raw pixel counts. Seeded and single-threaded: the same file and
 * code give the same bytes on every machine, so the asset needs no download and no committed binary.
 */
public final class ShippedModelBuilder {
    private ShippedModelBuilder() {
    }

    /**
     * The ONNX bytes of the shipped model, trained on {@code all}'s pre-training rows.
     *
     * @param all the whole digits file, {@value DigitsSplit#ROWS} rows; its evaluation rows give the held-out
     *            accuracy recorded in the metadata
     * @return the serialised model (model_version 1, raw-count inputs, probabilities out, the
     *         {@code edgetrain.pretrain.*} metadata)
     * @throws IllegalArgumentException if {@code all} does not have {@value DigitsSplit#ROWS} rows
     */
    public static byte[] build(Dataset all) {
        Pretraining.Result r = Pretraining.train(DigitsSplit.pretraining(all));
        Dataset heldOut = r.standardizer.apply(DigitsSplit.evaluation(all));
        Evaluation eval = Trainer.evaluate(new TrainingSession(r.network, 64, OptimizerConfig.sgd(0.1f)), heldOut);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("edgetrain.pretrain.rows", "digits.csv rows 0-" + (DigitsSplit.PICKABLE_FROM - 1));
        meta.put("edgetrain.pretrain.recipe", Pretraining.describe());
        meta.put("edgetrain.pretrain.train_accuracy", String.format(Locale.ROOT, "%.4f", r.trainAccuracy));
        meta.put("edgetrain.pretrain.heldout_rows", "digits.csv rows " + DigitsSplit.EVALUATION_FROM + "-"
                + (DigitsSplit.ROWS - 1));
        meta.put("edgetrain.pretrain.heldout_accuracy", String.format(Locale.ROOT, "%.4f", eval.accuracy()));
        return OnnxExporter.toBytes(r.network, ModelStore.digitsOptions(1L, meta)
                .standardizer(r.standardizer.mean(), r.standardizer.std())
                .build());
    }

    /**
     * {@code ShippedModelBuilder <digits.csv> <out.onnx>}: writes the model (atomically) and says what it wrote.
     *
     * @param args the digits CSV to read and the ONNX file to write; with any other number of arguments it prints
     *             the usage and exits the JVM with status 2
     * @throws IOException if the CSV cannot be read or is malformed ({@link CsvFormatException}), or the output
     *                     directory cannot be created or the file written
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: ShippedModelBuilder <digits.csv> <out.onnx>");
            System.exit(2);
        }
        File csv = new File(args[0]);
        File out = new File(args[1]);
        final Dataset all;
        try (InputStream in = new FileInputStream(csv)) {
            all = DigitsCsv.read(in, csv.getPath());
        }
        byte[] model = build(all);
        File dir = out.getAbsoluteFile().getParentFile();
        if (!dir.isDirectory() && !dir.mkdirs()) {
            throw new IOException("cannot create " + dir);
        }
        File tmp = new File(dir, out.getName() + ".tmp");
        java.nio.file.Files.write(tmp.toPath(), model);
        java.nio.file.Files.move(tmp.toPath(), out.toPath(), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        System.out.println("wrote " + out + " (" + model.length + " bytes) from " + csv);
    }
}
