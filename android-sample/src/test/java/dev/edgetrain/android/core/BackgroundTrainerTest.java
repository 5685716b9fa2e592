package dev.edgetrain.android.core;

import dev.edgetrain.runtime.train.Dataset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackgroundTrainerTest {
    /** Stands in for Android's main thread: one named thread that runs every callback. */
    private ExecutorService ui;
    private BackgroundTrainer trainer;

    @BeforeEach
    void setUp() {
        ui = Executors.newSingleThreadExecutor(r -> new Thread(r, "ui"));
        trainer = new BackgroundTrainer(ui);
    }

    @AfterEach
    void tearDown() {
        trainer.close();
        ui.shutdownNow();
    }

    /** Runs {@code action} on the ui thread and waits for it. */
    private void onUi(Runnable action) throws Exception {
        ui.submit(action).get(10, TimeUnit.SECONDS);
    }

    private static Dataset examples() {
        return TestData.firstRows(DigitsSplit.pickable(TestData.digits()), 40);
    }

    private static final class Recorder implements BackgroundTrainer.Callback {
        final List<String> threads = Collections.synchronizedList(new ArrayList<>());
        final List<Integer> epochs = Collections.synchronizedList(new ArrayList<>());
        final AtomicReference<FineTuneResult> result = new AtomicReference<>();
        final AtomicReference<RuntimeException> error = new AtomicReference<>();
        final CountDownLatch done = new CountDownLatch(1);
        volatile Runnable onFirstEpoch;

        @Override
        public void onProgress(int epoch, int total, float loss, float accuracy) {
            threads.add(Thread.currentThread().getName());
            epochs.add(epoch);
            if (epoch == 1 && onFirstEpoch != null) {
                onFirstEpoch.run();
            }
        }

        @Override
        public void onFinished(FineTuneResult r) {
            threads.add(Thread.currentThread().getName());
            result.set(r);
            done.countDown();
        }

        @Override
        public void onFailed(RuntimeException e) {
            threads.add(Thread.currentThread().getName());
            error.set(e);
            done.countDown();
        }
    }

    @Test
    void trainsOffTheUiThreadAndReportsOnIt() throws Exception {
        Recorder rec = new Recorder();
        onUi(() -> trainer.start(TestData.pretrainedOnRawCounts(), examples(), null,
                FineTuneConfig.defaults(FineTuneMode.OUTPUT_LAYER_ONLY).withEpochs(6), rec));
        assertTrue(rec.done.await(30, TimeUnit.SECONDS));
        assertEquals(6, rec.result.get().epochsRun());
        assertEquals(java.util.Arrays.asList(1, 2, 3, 4, 5, 6), rec.epochs);
        for (String t : rec.threads) {
            assertEquals("ui", t);
        }
        AtomicReference<Boolean> running = new AtomicReference<>();
        onUi(() -> running.set(trainer.isRunning()));
        assertFalse(running.get());
    }

    @Test
    void refusesASecondRunWhileOneIsGoingAndCancelStopsIt() throws Exception {
        Recorder rec = new Recorder();
        AtomicReference<Throwable> second = new AtomicReference<>();
        rec.onFirstEpoch = () -> {
            second.set(assertThrows(IllegalStateException.class, () -> trainer.start(
                    TestData.pretrainedOnRawCounts(), examples(), null,
                    FineTuneConfig.defaults(FineTuneMode.ALL_LAYERS), new Recorder())));
            trainer.cancel();
        };
        onUi(() -> trainer.start(TestData.pretrainedOnRawCounts(), examples(), null,
                FineTuneConfig.defaults(FineTuneMode.ALL_LAYERS).withEpochs(10_000), rec));
        assertTrue(rec.done.await(60, TimeUnit.SECONDS));
        assertNotNull(second.get());
        assertTrue(rec.result.get().cancelled());
        assertTrue(rec.result.get().epochsRun() < 10_000);
    }

    @Test
    void aFailureIsReportedOnTheUiThread() throws Exception {
        Recorder rec = new Recorder();
        Dataset wrongShape = new Dataset(new float[8], new int[] {1, 2}, 4, 10);
        onUi(() -> trainer.start(TestData.pretrainedOnRawCounts(), wrongShape, null,
                FineTuneConfig.defaults(FineTuneMode.ALL_LAYERS), rec));
        assertTrue(rec.done.await(30, TimeUnit.SECONDS));
        assertTrue(rec.error.get() instanceof IllegalArgumentException, String.valueOf(rec.error.get()));
        assertEquals(Collections.singletonList("ui"), rec.threads);
    }

    /** After close() a start is refused with a message, and the trainer does not think a run is going. */
    @Test
    void aClosedTrainerRefusesToStartAndStaysIdle() throws Exception {
        trainer.close();
        AtomicReference<Throwable> refused = new AtomicReference<>();
        AtomicReference<Boolean> running = new AtomicReference<>();
        onUi(() -> {
            refused.set(assertThrows(IllegalStateException.class, () -> trainer.start(TestData.pretrainedOnRawCounts(),
                    examples(), null, FineTuneConfig.defaults(FineTuneMode.ALL_LAYERS), new Recorder())));
            running.set(trainer.isRunning());
        });
        assertTrue(refused.get().getMessage().contains("closed"), refused.get().getMessage());
        assertFalse(running.get(), "no run is going after a refused start");
    }
}
