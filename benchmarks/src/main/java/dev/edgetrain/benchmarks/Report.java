package dev.edgetrain.benchmarks;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns JMH's JSON results into the markdown tables of RESULTS.md: per row the median time, samples (or rows) per
 * second, GFLOP/s from {@link Architecture}'s multiply-add count and its share of the core's measured peak
 * ({@code --peak}, from {@code tools.PeakFlops}), bytes allocated per call ({@code -prof gc}), for each edgetrain
 * row (one per kernel set) the ratio to the fastest peer, and the targets with a verdict per kernel set.
 *
 * <p>{@code java -cp benchmarks.jar dev.edgetrain.benchmarks.Report [--peak GFLOPS] [--alloc allocation.txt]
 * results/jdk17.json results/jdk25.json}
 */
public final class Report {
    private Report() {
    }

    /** One JMH result row. */
    static final class Row {
        String benchmark;
        String library;
        String jvm;
        String net;
        int batch;
        int threads = 1;
        /** The edgetrain kernel set ({@code plain} or {@code vector}), empty for the peers. */
        String kernels = "";
        double median;
        double p0;
        double p90;
        double error;
        double mean;
        long samples;
        double bytesPerOp = Double.NaN;

        String key() {
            return Report.key(benchmark, kernels, jvm, net, batch, threads);
        }

        boolean ours() {
            return benchmark.startsWith("Edgetrain");
        }
    }

    static String key(String benchmark, String kernels, String jvm, String net, int batch, int threads) {
        return benchmark + "|" + kernels + "|" + jvm + "|" + net + "|" + batch + "|" + threads;
    }

    /**
     * Exact bytes per call on the calling thread by benchmark|kernels|net|batch|threads, from
     * {@link AllocationMeter}.
     */
    static final Map<String, Double> EXACT = new LinkedHashMap<>();
    /** One core's measured peak FP32 rate in GFLOP/s, or NaN when not given. */
    static double peak = Double.NaN;
    /** The kernel sets in the order of the targets' rows. */
    private static final String[] KERNEL_SETS = {"vector", "plain"};

    public static void main(String[] args) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--alloc")) {
                readAllocations(Paths.get(args[++i]));
            } else if (args[i].equals("--peak")) {
                peak = Double.parseDouble(args[++i]);
            } else {
                rows.addAll(read(Paths.get(args[i])));
            }
        }
        System.out.print(render(rows));
    }

    static void readAllocations(Path file) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] f = line.split("\\|");
            if (f.length != 7) {
                continue;
            }
            String key = f[0] + "|" + f[1] + "|" + f[2] + "|" + f[3] + "|" + f[4];
            double perCall = Double.parseDouble(f[5]) / Double.parseDouble(f[6]);
            EXACT.merge(key, perCall, Math::max);
        }
    }

    /** JMH's figure, and for edgetrain rows the exact calling-thread figure in brackets when measured. */
    static String allocation(Row r) {
        Double exact = EXACT.get(r.benchmark + "|" + r.kernels + "|" + r.net + "|" + r.batch + "|" + r.threads);
        return bytes(r.bytesPerOp) + (exact == null ? "" : " [" + bytes(exact) + "]");
    }

    static List<Row> read(Path file) {
        String text;
        try {
            text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read JMH results " + file, e);
        }
        List<Row> rows = new ArrayList<>();
        for (JsonElement e : JsonParser.parseString(text).getAsJsonArray()) {
            JsonObject o = e.getAsJsonObject();
            Row r = new Row();
            r.benchmark = o.get("benchmark").getAsString().replace("dev.edgetrain.benchmarks.", "");
            r.jvm = "Java " + o.get("jdkVersion").getAsString().split("[.+]")[0];
            JsonObject params = o.getAsJsonObject("params");
            if (params.has("kernels")) {
                r.kernels = params.get("kernels").getAsString();
            }
            r.library = library(r.benchmark, r.kernels);
            r.net = params.get("net").getAsString();
            r.batch = Integer.parseInt(params.get("batch").getAsString());
            if (params.has("threads")) {
                r.threads = Integer.parseInt(params.get("threads").getAsString());
            }
            JsonObject primary = o.getAsJsonObject("primaryMetric");
            r.mean = primary.get("score").getAsDouble();
            r.error = primary.get("scoreError").isJsonPrimitive()
                    ? primary.get("scoreError").getAsDouble() : Double.NaN;
            JsonObject pct = primary.getAsJsonObject("scorePercentiles");
            if (pct != null && pct.has("50.0")) { // SampleTime: percentiles of single calls over all forks
                r.median = pct.get("50.0").getAsDouble();
                r.p0 = pct.get("0.0").getAsDouble();
                r.p90 = pct.get("90.0").getAsDouble();
                JsonArray histogram = primary.getAsJsonArray("rawDataHistogram");
                long n = 0;
                if (histogram != null) {
                    for (JsonElement fork : histogram) {
                        for (JsonElement iteration : (JsonArray) fork) {
                            for (JsonElement bin : (JsonArray) iteration) {
                                n += ((JsonArray) bin).get(1).getAsLong();
                            }
                        }
                    }
                }
                r.samples = n;
            } else { // AverageTime: the median of the iterations' means
                List<Double> values = new ArrayList<>();
                for (JsonElement fork : primary.getAsJsonArray("rawData")) {
                    for (JsonElement v : (JsonArray) fork) {
                        values.add(v.getAsDouble());
                    }
                }
                double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                r.samples = sorted.length;
                r.median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                        : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
                r.p0 = sorted[0];
                r.p90 = sorted[(int) Math.min(sorted.length - 1, Math.round(0.9 * (sorted.length - 1)))];
            }
            JsonObject secondary = o.getAsJsonObject("secondaryMetrics");
            if (secondary != null && secondary.has("gc.alloc.rate.norm")) {
                r.bytesPerOp = secondary.getAsJsonObject("gc.alloc.rate.norm").get("score").getAsDouble();
            }
            rows.add(r);
        }
        return rows;
    }

    static String library(String benchmark, String kernels) {
        if (benchmark.startsWith("Edgetrain")) {
            String set = kernels.isEmpty() ? "" : ", " + kernels + " kernels";
            return benchmark.endsWith("optimizerStep") ? "edgetrain (optimizer step alone" + set + ")"
                    : "**edgetrain" + set + "**";
        }
        if (benchmark.startsWith("OnnxRuntime")) {
            return benchmark.endsWith("runPinned") ? "onnxruntime 1.29.0, pinned output" : "onnxruntime 1.29.0";
        }
        if (benchmark.startsWith("Encog")) {
            return "Encog 3.4";
        }
        if (benchmark.startsWith("Smile")) {
            return "Smile 6.3.0";
        }
        if (benchmark.startsWith("Djl")) {
            return "DJL 0.36.0 + PyTorch 2.7.1";
        }
        if (benchmark.startsWith("Dl4j")) {
            return "DL4J 1.0.0-M2.1";
        }
        return benchmark;
    }

    static String render(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        Map<String, Row> byKey = new LinkedHashMap<>();
        for (Row r : rows) {
            byKey.put(r.key(), r);
        }
        if (!Double.isNaN(peak)) {
            sb.append(String.format(Locale.ROOT, "\"%% of peak\": a row's GFLOP/s over the measured FP32 peak of one"
                    + " core, %.1f GFLOP/s (tools.PeakFlops), times the row's threads.%n%n", peak));
        }
        sb.append("### Training: one SGD step (forward, backward, update) on a mini-batch\n\n");
        sb.append("| network | batch | library | threads | JVM | µs/step: median (min–p90) | samples/s | GFLOP/s"
                + " | % of peak | B/op | × the fastest peer |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (String net : nets(rows)) {
            for (int batch : batches(rows, "Training.")) {
                List<Row> group = group(rows, "Training.", net, batch);
                for (Row r : group) {
                    Architecture arch = Architecture.parse(r.net);
                    boolean optimizerOnly = r.benchmark.endsWith("optimizerStep");
                    double macs = optimizerOnly ? arch.parameters() : arch.trainingMultiplyAdds(r.batch);
                    double gflops = 2 * macs / (r.median * 1e3);
                    sb.append(String.format(Locale.ROOT, "| %s | %d | %s | %d | %s | %s | %s | %.1f | %s | %s | %s |%n",
                            r.net, r.batch, r.library, r.threads, r.jvm, time(r),
                            optimizerOnly ? "" : count(r.batch / r.median * 1e6), gflops, ofPeak(gflops, r.threads),
                            allocation(r), optimizerOnly ? "" : versusFastestPeer(r, group)));
                }
            }
        }
        sb.append("\nGFLOP/s counts 2 FLOPs per multiply-add of the forward pass, the weight gradients, the input"
                + " gradients of every layer but the first, and the SGD update (one per parameter); the optimizer-step"
                + " row counts only the update. \"× the fastest peer\" is, for each edgetrain row, the fastest other"
                + " library's median time at the same network, batch and thread count (on either JVM) over this row's"
                + " (above 1: edgetrain is faster)."
                + " B/op is JMH's gc.alloc.rate.norm (all threads of the fork, JMH's own included, divided by the"
                + " calls); in brackets, for edgetrain, the exact bytes per call on the calling thread (HotSpot's"
                + " per-thread counter over 2,000 warm calls at the end of each fork). Times are JMH SampleTime"
                + " percentiles of single calls over all forks; the median is robust to the machine's other load,"
                + " the p90 shows how much of it there was.\n\n");

        sb.append("### Inference: class probabilities of a batch into a caller's array\n\n");
        sb.append("| network | batch | runtime | threads | JVM | µs/call: median (min–p90) | rows/s | GFLOP/s"
                + " | % of peak | B/op | × the fastest peer |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (String net : nets(rows)) {
            for (int batch : batches(rows, "Inference.")) {
                List<Row> group = group(rows, "Inference.", net, batch);
                for (Row r : group) {
                    Architecture arch = Architecture.parse(r.net);
                    double gflops = 2.0 * arch.forwardMultiplyAdds(r.batch) / (r.median * 1e3);
                    sb.append(String.format(Locale.ROOT, "| %s | %d | %s | %d | %s | %s | %s | %.1f | %s | %s | %s |%n",
                            r.net, r.batch, r.library, r.threads, r.jvm, time(r), count(r.batch / r.median * 1e6),
                            gflops, ofPeak(gflops, r.threads), allocation(r), versusFastestPeer(r, group)));
                }
            }
        }
        sb.append("\n\"× the fastest peer\": onnxruntime's faster variant's median time at the same network, batch and"
                + " thread count over this edgetrain row's (above 1: edgetrain is faster).\n\n");
        sb.append(targets(rows, byKey));
        return sb.toString();
    }

    /** The rows of one network and batch of a table ({@code kind} "Training." or "Inference."), fastest first. */
    private static List<Row> group(List<Row> rows, String kind, String net, int batch) {
        List<Row> group = new ArrayList<>();
        for (Row r : rows) {
            if (r.benchmark.contains(kind) && r.net.equals(net) && r.batch == batch) {
                group.add(r);
            }
        }
        group.sort((a, b) -> Double.compare(a.median, b.median));
        return group;
    }

    /** For an edgetrain row, "1.23× Smile": the fastest peer's median over this row's; empty for the peers. */
    private static String versusFastestPeer(Row ours, List<Row> group) {
        if (!ours.ours()) {
            return "";
        }
        Row fastest = fastestPeer(group, ours.benchmark.contains("Training.") ? "Training.trainStep" : "Inference.",
                ours.threads);
        return fastest == null ? "" : String.format(Locale.ROOT, "%.2f× %s", fastest.median / ours.median,
                shortName(fastest));
    }

    /** The fastest peer row among {@code rows} of that benchmark kind and thread count, or null. */
    private static Row fastestPeer(List<Row> rows, String kind, int threads) {
        Row fastest = null;
        for (Row r : rows) {
            if (!r.ours() && r.benchmark.contains(kind) && r.threads == threads
                    && (fastest == null || r.median < fastest.median)) {
                fastest = r;
            }
        }
        return fastest;
    }

    private static String shortName(Row peer) {
        if (peer.benchmark.startsWith("OnnxRuntime")) {
            return peer.benchmark.endsWith("runPinned") ? "onnxruntime pinned" : "onnxruntime";
        }
        return peer.library.split(" ")[0];
    }

    private static String ofPeak(double gflops, int threads) {
        return Double.isNaN(peak) ? "" : String.format(Locale.ROOT, "%.0f %%", 100 * gflops / (peak * threads));
    }

    private static String targets(List<Row> rows, Map<String, Row> byKey) {
        StringBuilder sb = new StringBuilder("### The issue's targets (single thread, Java 17, per kernel set)\n\n"
                + "| target | kernels | measured | verdict |\n|---|---|---|---|\n");
        String jvm = "Java 17";
        String infer = "EdgetrainInference.predictProbabilities";
        String train = "EdgetrainTraining.trainStep";
        for (String[] nb : new String[][] {{"784-128-10", "32"}, {"784-128-10", "256"}, {"784-256-10", "32"},
                {"784-256-10", "256"}}) {
            int batch = Integer.parseInt(nb[1]);
            Row ort = byKey.get(key("OnnxRuntimeInference.runPinned", "", jvm, nb[0], batch, 1));
            for (String set : KERNEL_SETS) {
                Row ours = byKey.get(key(infer, set, jvm, nb[0], batch, 1));
                if (ours == null || ort == null) {
                    continue;
                }
                double ratio = ort.median / ours.median;
                sb.append(String.format(Locale.ROOT, "| inference %s, batch %d: ≥ 0.7× onnxruntime's throughput"
                        + " (pinned output) | %s | %s vs %s rows/s: %.2f× | %s |%n", nb[0], batch, set,
                        count(batch / ours.median * 1e6), count(batch / ort.median * 1e6), ratio,
                        verdict(ratio >= 0.7)));
            }
        }
        Row ort1 = byKey.get(key("OnnxRuntimeInference.runPinned", "", jvm, "784-128-10", 1, 1));
        for (String set : KERNEL_SETS) {
            Row ours = byKey.get(key(infer, set, jvm, "784-128-10", 1, 1));
            if (ours != null && ort1 != null) {
                double ratio = ort1.median / ours.median;
                sb.append(String.format(Locale.ROOT, "| inference 784-128-10, batch 1: ≥ 1.5× faster than"
                        + " onnxruntime (pinned output) | %s | %.2f µs vs %.2f µs: %.2f× | %s |%n", set,
                        ours.median, ort1.median, ratio, verdict(ratio >= 1.5)));
            }
        }
        for (String set : KERNEL_SETS) {
            Row worst = null;
            Row worstPeer = null;
            int compared = 0;
            for (Row r : rows) {
                if (!r.key().equals(key(train, set, jvm, r.net, r.batch, 1))) {
                    continue;
                }
                Row peer = fastestPeer(group(rows, "Training.", r.net, r.batch), "Training.trainStep", 1);
                if (peer == null) {
                    continue;
                }
                compared++;
                if (worst == null || peer.median / r.median < worstPeer.median / worst.median) {
                    worst = r;
                    worstPeer = peer;
                }
            }
            if (worst != null) {
                double ratio = worstPeer.median / worst.median;
                sb.append(String.format(Locale.ROOT, "| training: ≥ 2× the samples/s of the fastest peer at every"
                        + " network and batch | %s | lowest of %d: %s, batch %d, %s vs %s (%s, %s) samples/s: %.2f× |"
                        + " %s |%n", set, compared, worst.net, worst.batch, count(worst.batch / worst.median * 1e6),
                        count(worstPeer.batch / worstPeer.median * 1e6), shortName(worstPeer), worstPeer.jvm, ratio,
                        verdict(ratio >= 2)));
            }
        }
        for (String set : KERNEL_SETS) {
            Row big = byKey.get(key(train, set, jvm, "784-256-10", 64, 1));
            if (big != null && !Double.isNaN(peak)) {
                double gflops = 2.0 * Architecture.parse("784-256-10").trainingMultiplyAdds(64) / (big.median * 1e3);
                sb.append(String.format(Locale.ROOT, "| training 784-256-10, batch 64: ≥ 50 %% of the core's peak"
                        + " (%.1f GFLOP/s measured) | %s | %.1f GFLOP/s: %.0f %% | %s |%n", peak, set, gflops,
                        100 * gflops / peak, verdict(gflops >= 0.5 * peak)));
            }
        }
        for (String set : KERNEL_SETS) {
            scaling(sb, byKey, set, train, jvm, "784-256-10", 64, "training");
            scaling(sb, byKey, set, infer, jvm, "784-256-10", 256, "inference");
        }
        double worst = 0;
        double worstJmh = 0;
        int measured = 0;
        for (Map.Entry<String, Double> e : EXACT.entrySet()) {
            worst = Math.max(worst, e.getValue());
            measured++;
        }
        for (Row r : rows) {
            if (r.ours() && !Double.isNaN(r.bytesPerOp)) {
                worstJmh = Math.max(worstJmh, r.bytesPerOp);
            }
        }
        if (measured > 0) {
            sb.append(String.format(Locale.ROOT,
                    "| 0 B/call for train step, optimizer step and inference | both | exactly %s B/call"
                    + " at most on the calling thread over %d edgetrain configurations (JMH's all-thread figure:"
                    + " at most %s B/op) | %s |%n", bytes(worst), measured, bytes(worstJmh), verdict(worst == 0)));
        }
        return sb.toString();
    }

    /** The 2-thread target row: 2 threads ≥ 1.7× one thread, when both rows were measured. */
    private static void scaling(StringBuilder sb, Map<String, Row> byKey, String set, String benchmark, String jvm,
                                String net, int batch, String what) {
        Row one = byKey.get(key(benchmark, set, jvm, net, batch, 1));
        Row two = byKey.get(key(benchmark, set, jvm, net, batch, 2));
        if (one != null && two != null) {
            double ratio = one.median / two.median;
            sb.append(String.format(Locale.ROOT, "| %s %s, batch %d: 2 threads ≥ 1.7× one thread | %s | %s vs %s µs:"
                    + " %.2f× | %s |%n", what, net, batch, set, fmt(two.median), fmt(one.median), ratio,
                    verdict(ratio >= 1.7)));
        }
    }

    private static String verdict(boolean met) {
        return met ? "met" : "**not met**";
    }

    private static String time(Row r) {
        return String.format(Locale.ROOT, "%s (%s–%s)", fmt(r.median), fmt(r.p0), fmt(r.p90));
    }

    private static String fmt(double us) {
        return us >= 100 ? String.format(Locale.ROOT, "%.0f", us) : us >= 10 ? String.format(Locale.ROOT, "%.1f", us)
                : String.format(Locale.ROOT, "%.2f", us);
    }

    private static String count(double perSecond) {
        if (perSecond >= 1e6) {
            return String.format(Locale.ROOT, "%.2f M", perSecond / 1e6);
        }
        if (perSecond >= 1e3) {
            return String.format(Locale.ROOT, "%.1f k", perSecond / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", perSecond);
    }

    private static String bytes(double b) {
        if (Double.isNaN(b)) {
            return "n/a";
        }
        return b < 10 ? String.format(Locale.ROOT, "%.2f", b) : String.format(Locale.ROOT, "%.0f", b);
    }

    private static List<String> nets(List<Row> rows) {
        List<String> nets = new ArrayList<>();
        for (String n : Arrays.asList("64-32-10", "784-128-10", "784-256-10")) {
            for (Row r : rows) {
                if (r.net.equals(n) && !nets.contains(n)) {
                    nets.add(n);
                }
            }
        }
        return nets;
    }

    private static List<Integer> batches(List<Row> rows, String kind) {
        List<Integer> b = new ArrayList<>();
        for (Row r : rows) {
            if (r.benchmark.contains(kind) && !b.contains(r.batch)) {
                b.add(r.batch);
            }
        }
        b.sort(Integer::compare);
        return b;
    }
}
