package dev.edgetrain.benchmarks;

import dev.edgetrain.benchmarks.peers.DjlTrainee;
import dev.edgetrain.benchmarks.peers.Dl4jTrainee;
import dev.edgetrain.benchmarks.peers.EdgetrainTrainee;
import dev.edgetrain.benchmarks.peers.EncogTrainee;
import dev.edgetrain.benchmarks.peers.SmileTrainee;
import dev.edgetrain.benchmarks.peers.Trainee;
import dev.edgetrain.runtime.kernels.KernelSet;
import java.io.FileWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Proves that every training benchmark measures real training: each library runs the very step the benchmark
 * times for a few epochs, and its held-out accuracy before and after is printed (chance is 10%). A row whose
 * accuracy does not rise fails the check (exit code 1).
 *
 * <p>{@code java -cp benchmarks.jar dev.edgetrain.benchmarks.LearningCheck [--quick] [--out file] peer...}
 * with peers among edgetrain (its plain kernels; also edgetrain-plain), edgetrain-vector (needs
 * {@value Peers#VECTOR_MODULE}), encog, smile (Java 25 only), djl, dl4j.
 */
public final class LearningCheck {
    private LearningCheck() {
    }

    /** A data set, the network trained on it and the epochs run. */
    private static final class Task {
        final String arch;
        final String dataName;
        final Datasets train;
        final Datasets test;
        final int epochs;

        Task(String arch, String dataName, Datasets all, double testFraction, int epochs) {
            this.arch = arch;
            this.dataName = dataName;
            Datasets[] parts = all.shuffled(5).split(testFraction);
            this.train = parts[0];
            this.test = parts[1];
            this.epochs = epochs;
        }
    }

    public static void main(String[] args) {
        boolean quick = false;
        String out = null;
        List<String> peers = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--quick")) {
                quick = true;
            } else if (args[i].equals("--out")) {
                out = args[++i];
            } else {
                peers.add(args[i]);
            }
        }
        if (peers.isEmpty()) {
            peers.add("edgetrain");
        }
        List<Task> tasks = new ArrayList<>();
        tasks.add(new Task("64-32-10", "digits (1,797 x 64)", Datasets.digits(), 0.2, quick ? 3 : 10));
        tasks.add(new Task("784-128-10", "generated (4,096 x 784)",
                Datasets.generated(Datasets.GENERATED_ROWS, 784, 10, 42), 0.2, quick ? 1 : 3));
        if (!quick) {
            tasks.add(new Task("784-256-10", "generated (4,096 x 784)",
                    Datasets.generated(Datasets.GENERATED_ROWS, 784, 10, 42), 0.2, 3));
            tasks.add(new Task("784-128-10", "Fashion-MNIST (12,000 x 784)",
                    Datasets.fashionMnist(true, 12_000), 1.0 / 6, 3));
        }
        List<String> lines = new ArrayList<>();
        boolean failed = false;
        for (String peer : peers) {
            for (Task task : tasks) {
                Architecture arch = Architecture.parse(task.arch);
                long t0 = System.nanoTime();
                try (Trainee trainee = create(peer, arch, task.train, 32, 7)) {
                    double before = trainee.accuracy(task.test);
                    int steps = task.epochs * trainee.batchesPerEpoch();
                    for (int s = 0; s < steps; s++) {
                        trainee.step();
                    }
                    double after = trainee.accuracy(task.test);
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    boolean learned = after >= before + 0.2 && after >= 0.5;
                    failed |= !learned;
                    String line = String.format(Locale.ROOT,
                            "| %s | %s | %s | %d x %d | %.1f%% | %.1f%% | %.1f s | %s |",
                            trainee.name(), task.arch, task.dataName, task.epochs, trainee.batchesPerEpoch(),
                            100 * before, 100 * after, seconds, learned ? "learns" : "DOES NOT LEARN");
                    System.out.println(line);
                    lines.add(line);
                }
            }
        }
        if (out != null) {
            try (PrintWriter w = new PrintWriter(new FileWriter(out, true))) {
                for (String line : lines) {
                    w.println(line);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + out, e);
            }
        }
        if (failed) {
            System.exit(1);
        }
    }

    /** Header of the table {@link #main} prints rows of. */
    public static final String HEADER = "| library | network | data (held-out part) | epochs x batches of 32"
            + " | accuracy before | accuracy after | time | verdict |\n|---|---|---|---|---|---|---|---|";

    static Trainee create(String peer, Architecture arch, Datasets train, int batch, long seed) {
        switch (peer) {
            case "edgetrain":
            case "edgetrain-plain":
                return new EdgetrainTrainee(arch, train, batch, seed, KernelSet.plain());
            case "edgetrain-vector":
                return new EdgetrainTrainee(arch, train, batch, seed, KernelSet.named("vector"));
            case "encog":
                return new EncogTrainee(arch, train, batch, seed);
            case "smile":
                return new SmileTrainee(arch, train, batch, seed);
            case "djl":
                return new DjlTrainee(arch, train, batch, seed);
            case "dl4j":
                return new Dl4jTrainee(arch, train, batch, seed);
            default:
                throw new IllegalArgumentException("unknown peer '" + peer + "', expected one of [edgetrain"
                        + " (= edgetrain-plain), edgetrain-vector, encog, smile, djl, dl4j]");
        }
    }
}
