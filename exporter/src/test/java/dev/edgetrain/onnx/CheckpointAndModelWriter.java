package dev.edgetrain.onnx;

import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.TrainingSession;
import dev.edgetrain.runtime.checkpoint.Checkpoint;
import dev.edgetrain.runtime.optim.OptimizerConfig;
import dev.edgetrain.runtime.train.Dataset;
import dev.edgetrain.runtime.train.Trainer;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Collections;

/**
 * The process {@link CrashSafetyTest} kills: writes version after version of a checkpoint and an ONNX model
 * to the same two files, as fast as it can, and reports each completed write on stdout
 * ({@code checkpoint <v>}, {@code model <v>}). Version {@code v} of each file is a pure function of {@code v}
 * ({@link #checkpoint(long)}, {@link #model(long)}), so the test can tell which version a file holds and
 * that it holds all of it.
 *
 * <p>Arguments: {@code <directory> <first version> <mode>}; mode {@code atomic} writes with
 * {@link Checkpoint#write} and {@link OnnxExporter#write}, mode {@code in-place} overwrites the files
 * directly (the control that shows the test detects torn files).
 */
public final class CheckpointAndModelWriter {
    static final String CHECKPOINT_FILE = "run.ckpt";
    static final String MODEL_FILE = "model.onnx";
    static final String VERSION_KEY = "crash-test.version";
    /** 128 → 256 → 10: a 138 KB model and a 414 KB checkpoint (weights and Adam's two moments). */
    private static final NetworkSpec SPEC = NetworkSpec.of(128, 256, 10);
    private static final Dataset DATA = new Dataset(new float[128 * 4], new int[] {0, 1, 2, 3}, 128, 10);

    private CheckpointAndModelWriter() {
    }

    public static void main(String[] args) throws IOException {
        File dir = new File(args[0]);
        long version = Long.parseLong(args[1]);
        boolean atomic = args[2].equals("atomic");
        File checkpointFile = new File(dir, CHECKPOINT_FILE);
        File modelFile = new File(dir, MODEL_FILE);
        // Load and warm up everything a write needs, so that "started" means the writes start now.
        checkpoint(version - 1).toBytes();
        model(version - 1);
        System.out.println("started");
        System.out.flush();
        while (true) {
            final long v = version;
            if (atomic) {
                checkpoint(v).write(checkpointFile);
            } else {
                overwrite(checkpointFile, () -> checkpoint(v).toBytes());
            }
            System.out.println("checkpoint " + v);
            System.out.flush();
            if (atomic) {
                OnnxExporter.write(network(v), options(v), modelFile);
            } else {
                overwrite(modelFile, () -> model(v));
            }
            System.out.println("model " + v);
            System.out.flush();
            version++;
        }
    }

    private interface Content {
        byte[] bytes();
    }

    /**
     * The naive way: open the file (which truncates it), produce the content, write it. A crash before the
     * last write leaves a torn file.
     */
    private static void overwrite(File file, Content content) throws IOException {
        OutputStream out = new FileOutputStream(file);
        try {
            byte[] bytes = content.bytes();
            for (int off = 0; off < bytes.length; off += 8192) {
                out.write(bytes, off, Math.min(8192, bytes.length - off));
            }
        } finally {
            out.close();
        }
    }

    static Network network(long version) {
        return new Network(SPEC, version);
    }

    static ExportOptions options(long version) {
        return ExportOptions.builder().modelVersion(version).metadata(VERSION_KEY, Long.toString(version)).build();
    }

    /** Version {@code version} of the checkpoint: the network of that seed, epochs done = the version. */
    static Checkpoint checkpoint(long version) {
        Trainer trainer = new Trainer(new TrainingSession(network(version), 4, OptimizerConfig.adam(1e-3f)), DATA, 4,
                version);
        trainer.setEpochsDone((int) (version % Integer.MAX_VALUE));
        return Checkpoint.capture(trainer, Collections.singletonMap(VERSION_KEY, Long.toString(version)), null);
    }

    static byte[] model(long version) {
        return OnnxExporter.toBytes(network(version), options(version));
    }
}
