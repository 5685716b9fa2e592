package dev.edgetrain.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
    @TempDir
    File dir;

    private File touch(String name, long ageMillis) throws IOException {
        File f = new File(dir, name);
        Files.write(f.toPath(), new byte[] {1});
        assertTrue(f.setLastModified(System.currentTimeMillis() - ageMillis));
        return f;
    }

    @Test
    void temporaryFilesLeftByAKilledWriterAreRemovedByTheNextWriteOfTheSameTarget() throws IOException {
        File target = new File(dir, "model.onnx");
        File stale = touch(".model.onnx.123456.tmp", AtomicFile.STALE_TEMP_MILLIS + 60_000);
        File fresh = touch(".model.onnx.654321.tmp", 1_000); // maybe another writer's, in progress
        File otherTargets = touch(".run.ckpt.42.tmp", AtomicFile.STALE_TEMP_MILLIS + 60_000);
        File unrelated = touch("notes.tmp", AtomicFile.STALE_TEMP_MILLIS + 60_000);
        AtomicFile.write(target, out -> out.write(new byte[] {7, 8}));
        assertArrayEquals(new byte[] {7, 8}, Files.readAllBytes(target.toPath()));
        assertFalse(stale.exists(), "a stale temporary file of this target is removed");
        assertTrue(fresh.exists(), "a recent one may be a concurrent write: kept");
        assertTrue(otherTargets.exists() && unrelated.exists(), "other files are not touched");
        assertEquals(5 - 1, dir.list().length);
    }
}
