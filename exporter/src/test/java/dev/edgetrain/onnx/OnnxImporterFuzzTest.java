package dev.edgetrain.onnx;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.Workspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Coverage-guided fuzzing of {@link OnnxImporter#read(byte[])} with Jazzer: every input ends in a model or in
 * an {@link OnnxImportException} with a message, within {@value #SECONDS_PER_INPUT} s. A model that imports
 * must also run, and survive an export/import round trip bit for bit (its dropout aside: training-only, the export
 * writes none; the saved structured input {@code dropout-is-not-exported-c66f2fc5} was the fuzzer's first such case).
 *
 * <p>In a normal build ({@code ./mvnw verify}) this is a regression test over the seeds: every model in the
 * test resources, a spread of our own exports, and the saved findings in
 * {@code src/test/resources/dev/edgetrain/onnx/OnnxImporterFuzzTestInputs/readEndsInAModelOrAnOnnxImportException}.
 * To fuzz (see the exporter README), one target per run, from the repository root:
 * <pre>
 * JAZZER_FUZZ=1 ./mvnw -B -pl exporter -am test -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dtest='OnnxImporterFuzzTest#readEndsIn*' -Djazzer.max_duration=10m -Djazzer.keep_going=20
 * </pre>
 * ({@code #structuredModelsEnd*} for the other target). {@code JAZZER_FUZZ} also switches on Jazzer's
 * instrumentation (profile {@code jazzer-fuzz} in the pom). New findings land in the inputs directory of the
 * target and become regression cases (list them in {@link FuzzFindingsTest}); the growing corpus is kept in
 * {@code exporter/.cifuzz-corpus}.
 *
 * <p>The time bound is enforced here rather than with JUnit's {@code @Timeout}: that one would also time the
 * installation of Jazzer's agent in the first invocation and, while fuzzing, the whole fuzzing run. Each input
 * runs on a worker thread that is abandoned (and reported with its stack) when it overruns.
 */
class OnnxImporterFuzzTest {
    static final int SECONDS_PER_INPUT = 5;

    private static Thread workerThread;
    /** Outcomes, printed after the class: shows how deep the inputs got. */
    private static final AtomicLong IMPORTED = new AtomicLong();
    private static final AtomicLong REFUSED = new AtomicLong();
    private static ExecutorService worker = newWorker();

    @MethodSource("seedModels")
    @FuzzTest(maxDuration = "30s")
    void readEndsInAModelOrAnOnnxImportException(byte[] input) throws InterruptedException {
        checkWithinTimeLimit(input);
    }

    /**
     * The same property over models assembled from the fuzzer's choices: ops, wiring, attributes and tensors
     * drawn from what the importer reads, so that mutations reach the graph logic instead of protobuf's
     * framing. Fuzz it on its own with {@code -Dtest='OnnxImporterFuzzTest#structuredModelsEnd*'}.
     */
    @FuzzTest(maxDuration = "30s")
    void structuredModelsEndInAModelOrAnOnnxImportException(FuzzedDataProvider data) throws InterruptedException {
        checkWithinTimeLimit(StructuredModels.build(data).toByteArray());
    }

    private static void checkWithinTimeLimit(byte[] input) throws InterruptedException {
        Future<?> run = worker.submit(() -> {
            check(input);
            return null;
        });
        try {
            run.get(SECONDS_PER_INPUT, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            // Rethrow what the importer threw, so Jazzer files the finding under its own stack trace.
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new AssertionError(cause);
        } catch (TimeoutException e) {
            AssertionError hang = new AssertionError("an input of " + input.length + " bytes ran for more than "
                    + SECONDS_PER_INPUT + " s; the importer is stuck at the stack trace below");
            hang.setStackTrace(workerThread.getStackTrace());
            worker.shutdownNow();
            worker = newWorker();
            throw hang;
        }
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "onnx-import-fuzz-worker");
            t.setDaemon(true);
            workerThread = t;
            return t;
        });
    }

    @AfterAll
    static void printOutcomes() {
        System.out.printf("[fuzz] OnnxImporter: %d inputs imported (and ran and round-tripped), %d refused with"
                + " OnnxImportException%n", IMPORTED.get(), REFUSED.get());
    }

    private static void check(byte[] input) {
        ImportedModel model;
        try {
            model = OnnxImporter.read(input);
        } catch (OnnxImportException e) {
            REFUSED.incrementAndGet();
            if (e.getMessage() == null || e.getMessage().isEmpty()) {
                throw new AssertionError("OnnxImportException without a message", e);
            }
            if (e.getMessage().startsWith("the network does not fit in memory")) {
                // The limits are checked before allocating; a fuzz input is small, so this is a missed check.
                throw new AssertionError("an out-of-memory got past the limits: " + e.getMessage(), e);
            }
            return;
        }
        runAndRoundTrip(model);
        IMPORTED.incrementAndGet();
    }

    /** The imported network runs, and exporting and re-importing it gives the same network and outputs. */
    private static void runAndRoundTrip(ImportedModel model) {
        int batch = 3;
        float[] x = new float[batch * model.featureCount()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 7) * 0.25f - 0.75f;
        }
        float[] out = new float[batch * model.classCount()];
        model.predict(new Workspace(model.spec(), batch), x, 0, batch, out, 0);
        byte[] exported = OnnxExporter.toBytes(model.network(), model.exportOptions().build());
        ImportedModel back;
        try {
            back = OnnxImporter.read(exported);
        } catch (OnnxImportException e) {
            throw new AssertionError("our own export of an imported model is refused: " + e.getMessage(), e);
        }
        // Dropout is training-only: our export writes no node for it, so it reads back without (same function).
        assertEquals(TestSupport.withoutDropout(model.spec()), back.spec());
        assertEquals(model.outputKind(), back.outputKind());
        assertArrayEquals(model.classLabels(), back.classLabels());
        assertArrayEquals(model.featureNames(), back.featureNames());
        assertArrayEquals(model.network().copyParameters(), back.network().copyParameters());
        float[] again = new float[out.length];
        back.predict(new Workspace(back.spec(), batch), x, 0, batch, again, 0);
        assertArrayEquals(out, again);
    }

    /** Every model in the test resources, our own exports, and the repository's shipped models. */
    static Stream<Arguments> seedModels() throws IOException {
        List<Arguments> seeds = new ArrayList<>();
        Path tests = TestSupport.onnxTests();
        for (Path p : onnxFiles(tests)) {
            seeds.add(Arguments.of(Named.of(tests.relativize(p).toString(), TestSupport.readBytes(p))));
        }
        Path shipped = Paths.get("..", "models");
        if (Files.isDirectory(shipped)) {
            for (Path p : onnxFiles(shipped)) {
                seeds.add(Arguments.of(Named.of("models/" + p.getFileName(), TestSupport.readBytes(p))));
            }
        }
        for (Export e : exports()) {
            seeds.add(Arguments.of(Named.of("export/" + e.name, OnnxExporter.toBytes(e.network, e.options))));
        }
        return seeds.stream();
    }

    private static List<Path> onnxFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.toString().endsWith(".onnx")).sorted().collect(Collectors.toList());
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private record Export(String name, Network network, ExportOptions options) {
    }

    /** Small networks (fuzzing mutates them fastest) covering every export option. */
    private static List<Export> exports() {
        return Arrays.asList(
                new Export("probabilities-labels-standardizer",
                        TestSupport.randomNetwork(NetworkSpec.of(4, 6, 3), 1),
                        ExportOptions.builder().classLabels(new String[] {"setosa", "versicolor", "virginica"})
                                .featureNames(new String[] {"sl", "sw", "pl", "pw"})
                                .standardizer(new float[] {5.8f, 3f, 3.7f, 1.2f}, new float[] {0.8f, 0.4f, 1.7f, 0.7f})
                                .build()),
                new Export("logits-two-hidden", TestSupport.randomNetwork(NetworkSpec.of(6, new int[] {5, 4}, 3), 2),
                        ExportOptions.builder().output(OutputKind.LOGITS).build()),
                new Export("log-probabilities-no-bias",
                        TestSupport.randomNetwork(NetworkSpec.of(5, 4, 2).withBias(false), 3),
                        ExportOptions.builder().output(OutputKind.LOG_PROBABILITIES).build()),
                new Export("softmax-regression-with-logits-and-metadata",
                        TestSupport.randomNetwork(NetworkSpec.of(2, new int[0], 2), 4),
                        ExportOptions.builder().includeLogits(true).docString("fuzz seed").modelVersion(7)
                                .metadata("edgetrain.training_summary", "epochs=3 accuracy=0.9").build()),
                new Export("mixed-layer-bias",
                        TestSupport.randomNetwork(NetworkSpec.of(3, new int[] {4, 3}, 2)
                                .withLayerBias(new boolean[] {true, false, true}), 5),
                        ExportOptions.defaults()));
    }
}
