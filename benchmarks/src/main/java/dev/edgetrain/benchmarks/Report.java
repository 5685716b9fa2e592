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
 * Turns JMH's JSON results into the markdown tables of RESULTS.md: per row the median time, JMH's 99.9%
 * confidence interval, samples (or rows) per second, GFLOP/s from {@link Architecture}'s multiply-add count,
 * bytes allocated per call ({@code -prof gc}), ratios to each peer, and the targets with a verdict.
 *
 * <p>{@code java -cp benchmarks.jar dev.edgetrain.benchmarks.Report results/jdk17.json results/jdk25.json}
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
        double median;
        double p0;
        double p90;
        double error;
        double mean;
        long samples;
        double bytesPerOp = Double.NaN;

        String key() {
            return benchmark + "|" + jvm + "|" + net + "|" + batch + "|" + threads;
        }
    }

    /** Exact bytes per call on the calling thread by benchmark|net|batch|threads, from {@link AllocationMeter}. */
    static final Map<String, Double> EXACT = new LinkedHashMap<>();

    public static void main(String[] args) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--alloc")) {
                readAllocations(Paths.get(args[++i]));
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
            if (f.length != 6) {
                continue;
            }
            String key = f[0] + "|" + f[1] + "|" + f[2] + "|" + f[3];
            double perCall = Double.parseDouble(f[4]) / Double.parseDouble(f[5]);
            EXACT.merge(key, perCall, Math::max);
        }
    }

    /** JMH's figure, and for edgetrain rows the exact calling-thread figure in brackets when measured. */
    static String allocation(Row r) {
        Double exact = EXACT.get(r.benchmark + "|" + r.net + "|" + r.batch + "|" + r.threads);
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
            r.library = library(r.benchmark);
            r.jvm = "Java " + o.get("jdkVersion").getAsString().split("[.+]")[0];
            JsonObject params = o.getAsJsonObject("params");
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

    static String library(String benchmark) {
        if (benchmark.startsWith("Edgetrain")) {
            return benchmark.endsWith("optimizerStep") ? "edgetrain (optimizer step alone)" : "edgetrain";
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
        sb.append("### Training: one SGD step (forward, backward, update) on a mini-batch, one thread\n\n");
        sb.append("| network | batch | library | threads | JVM | µs/step: median (min–p90) | samples/s | GFLOP/s"
                + " | B/op | edgetrain is × faster |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (String net : nets(rows)) {
            for (int batch : batches(rows, "Training.")) {
                List<Row> group = new ArrayList<>();
                for (Row r : rows) {
                    if (r.benchmark.contains("Training.") && r.net.equals(net) && r.batch == batch) {
                        group.add(r);
                    }
                }
                group.sort((a, b) -> Double.compare(a.median, b.median));
                for (Row r : group) {
                    Architecture arch = Architecture.parse(r.net);
                    boolean optimizerOnly = r.benchmark.endsWith("optimizerStep");
                    double macs = optimizerOnly ? arch.parameters() : arch.trainingMultiplyAdds(r.batch);
                    Row ours = byKey.get("EdgetrainTraining.trainStep|" + r.jvm + "|" + r.net + "|" + r.batch + "|1");
                    String ratio = "";
                    if (!r.library.startsWith("edgetrain") && ours != null) {
                        ratio = String.format(Locale.ROOT, "%.2f×", r.median / ours.median);
                    }
                    sb.append(String.format(Locale.ROOT, "| %s | %d | %s | %d | %s | %s | %s | %.1f | %s | %s |%n",
                            r.net, r.batch, r.library, r.threads, r.jvm, time(r),
                            optimizerOnly ? "" : count(r.batch / r.median * 1e6), 2 * macs / (r.median * 1e3),
                            allocation(r), ratio));
                }
            }
        }
        sb.append("\nGFLOP/s counts 2 FLOPs per multiply-add of the forward pass, the weight gradients, the input"
                + " gradients of every layer but the first, and the SGD update (one per parameter); the optimizer-step"
                + " row counts only the update. \"edgetrain is × faster\" compares with edgetrain on the same JVM,"
                + " one thread."
                + " B/op is JMH's gc.alloc.rate.norm (all threads of the fork, JMH's own included, divided by the"
                + " calls); in brackets, for edgetrain, the exact bytes per call on the calling thread (HotSpot's"
                + " per-thread counter over 2,000 warm calls at the end of each fork). Times are JMH SampleTime"
                + " percentiles of single calls over all forks; the median is robust to the machine's other load,"
                + " the p90 shows how much of it there was.\n\n");

        sb.append("### Inference: class probabilities of a batch into a caller's array\n\n");
        sb.append("| network | batch | runtime | threads | JVM | µs/call: median (min–p90) | rows/s | GFLOP/s | B/op"
                + " | edgetrain is × faster |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (String net : nets(rows)) {
            for (int batch : batches(rows, "Inference.")) {
                List<Row> group = new ArrayList<>();
                for (Row r : rows) {
                    if (r.benchmark.contains("Inference.") && r.net.equals(net) && r.batch == batch) {
                        group.add(r);
                    }
                }
                group.sort((a, b) -> Double.compare(a.median, b.median));
                for (Row r : group) {
                    Architecture arch = Architecture.parse(r.net);
                    Row ours = byKey.get("EdgetrainInference.predictProbabilities|" + r.jvm + "|" + r.net + "|"
                            + r.batch + "|" + r.threads);
                    String ratio = "";
                    if (!r.library.startsWith("edgetrain") && ours != null) {
                        ratio = String.format(Locale.ROOT, "%.2f×", r.median / ours.median);
                    }
                    sb.append(String.format(Locale.ROOT, "| %s | %d | %s | %d | %s | %s | %s | %.1f | %s | %s |%n",
                            r.net, r.batch, r.library, r.threads, r.jvm, time(r), count(r.batch / r.median * 1e6),
                            2.0 * arch.forwardMultiplyAdds(r.batch) / (r.median * 1e3), allocation(r), ratio));
                }
            }
        }
        sb.append("\n\"edgetrain is × faster\" compares with edgetrain at the same thread count on the same JVM.\n\n");
        sb.append(targets(rows, byKey));
        return sb.toString();
    }

    private static String targets(List<Row> rows, Map<String, Row> byKey) {
        StringBuilder sb =
                new StringBuilder("### The issue's targets\n\n| target | measured | verdict |\n|---|---|---|\n");
        String jvm = "Java 17";
        Row ours = byKey.get("EdgetrainInference.predictProbabilities|" + jvm + "|784-128-10|1|1");
        Row ort = byKey.get("OnnxRuntimeInference.run|" + jvm + "|784-128-10|1|1");
        Row ortPinned = byKey.get("OnnxRuntimeInference.runPinned|" + jvm + "|784-128-10|1|1");
        if (ours != null && ort != null) {
            double best = ortPinned != null ? Math.min(ort.median, ortPinned.median) : ort.median;
            double ratio = best / ours.median;
            Double exact = EXACT.get("EdgetrainInference.predictProbabilities|784-128-10|1|1");
            double perCall = exact != null ? exact : ours.bytesPerOp;
            sb.append(String.format(Locale.ROOT,
                    "| inference 784-128-10, batch 1: ≥ 5× lower latency than onnxruntime, 0 B/call"
                    + " | %.2f µs vs %.2f µs (onnxruntime's faster variant): %.2f×; %s B/call%s | %s |%n",
                    ours.median, best, ratio, bytes(perCall), exact != null ? " (exact)" : " (JMH)",
                    verdict(ratio >= 5 && perCall == 0)));
        }
        ours = byKey.get("EdgetrainInference.predictProbabilities|" + jvm + "|784-256-10|256|1");
        ort = byKey.get("OnnxRuntimeInference.run|" + jvm + "|784-256-10|256|1");
        ortPinned = byKey.get("OnnxRuntimeInference.runPinned|" + jvm + "|784-256-10|256|1");
        if (ours != null && ort != null) {
            double best = ortPinned != null ? Math.min(ort.median, ortPinned.median) : ort.median;
            double ratio = best / ours.median;
            sb.append(String.format(Locale.ROOT,
                    "| inference 784-256-10, batch 256: ≥ 0.8× onnxruntime's throughput (one thread each)"
                    + " | %s vs %s rows/s: %.2f× | %s |%n", count(256 / ours.median * 1e6), count(256 / best * 1e6),
                    ratio, verdict(ratio >= 0.8)));
            Row ours2 = byKey.get("EdgetrainInference.predictProbabilities|" + jvm + "|784-256-10|256|2");
            Row ort2 = byKey.get("OnnxRuntimeInference.run|" + jvm + "|784-256-10|256|2");
            if (ours2 != null) {
                double ratio2 = best / ours2.median;
                sb.append(String.format(Locale.ROOT,
                        "| (same, edgetrain with 2 threads vs onnxruntime with 1) | %s vs %s rows/s: %.2f× | %s |%n",
                        count(256 / ours2.median * 1e6), count(256 / best * 1e6), ratio2, verdict(ratio2 >= 0.8)));
                if (ort2 != null) {
                    double ratio3 = ort2.median / ours2.median;
                    sb.append(String.format(Locale.ROOT, "| (same, 2 threads each) | %s vs %s rows/s: %.2f× | %s |%n",
                            count(256 / ours2.median * 1e6), count(256 / ort2.median * 1e6), ratio3,
                            verdict(ratio3 >= 0.8)));
                }
            }
        }
        for (String net : new String[] {"64-32-10", "784-128-10"}) {
            Row mine = byKey.get("EdgetrainTraining.trainStep|" + jvm + "|" + net + "|32|1");
            if (mine == null) {
                continue;
            }
            Row fastest = null;
            for (Row r : rows) {
                if (r.benchmark.contains("Training.trainStep") && !r.library.startsWith("edgetrain")
                        && r.net.equals(net) && r.batch == 32 && (fastest == null || r.median < fastest.median)) {
                    fastest = r;
                }
            }
            if (fastest != null) {
                Row sameJvm = byKey.get("EdgetrainTraining.trainStep|" + fastest.jvm + "|" + net + "|32|1");
                double ratio = fastest.median / mine.median;
                String also = sameJvm != null && !fastest.jvm.equals(jvm) ? String.format(Locale.ROOT,
                        " (edgetrain on %s as well: %.2f×)", fastest.jvm, fastest.median / sameJvm.median) : "";
                sb.append(String.format(Locale.ROOT, "| training %s, batch 32: ≥ 5× the samples/s of the fastest peer"
                        + " | %s vs %s (%s, %s) samples/s: %.2f×%s | %s |%n", net, count(32 / mine.median * 1e6),
                        count(32 / fastest.median * 1e6), fastest.library, fastest.jvm, ratio, also,
                        verdict(ratio >= 5)));
            }
        }
        Row big = byKey.get("EdgetrainTraining.trainStep|" + jvm + "|784-256-10|64|1");
        if (big != null) {
            double gflops = 2.0 * Architecture.parse("784-256-10").trainingMultiplyAdds(64) / (big.median * 1e3);
            sb.append(String.format(Locale.ROOT,
                    "| training 784-256-10, batch 64: ≥ 40 GFLOP/s on one core | %.1f GFLOP/s | %s |%n",
                    gflops, verdict(gflops >= 40)));
        }
        double worst = 0;
        double worstJmh = 0;
        int measured = 0;
        for (Map.Entry<String, Double> e : EXACT.entrySet()) {
            worst = Math.max(worst, e.getValue());
            measured++;
        }
        for (Row r : rows) {
            if (r.library.startsWith("edgetrain") && !Double.isNaN(r.bytesPerOp)) {
                worstJmh = Math.max(worstJmh, r.bytesPerOp);
            }
        }
        if (measured > 0) {
            sb.append(String.format(Locale.ROOT,
                    "| 0 B/op for train step, optimizer step and inference | exactly %s B/call"
                    + " at most on the calling thread over %d edgetrain configurations (JMH's all-thread figure:"
                    + " at most %s B/op) | %s |%n", bytes(worst), measured, bytes(worstJmh), verdict(worst == 0)));
        }
        return sb.toString();
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
