package dev.edgetrain.android.core;

import dev.edgetrain.onnx.ImportedModel;
import dev.edgetrain.onnx.OnnxImporter;
import dev.edgetrain.runtime.train.Evaluation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Queue;
import java.util.concurrent.Executor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The app's whole flow without Android: shipped model → examples → fine-tune → export → read back. */
class DigitsWorkbenchTest {
    /** A stand-in for the main thread's message queue, drained by the test. */
    private static final class Looper implements Executor {
        final Queue<Runnable> queue = new ArrayDeque<>();

        @Override
        public synchronized void execute(Runnable r) {
            queue.add(r);
            notifyAll();
        }

        /** Runs posted callbacks until {@code workbench} has no training left. */
        void loopUntilIdle(DigitsWorkbench workbench) throws InterruptedException {
            long deadline = System.currentTimeMillis() + 60_000;
            while (workbench.isTraining()) {
                Runnable next;
                synchronized (this) {
                    while (queue.isEmpty()) {
                        long left = deadline - System.currentTimeMillis();
                        if (left <= 0) {
                            throw new AssertionError("training did not finish in 60 s");
                        }
                        wait(left);
                    }
                    next = queue.poll();
                }
                next.run();
            }
        }
    }

    private static final class Recorder implements DigitsWorkbench.Listener {
        int progressCalls;
        FineTuneResult finished;
        RuntimeException failed;

        @Override
        public void onTrainingProgress(int epoch, int epochs, float loss, float accuracy) {
            progressCalls++;
        }

        @Override
        public void onTrainingFinished(FineTuneResult result) {
            finished = result;
        }

        @Override
        public void onTrainingFailed(RuntimeException error) {
            failed = error;
        }
    }

    private static ImportedModel shipped() throws IOException {
        byte[] bytes = ShippedModelBuilder.build(TestData.digits());
        return ModelStore.readDigitsModel(new ByteArrayInputStream(bytes), "digits-base.onnx");
    }

    private static DigitsWorkbench open(Looper looper) throws IOException {
        return new DigitsWorkbench(TestData.digits(), shipped(), ModelStore.SHIPPED_ASSET, looper, 42L);
    }

    @Test
    void startsWithTheShippedModelWhichReadsHeldOutRowsWell() throws IOException {
        try (DigitsWorkbench wb = open(new Looper())) {
            assertEquals("digits-base.onnx", wb.modelOrigin());
            assertEquals(1L, wb.modelVersion());
            Evaluation e = wb.evaluate();
            assertEquals(397, e.rows());
            assertTrue(e.accuracy() > 0.90, e.toString());
            assertNull(wb.predictSketch(), "nothing drawn yet");
        }
    }

    @Test
    void aShownRowIsPredictedAndCanBeAddedWithItsLabel() throws IOException {
        try (DigitsWorkbench wb = open(new Looper())) {
            int label = wb.showRow(5);
            assertEquals(5, wb.shownRow());
            assertEquals(label, wb.pickableLabel(5));
            Prediction p = wb.predictSketch();
            assertNotNull(p);
            float sum = 0;
            for (float v : p.probabilities()) {
                sum += v;
            }
            assertEquals(1f, sum, 1e-5f);
            wb.addSketchAs(label);
            assertEquals(1, wb.examples().count(ExampleSet.Source.DATA_SET_ROW));
            assertThrows(IllegalArgumentException.class, () -> wb.showRow(400));
        }
    }

    @Test
    void drawingsAreAddedAsDrawnExamplesAndAnEmptySketchIsRefused() throws IOException {
        try (DigitsWorkbench wb = open(new Looper())) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> wb.addSketchAs(1));
            assertTrue(e.getMessage().startsWith("nothing drawn"), e.getMessage());
            wb.sketch().penDown(0.5f, 0.1f);
            wb.sketch().penMove(0.5f, 0.9f);
            assertEquals(-1, wb.shownRow());
            assertNotNull(wb.predictSketch());
            wb.addSketchAs(1);
            assertEquals(1, wb.examples().count(ExampleSet.Source.DRAWN));
        }
    }

    @Test
    void fineTunesInTheBackgroundThenExportsAFileThatReadsBackWithItsHistory(@TempDir Path dir)
            throws Exception {
        Looper looper = new Looper();
        Recorder rec = new Recorder();
        try (DigitsWorkbench wb = open(looper)) {
            wb.setListener(rec);
            assertEquals(60, wb.addRandomRows(60));
            float[] before = wb.model().copyParameters();
            wb.startFineTuning(FineTuneConfig.defaults(FineTuneMode.OUTPUT_LAYER_ONLY).withEpochs(10));
            assertTrue(wb.isTraining());
            assertThrows(IllegalStateException.class, wb::useShippedModel, "no model switch while training");
            looper.loopUntilIdle(wb);

            assertNull(rec.failed);
            assertEquals(10, rec.progressCalls);
            assertFalse(rec.finished.cancelled());
            assertFalse(Arrays.equals(before, wb.model().copyParameters()), "the fine-tuned copy is now the model");
            assertEquals("digits-base.onnx, fine-tuned 1\u00d7", wb.modelOrigin());
            assertEquals(2L, wb.modelVersion());

            File file = dir.resolve("models").resolve(ModelStore.EXPORT_FILE).toFile();
            ExportReport report = wb.exportModel(file);
            assertEquals(Files.size(file.toPath()), report.sizeBytes());
            assertEquals(397, report.checkedRows());
            assertTrue(report.maxProbabilityDifference() <= 1e-5f);

            ImportedModel back = OnnxImporter.read(file);
            assertArrayEquals(wb.model().copyParameters(), back.network().copyParameters());
            assertEquals(Long.valueOf(2L), back.modelVersion());
            assertArrayEquals(DigitsCsv.classNames(), back.classLabels());
            assertEquals("pixel_7_7", back.featureNames()[63]);
            assertEquals("digits-base.onnx", back.metadata().get("edgetrain.sample.base"));
            assertEquals("1", back.metadata().get("edgetrain.sample.finetune_runs"));
            assertEquals("OUTPUT_LAYER_ONLY", back.metadata().get("edgetrain.finetune.mode"));
            assertEquals("60", back.metadata().get("edgetrain.finetune.examples"));
            assertEquals(ModelStore.DATA_VALUE, back.metadata().get(ModelStore.DATA_KEY));
            assertNotNull(back.metadata().get("edgetrain.pretrain.heldout_accuracy"), "the shipped record is kept");
            assertTrue(report.describe().contains("digits-personal.onnx: " + String.format(java.util.Locale.ROOT, "%,d",
                    report.sizeBytes()) + " bytes"), report.describe());
            assertTrue(report.describe().contains("edgetrain.finetune.mode = OUTPUT_LAYER_ONLY"), report.describe());
        }
    }

    @Test
    void aCancelledRunLeavesTheModelAsItWas() throws Exception {
        Looper looper = new Looper();
        Recorder rec = new Recorder();
        try (DigitsWorkbench wb = open(looper)) {
            wb.setListener(rec);
            wb.addRandomRows(30);
            float[] before = wb.model().copyParameters();
            wb.startFineTuning(FineTuneConfig.defaults(FineTuneMode.ALL_LAYERS).withEpochs(10_000));
            wb.cancelFineTuning();
            looper.loopUntilIdle(wb);
            assertTrue(rec.finished.cancelled());
            assertArrayEquals(before, wb.model().copyParameters());
            assertEquals("digits-base.onnx", wb.modelOrigin());
        }
    }

    @Test
    void aFreshNetworkLearnsFromPickedRows() throws Exception {
        Looper looper = new Looper();
        try (DigitsWorkbench wb = open(looper)) {
            wb.useFreshNetwork(3);
            assertEquals(0L, wb.modelVersion());
            double untrained = wb.evaluate().accuracy();
            wb.addRandomRows(200);
            wb.startFineTuning(FineTuneConfig.defaults(FineTuneMode.ALL_LAYERS));
            looper.loopUntilIdle(wb);
            double trained = wb.evaluate().accuracy();
            assertTrue(untrained < 0.3 && trained > 0.7, untrained + " -> " + trained);
            assertEquals("fresh network (seed 3), fine-tuned 1\u00d7", wb.modelOrigin());
        }
    }

    @Test
    void exportingWhereNoDirectoryCanBeMadeFailsWithAMessageNamingIt(@TempDir Path dir) throws IOException {
        try (DigitsWorkbench wb = open(new Looper())) {
            File blocker = dir.resolve("blocker").toFile();
            Files.write(blocker.toPath(), new byte[] {1});
            IOException e = assertThrows(IOException.class,
                    () -> wb.exportModel(new File(new File(blocker, "models"), "x.onnx")));
            assertTrue(e.getMessage().startsWith("cannot create directory " + new File(blocker, "models")),
                    e.getMessage());
            assertArrayEquals(new byte[] {1}, Files.readAllBytes(blocker.toPath()));
        }
    }

    @Test
    void refusesAModelOfTheWrongShapeNamingTheSource() {
        byte[] notOnnx = {1, 2, 3, 4};
        IOException e = assertThrows(IOException.class,
                () -> ModelStore.readDigitsModel(new ByteArrayInputStream(notOnnx), "assets/broken.onnx"));
        assertTrue(e.getMessage().startsWith("assets/broken.onnx: "), e.getMessage());
    }
}
