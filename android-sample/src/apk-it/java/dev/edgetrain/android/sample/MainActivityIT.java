package dev.edgetrain.android.sample;

import android.os.SystemClock;
import android.view.MotionEvent;
import android.widget.TextView;

import dev.edgetrain.android.core.ModelStore;
import dev.edgetrain.onnx.ImportedModel;
import dev.edgetrain.onnx.OnnxImporter;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.Robolectric;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.android.controller.ActivityController;
import org.robolectric.annotation.Config;
import org.robolectric.shadows.ShadowLooper;

import java.io.File;
import java.io.IOException;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

/**
 * The Activity on Robolectric's Android 15 (a JVM, not ART): it inflates the real layout from the aapt2
 * resources, reads the shipped assets, trains on its background thread, reports on the main looper and
 * exports a file that reads back.
 */
@RunWith(RobolectricTestRunner.class)
@Config(sdk = 35)
public class MainActivityIT {
    private static String text(MainActivity a, int id) {
        return ((TextView) a.findViewById(id)).getText().toString();
    }

    /** Runs the main looper until {@code id}'s text contains {@code expected}, or fails after 60 s. */
    private static void idleUntil(MainActivity a, int id, String expected) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (!text(a, id).contains(expected)) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("'" + expected + "' never shown; view says: " + text(a, id));
            }
            Thread.sleep(10);
            ShadowLooper.idleMainLooper();
        }
    }

    @Test
    public void startsWithTheShippedModelFineTunesAndExportsToAppStorage() throws Exception {
        try (ActivityController<MainActivity> controller = Robolectric.buildActivity(MainActivity.class)) {
            MainActivity a = controller.setup().get();
            assertTrue(text(a, R.id.model_status), text(a, R.id.model_status).startsWith("digits-base.onnx\n64-32-10"));
            assertTrue(text(a, R.id.model_status), text(a, R.id.model_status).contains("of 397 held-out rows"));

            a.findViewById(R.id.add_rows).performClick();
            assertTrue(text(a, R.id.examples_summary), text(a, R.id.examples_summary).startsWith("20 examples"));

            a.findViewById(R.id.train).performClick();
            assertTrue("cancel is enabled while training", a.findViewById(R.id.cancel).isEnabled());
            assertFalse("export waits for training", a.findViewById(R.id.export).isEnabled());
            idleUntil(a, R.id.training_status, "epochs on 20 examples (output layer)");
            assertTrue(a.findViewById(R.id.export).isEnabled());
            assertTrue(text(a, R.id.model_status),
                    text(a, R.id.model_status).startsWith("digits-base.onnx, fine-tuned 1"));

            a.findViewById(R.id.export).performClick();
            String info = text(a, R.id.export_info);
            assertTrue(info, info.startsWith(ModelStore.EXPORT_FILE + ": "));
            assertTrue(info, info.contains("edgetrain.finetune.mode = OUTPUT_LAYER_ONLY"));
            File file = new File(new File(a.getFilesDir(), ModelStore.EXPORT_DIR), ModelStore.EXPORT_FILE);
            assertTrue(file + " exists", file.isFile());
            ImportedModel back = OnnxImporter.read(file);
            assertEquals(Long.valueOf(2L), back.modelVersion());
            assertEquals("20", back.metadata().get("edgetrain.finetune.examples"));
        }
    }

    @Test
    public void drawingOnTheGridAsksTheModel() {
        try (ActivityController<MainActivity> controller = Robolectric.buildActivity(MainActivity.class)) {
            MainActivity a = controller.setup().get();
            DigitGridView grid = (DigitGridView) a.findViewById(R.id.grid);
            grid.layout(0, 0, 320, 320);
            long t = SystemClock.uptimeMillis();
            grid.dispatchTouchEvent(MotionEvent.obtain(t, t, MotionEvent.ACTION_DOWN, 160, 30, 0));
            grid.dispatchTouchEvent(MotionEvent.obtain(t, t + 50, MotionEvent.ACTION_MOVE, 160, 290, 0));
            grid.dispatchTouchEvent(MotionEvent.obtain(t, t + 60, MotionEvent.ACTION_UP, 160, 290, 0));
            assertTrue(text(a, R.id.prediction), text(a, R.id.prediction).startsWith("the model says "));

            a.findViewById(R.id.clear).performClick();
            assertEquals(a.getString(R.string.draw_hint), text(a, R.id.prediction));
        }
    }

    @Test
    public void rotationKeepsTheExamplesAndTheModel() throws IOException {
        try (ActivityController<MainActivity> controller = Robolectric.buildActivity(MainActivity.class)) {
            MainActivity a = controller.setup().get();
            a.findViewById(R.id.pick_row).performClick();
            assertTrue(text(a, R.id.prediction), text(a, R.id.prediction).startsWith("data set row "));
            a.findViewById(R.id.add_rows).performClick();
            a.findViewById(R.id.use_fresh).performClick();
            String model = text(a, R.id.model_status);
            assertTrue(model, model.startsWith("fresh network (seed "));

            MainActivity recreated = controller.recreate().get();
            assertTrue(recreated != a);
            assertTrue(text(recreated, R.id.examples_summary).startsWith("20 examples"));
            assertEquals(model, text(recreated, R.id.model_status));
        }
    }
}
