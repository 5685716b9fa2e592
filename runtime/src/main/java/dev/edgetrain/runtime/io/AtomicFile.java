package dev.edgetrain.runtime.io;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Replaces a file atomically: the content goes to a temporary file in the target's directory, which is
 * flushed to the device ({@code fsync}) and then renamed over the target. Readers see the old file or the
 * new one, never a half-written one, and a failure at any step (including a crash) leaves the old file
 * as it was; the temporary file is deleted on failure.
 */
public final class AtomicFile {
    /** Writes the whole content to {@code out}; it must not close it. */
    public interface Content {
        /**
         * Writes the content to {@code out}, without closing it.
         *
         * @param out the temporary file's stream
         * @throws IOException when writing fails; the target is then left as it was
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * A temporary file of ours older than this was left by a writer that died (a crash or {@code kill -9}
     * between creating it and the rename); the next write of the same target removes it. Far longer than any
     * write takes, so a concurrent writer's file in progress is never touched.
     */
    static final long STALE_TEMP_MILLIS = 10 * 60 * 1000L;

    private AtomicFile() {
    }

    /**
     * Atomically replaces (or creates) {@code target} with what {@code content} writes.
     *
     * @param target the file to replace or create; its directory must exist
     * @param content writes the new bytes
     * @throws IOException when the directory is missing, the target is a directory, or a write, sync or rename fails
     */
    public static void write(File target, Content content) throws IOException {
        if (target == null || content == null) {
            throw new IllegalArgumentException("target and content must not be null");
        }
        File absolute = target.getAbsoluteFile();
        File dir = absolute.getParentFile();
        if (dir == null || !dir.isDirectory()) {
            throw new IOException("cannot write '" + target + "': directory '" + dir + "' does not exist");
        }
        if (absolute.isDirectory()) {
            throw new IOException("cannot write '" + target + "': it is a directory");
        }
        removeStaleTemporaries(dir, absolute.getName());
        // Same directory, so the rename stays on one file system and is atomic.
        File temp = File.createTempFile("." + absolute.getName() + ".", ".tmp", dir);
        boolean done = false;
        try {
            FileOutputStream out = new FileOutputStream(temp);
            try {
                content.writeTo(out);
                out.flush();
                out.getFD().sync();
            } finally {
                out.close();
            }
            rename(temp, absolute);
            done = true;
        } finally {
            if (!done && !temp.delete() && temp.exists()) {
                temp.deleteOnExit();
            }
        }
    }

    /** Deletes {@code .<name>.*.tmp} files in {@code dir} older than {@link #STALE_TEMP_MILLIS}; best effort. */
    static void removeStaleTemporaries(File dir, String name) {
        final String prefix = "." + name + ".";
        File[] leftovers = dir.listFiles();
        if (leftovers == null) {
            return;
        }
        long cutoff = System.currentTimeMillis() - STALE_TEMP_MILLIS;
        for (File f : leftovers) {
            String n = f.getName();
            if (n.startsWith(prefix) && n.endsWith(".tmp") && f.isFile() && f.lastModified() < cutoff) {
                if (!f.delete()) {
                    f.deleteOnExit();
                }
            }
        }
    }

    private static void rename(File from, File to) throws IOException {
        // rename(2) on POSIX (Linux, Android, macOS) replaces the target atomically.
        if (from.renameTo(to)) {
            return;
        }
        // Windows' File.renameTo refuses to replace an existing file; MoveFileEx with REPLACE_EXISTING does.
        try {
            java.nio.file.Files.move(from.toPath(), to.toPath(), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IOException("cannot replace '" + to + "' with the new content in '" + from + "': " + e, e);
        }
    }
}
