package dev.edgetrain.android.core;

import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.train.Dataset;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.nio.file.Paths;

/** The shipped digits asset and a pre-trained network on raw counts, loaded once per test JVM. */
final class TestData {
    static final Path DIGITS_CSV = Paths.get("src/main/assets/digits.csv");

    private static Dataset all;
    private static Network pretrained;

    private TestData() {
    }

    static synchronized Dataset digits() {
        if (all == null) {
            try (InputStream in = new FileInputStream(DIGITS_CSV.toFile())) {
                all = DigitsCsv.read(in, "digits.csv");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return all;
    }

    /** {@link Pretraining} on the pre-training rows, with the input scaling folded in: takes raw counts. */
    static synchronized Network pretrainedOnRawCounts() {
        if (pretrained == null) {
            pretrained = InputScaling.foldInto(Pretraining.train(DigitsSplit.pretraining(digits())).network);
        }
        return pretrained.copy();
    }

    /** {@code data} with every image mirrored left-right: a "writer" the pre-trained model has never seen. */
    static Dataset mirrored(Dataset data) {
        float[] src = data.features();
        float[] x = new float[src.length];
        for (int r = 0; r < data.rows(); r++) {
            for (int i = 0; i < DigitSketch.GRID; i++) {
                for (int j = 0; j < DigitSketch.GRID; j++) {
                    x[r * 64 + i * 8 + j] = src[r * 64 + i * 8 + (7 - j)];
                }
            }
        }
        return new Dataset(x, data.labels().clone(), 64, 10, data.classNames(), data.featureNames());
    }

    static Dataset firstRows(Dataset data, int n) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        return data.subset(idx);
    }
}
