package dev.edgetrain.fleet.data;

import dev.edgetrain.runtime.Rng;
import dev.edgetrain.runtime.train.Dataset;
import dev.edgetrain.runtime.train.Standardizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Ways to cut a data set into {@link Shard}s, and to put them on Spark one shard per partition.
 *
 * <p>The splits simulate a fleet from one data set: {@link #nonIid} gives each device a few classes (the hard
 * case for federated averaging, as in McMahan et al.'s pathological split), {@link #iid} a random sample of
 * everything; {@link #contiguous} cuts a data set into slices for data-parallel training.
 */
public final class Shards {
    private Shards() {
    }

    /**
     * Each of {@code clients} devices gets rows of exactly {@code classesPerClient} classes. Classes are dealt
     * round-robin over a seeded permutation of the classes (client {@code k} gets permuted classes
     * {@code k·c, k·c+1, …} modulo the class count), and each class's rows, shuffled, are split evenly among
     * the clients holding it. Every row goes to exactly one client.
     *
     * @param data the data set to split
     * @param clients number of devices, at least 1
     * @param classesPerClient classes each device gets, in [1, classes]
     * @param seed seeds the class permutation and the row shuffles
     * @return {@code clients} shards, shard {@code k} with id {@code k} and first row 0, rows copied
     * @throws IllegalArgumentException when some class would reach no client, or a client would get no rows
     */
    public static List<Shard> nonIid(Dataset data, int clients, int classesPerClient, long seed) {
        final int classes = data.classes();
        if (clients < 1) {
            throw new IllegalArgumentException("clients must be >= 1, got " + clients);
        }
        if (classesPerClient < 1 || classesPerClient > classes) {
            throw new IllegalArgumentException("classes per client must be in [1, " + classes + "], got "
                    + classesPerClient);
        }
        if ((long) clients * classesPerClient < classes) {
            throw new IllegalArgumentException(clients + " clients with " + classesPerClient + " classes each cannot"
                    + " cover all " + classes + " classes: rows of some classes would reach no client");
        }
        Rng rng = new Rng(seed);
        int[] classOrder = identity(classes);
        rng.shuffle(classOrder, classes);
        // holders[c]: the clients that hold class c, in client order
        List<List<Integer>> holders = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            holders.add(new ArrayList<>());
        }
        for (int k = 0; k < clients; k++) {
            for (int j = 0; j < classesPerClient; j++) {
                holders.get(classOrder[(k * classesPerClient + j) % classes]).add(k);
            }
        }
        List<List<Integer>> rowsOf = new ArrayList<>();
        for (int k = 0; k < clients; k++) {
            rowsOf.add(new ArrayList<>());
        }
        int[][] byClass = rowsByClass(data);
        for (int c = 0; c < classes; c++) {
            int[] rows = byClass[c];
            rng.shuffle(rows, rows.length);
            List<Integer> h = holders.get(c);
            for (int i = 0; i < rows.length; i++) {
                // contiguous runs of the shuffled rows, as even as integer division allows
                rowsOf.get(h.get((int) ((long) i * h.size() / rows.length))).add(rows[i]);
            }
        }
        return build(data, rowsOf, "non-IID split (" + classesPerClient + " classes per client)");
    }

    /**
     * Each of {@code clients} devices gets an equal share (±1 row) of a seeded shuffle of all rows.
     *
     * @param data the data set to split
     * @param clients number of devices, in [1, rows]
     * @param seed seeds the shuffle
     * @return {@code clients} shards, shard {@code k} with id {@code k} and first row 0, rows copied
     * @throws IllegalArgumentException if {@code clients} is outside [1, rows]
     */
    public static List<Shard> iid(Dataset data, int clients, long seed) {
        if (clients < 1 || clients > data.rows()) {
            throw new IllegalArgumentException("clients must be in [1, " + data.rows()
                    + "] (one row each at least), got " + clients);
        }
        int[] order = identity(data.rows());
        new Rng(seed).shuffle(order, order.length);
        List<List<Integer>> rowsOf = new ArrayList<>();
        for (int k = 0; k < clients; k++) {
            rowsOf.add(new ArrayList<>());
        }
        for (int i = 0; i < order.length; i++) {
            rowsOf.get((int) ((long) i * clients / order.length)).add(order[i]);
        }
        return build(data, rowsOf, "IID split");
    }

    /**
     * {@code parts} slices of consecutive rows (±1 row in size), slice {@code p} starting at global row
     * {@link Shard#firstRow()}: the layout data-parallel training expects.
     *
     * @param data the data set to cut
     * @param parts number of slices, in [1, rows]
     * @return {@code parts} shards, slice {@code p} with id {@code p}, in row order, rows copied
     * @throws IllegalArgumentException if {@code parts} is outside [1, rows]
     */
    public static List<Shard> contiguous(Dataset data, int parts) {
        if (parts < 1 || parts > data.rows()) {
            throw new IllegalArgumentException("parts must be in [1, " + data.rows() + "], got " + parts);
        }
        final int f = data.featureCount();
        List<Shard> shards = new ArrayList<>();
        for (int p = 0; p < parts; p++) {
            int from = (int) ((long) p * data.rows() / parts);
            int to = (int) ((long) (p + 1) * data.rows() / parts);
            shards.add(new Shard(p, from, Arrays.copyOfRange(data.features(), from * f, to * f),
                    Arrays.copyOfRange(data.labels(), from, to), f, data.classes()));
        }
        return shards;
    }

    /**
     * The shards as an RDD with exactly one shard per partition, partition {@code i} holding {@code shards.get(i)}.
     *
     * @param sc the Spark context
     * @param shards the shards, not empty
     * @return an RDD of {@code shards.size()} partitions
     * @throws IllegalArgumentException if there are no shards
     */
    public static JavaRDD<Shard> toRdd(JavaSparkContext sc, List<Shard> shards) {
        if (shards.isEmpty()) {
            throw new IllegalArgumentException("no shards to distribute");
        }
        // parallelize cuts n elements into n slices at positions i·n/n: one element each, in order
        return sc.parallelize(shards, shards.size());
    }

    /**
     * Per-feature mean and standard deviation over all shards, from per-shard counts, means and squared
     * deviations (Chan et al.'s parallel merge) combined on the driver in shard-id order, so the result is the
     * same on every run. Only these statistics leave a shard, not rows. A feature constant over the federation
     * gets std 1, as {@link Standardizer#fit} does.
     *
     * @param shards the shards, one or more, with the same feature count
     * @return the standardizer of the federation's features
     * @throws IllegalArgumentException if there are no shards or their feature counts differ
     */
    public static Standardizer federatedStandardizer(JavaRDD<Shard> shards) {
        List<Moments> parts = new ArrayList<>(shards.map(Moments::of).collect());
        parts.sort((a, b) -> Integer.compare(a.shard, b.shard));
        Moments total = null;
        for (Moments m : parts) {
            total = total == null ? m : total.merge(m);
        }
        if (total == null) {
            throw new IllegalArgumentException("no shards to compute feature statistics over");
        }
        float[] mean = new float[total.mean.length];
        float[] std = new float[total.mean.length];
        for (int j = 0; j < mean.length; j++) {
            mean[j] = (float) total.mean[j];
            float s = (float) Math.sqrt(total.m2[j] / total.count);
            std[j] = s > 1e-12f ? s : 1f;
        }
        return new Standardizer(mean, std);
    }

    /** Count, mean and sum of squared deviations per feature of one shard. */
    static final class Moments implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        final int shard;
        final long count;
        final double[] mean;
        final double[] m2;

        Moments(int shard, long count, double[] mean, double[] m2) {
            this.shard = shard;
            this.count = count;
            this.mean = mean;
            this.m2 = m2;
        }

        static Moments of(Shard s) {
            final int f = s.featureCount();
            final float[] x = s.features();
            double[] mean = new double[f];
            double[] m2 = new double[f];
            for (int r = 0; r < s.rows(); r++) {
                for (int j = 0; j < f; j++) {
                    mean[j] += x[r * f + j];
                }
            }
            for (int j = 0; j < f; j++) {
                mean[j] /= s.rows();
            }
            for (int r = 0; r < s.rows(); r++) {
                for (int j = 0; j < f; j++) {
                    double d = x[r * f + j] - mean[j];
                    m2[j] += d * d;
                }
            }
            return new Moments(s.id(), s.rows(), mean, m2);
        }

        Moments merge(Moments o) {
            if (o.mean.length != mean.length) {
                throw new IllegalArgumentException("shard " + o.shard + " has " + o.mean.length + " features, shard "
                        + shard + " has " + mean.length);
            }
            long n = count + o.count;
            double[] mu = new double[mean.length];
            double[] m = new double[mean.length];
            for (int j = 0; j < mean.length; j++) {
                double delta = o.mean[j] - mean[j];
                mu[j] = mean[j] + delta * o.count / n;
                m[j] = m2[j] + o.m2[j] + delta * delta * ((double) count * o.count / n);
            }
            return new Moments(Math.min(shard, o.shard), n, mu, m);
        }
    }

    private static List<Shard> build(Dataset data, List<List<Integer>> rowsOf, String what) {
        final int f = data.featureCount();
        List<Shard> shards = new ArrayList<>();
        for (int k = 0; k < rowsOf.size(); k++) {
            List<Integer> rows = rowsOf.get(k);
            if (rows.isEmpty()) {
                throw new IllegalArgumentException(what + " of " + data.rows() + " rows gives client " + k
                        + " no rows: use fewer clients");
            }
            float[] x = new float[rows.size() * f];
            int[] y = new int[rows.size()];
            for (int i = 0; i < y.length; i++) {
                int r = rows.get(i);
                System.arraycopy(data.features(), r * f, x, i * f, f);
                y[i] = data.labels()[r];
            }
            shards.add(new Shard(k, 0, x, y, f, data.classes()));
        }
        return shards;
    }

    private static int[][] rowsByClass(Dataset data) {
        int[] counts = new int[data.classes()];
        for (int y : data.labels()) {
            counts[y]++;
        }
        int[][] rows = new int[data.classes()][];
        for (int c = 0; c < rows.length; c++) {
            rows[c] = new int[counts[c]];
        }
        int[] fill = new int[data.classes()];
        for (int r = 0; r < data.rows(); r++) {
            int y = data.labels()[r];
            rows[y][fill[y]++] = r;
        }
        return rows;
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }
}
