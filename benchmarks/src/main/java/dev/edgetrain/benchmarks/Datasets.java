package dev.edgetrain.benchmarks;

import dev.edgetrain.runtime.Rng;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The data the benchmarks train and infer on, as flat row-major {@code float[] x [rows][features]} and
 * {@code int[] y [rows]}:
 * <ul>
 *   <li>digits (1,797 × 64, 10 classes) from the project's shared data, pixel counts 0–16 scaled to [0, 1];</li>
 *   <li>generated MNIST-sized data (784 features, 10 classes): Gaussian noise around a random prototype per
 *       class, so a network can learn it (the accuracy check proves the step is not a no-op) and every value is
 *       dense (no zeros for any kernel to skip: the FLOP rate is the dense one);</li>
 *   <li>Fashion-MNIST (Debian's {@code dataset-fashion-mnist}), for the learning check on real 784-wide data.</li>
 * </ul>
 */
public final class Datasets {
    /** Rows of the generated 784-wide set: 12.8 MB of floats, comparable to a shuffled epoch's working set. */
    public static final int GENERATED_ROWS = 4096;
    private static final String FASHION_DIR = "/usr/share/datasets/fashion-mnist";

    public final float[] x;
    public final int[] y;
    public final int rows;
    public final int features;
    public final int classes;
    public final String name;

    public Datasets(String name, float[] x, int[] y, int features, int classes) {
        this.name = name;
        this.x = x;
        this.y = y;
        this.rows = y.length;
        this.features = features;
        this.classes = classes;
    }

    /** The data set a benchmark of {@code arch} trains on: digits for 64 inputs, generated data otherwise. */
    public static Datasets forArchitecture(Architecture arch) {
        if (arch.inputs() == 64 && arch.classes() == 10) {
            return digits();
        }
        return generated(GENERATED_ROWS, arch.inputs(), arch.classes(), 42);
    }

    /** digits.csv: header row, 64 pixel counts, then the digit. */
    public static Datasets digits() {
        File file = locate("digits.csv");
        List<float[]> rows = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file.toPath(), StandardCharsets.UTF_8)) {
            String line = in.readLine(); // header
            int lineNo = 1;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isEmpty()) {
                    continue;
                }
                String[] cells = line.split(",");
                if (cells.length != 65) {
                    throw new IllegalStateException(file + " line " + lineNo + ": expected 65 columns, got "
                            + cells.length);
                }
                float[] r = new float[64];
                for (int c = 0; c < 64; c++) {
                    r[c] = Float.parseFloat(cells[c]) / 16f;
                }
                rows.add(r);
                labels.add(Integer.parseInt(cells[64].trim()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        float[] x = new float[rows.size() * 64];
        int[] y = new int[rows.size()];
        for (int r = 0; r < y.length; r++) {
            System.arraycopy(rows.get(r), 0, x, r * 64, 64);
            y[r] = labels.get(r);
        }
        return new Datasets("digits", x, y, 64, 10);
    }

    /**
     * Finds a file of the project's shared data: {@code $EDGETRAIN_DATA}, then ../shared/data, then /work/shared/data.
     */
    static File locate(String fileName) {
        List<File> tried = new ArrayList<>();
        String env = System.getenv("EDGETRAIN_DATA");
        if (env != null) {
            tried.add(new File(env, fileName));
        }
        tried.add(new File("../shared/data", fileName));
        tried.add(new File("/work/shared/data", fileName));
        for (File f : tried) {
            if (f.isFile()) {
                return f;
            }
        }
        throw new IllegalStateException(fileName + " not found; looked at " + tried
                + " (set EDGETRAIN_DATA to the folder that holds it)");
    }

    /**
     * Rows {@code x = 0.25·μ_c + N(0, 1)} of a class {@code c} drawn uniformly, with a fixed random prototype
     * {@code μ_c ~ N(0, 1)^features} per class: dense values, and a structure a network learns in an epoch.
     */
    public static Datasets generated(int rows, int features, int classes, long seed) {
        Rng rng = new Rng(seed);
        float[] prototypes = new float[classes * features];
        for (int i = 0; i < prototypes.length; i++) {
            prototypes[i] = (float) rng.nextGaussian();
        }
        float[] x = new float[rows * features];
        int[] y = new int[rows];
        for (int r = 0; r < rows; r++) {
            final int c = rng.nextInt(classes);
            y[r] = c;
            for (int i = 0; i < features; i++) {
                x[r * features + i] = (float) (0.25 * prototypes[c * features + i] + rng.nextGaussian());
            }
        }
        return new Datasets("generated-" + features, x, y, features, classes);
    }

    /** Fashion-MNIST's training or test part, pixels scaled to [0, 1]; at most {@code maxRows} rows. */
    public static Datasets fashionMnist(boolean train, int maxRows) {
        String prefix = train ? "train" : "t10k";
        File images = new File(FASHION_DIR, prefix + "-images-idx3-ubyte.gz");
        File labels = new File(FASHION_DIR, prefix + "-labels-idx1-ubyte.gz");
        if (!images.isFile() || !labels.isFile()) {
            throw new IllegalStateException("Fashion-MNIST not found at " + FASHION_DIR
                    + " (install it: apt-get install -y dataset-fashion-mnist)");
        }
        try (DataInputStream img = gz(images); DataInputStream lab = gz(labels)) {
            expect(img.readInt(), 2051, images);
            int n = img.readInt();
            int h = img.readInt();
            int w = img.readInt();
            expect(lab.readInt(), 2049, labels);
            int nl = lab.readInt();
            if (nl != n) {
                throw new IllegalStateException(labels + " has " + nl + " labels for " + n + " images");
            }
            int rows = Math.min(n, maxRows);
            int features = h * w;
            byte[] pixels = new byte[rows * features];
            img.readFully(pixels);
            byte[] lb = new byte[rows];
            lab.readFully(lb);
            float[] x = new float[pixels.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = (pixels[i] & 0xff) / 255f;
            }
            int[] y = new int[rows];
            for (int r = 0; r < rows; r++) {
                y[r] = lb[r];
            }
            return new Datasets("fashion-mnist-" + prefix, x, y, features, 10);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Fashion-MNIST from " + FASHION_DIR, e);
        }
    }

    private static DataInputStream gz(File f) throws IOException {
        InputStream in = new GZIPInputStream(new FileInputStream(f), 1 << 16);
        return new DataInputStream(new java.io.BufferedInputStream(in, 1 << 16));
    }

    private static void expect(int magic, int expected, File f) {
        if (magic != expected) {
            throw new IllegalStateException(f + ": IDX magic " + magic + ", expected " + expected);
        }
    }

    /** The first {@code n} rows. */
    public Datasets head(int n) {
        int r = Math.min(n, rows);
        float[] hx = new float[r * features];
        System.arraycopy(x, 0, hx, 0, hx.length);
        int[] hy = new int[r];
        System.arraycopy(y, 0, hy, 0, r);
        return new Datasets(name, hx, hy, features, classes);
    }

    /** Rows {@code [from, to)} as double[][] (the layout Smile and Encog take). */
    public double[][] rowsAsDoubles(int from, int to) {
        double[][] d = new double[to - from][features];
        for (int r = from; r < to; r++) {
            for (int c = 0; c < features; c++) {
                d[r - from][c] = x[r * features + c];
            }
        }
        return d;
    }

    /** The rows in a seeded random order (digits.csv is ordered by writer, so split after shuffling). */
    public Datasets shuffled(long seed) {
        int[] order = new int[rows];
        for (int i = 0; i < rows; i++) {
            order[i] = i;
        }
        new Rng(seed).shuffle(order, rows);
        float[] sx = new float[x.length];
        int[] sy = new int[rows];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(x, order[r] * features, sx, r * features, features);
            sy[r] = y[order[r]];
        }
        return new Datasets(name, sx, sy, features, classes);
    }

    /** Splits off the last {@code fraction} of rows as a test part: returns {train, test}. */
    public Datasets[] split(double fraction) {
        int test = (int) Math.round(rows * fraction);
        int train = rows - test;
        float[] tx = new float[train * features];
        float[] vx = new float[test * features];
        System.arraycopy(x, 0, tx, 0, tx.length);
        System.arraycopy(x, tx.length, vx, 0, vx.length);
        int[] ty = new int[train];
        int[] vy = new int[test];
        System.arraycopy(y, 0, ty, 0, train);
        System.arraycopy(y, train, vy, 0, test);
        return new Datasets[] {new Datasets(name + "-train", tx, ty, features, classes),
            new Datasets(name + "-test", vx, vy, features, classes)};
    }
}
