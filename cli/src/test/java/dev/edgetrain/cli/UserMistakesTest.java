package dev.edgetrain.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every user mistake gives one clear line on stderr and exit code 2: never a stack trace, never a partial file. */
class UserMistakesTest {
    @TempDir
    static File dir;
    static File model;

    @BeforeAll
    static void aModel() {
        model = new File(dir, "iris.onnx");
        assertEquals(0, Cli.run("train", "--data", "iris", "--epochs", "3", "--quiet", "--out", model.getPath()).exit);
    }

    private static File csv(String name, String content) throws IOException {
        File f = new File(dir, name);
        Files.writeString(f.toPath(), content, StandardCharsets.UTF_8);
        return f;
    }

    /** Runs, and checks: exit 2, nothing on stdout, exactly one line on stderr containing every part. */
    private static String mistake(String[] args, String... parts) {
        Cli.Result r = Cli.run(args);
        assertEquals(Edgetrain.EXIT_USER_ERROR, r.exit, r.toString());
        String err = r.err.strip();
        assertEquals(1, err.lines().count(), "one line: " + r);
        assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace: " + r);
        assertTrue(err.startsWith("edgetrain"), err);
        for (String part : parts) {
            assertTrue(err.contains(part), "'" + err + "' should mention '" + part + "'");
        }
        assertEquals("", r.out, "nothing on stdout");
        return err;
    }

    private static String[] args(String... a) {
        return a;
    }

    @Test
    void missingDataFile() {
        mistake(args("train", "--data", "/no/such/file.csv"), "/no/such/file.csv", "no such file");
    }

    @Test
    void missingModelFile() {
        mistake(args("evaluate", "--model", "nothing.onnx", "--data", "iris"), "nothing.onnx: no such file");
    }

    @Test
    void unknownOption() {
        mistake(args("train", "--epochz", "3"), "edgetrain train", "Unknown options: '--epochz'", "--help");
    }

    @Test
    void unknownCommand() {
        mistake(args("trian"), "Unmatched argument", "trian");
    }

    @Test
    void missingRequiredOption() {
        mistake(args("evaluate", "--data", "iris"), "Missing required option", "--model");
    }

    @Test
    void badOptionValue() {
        mistake(args("train", "--epochs", "many"), "Invalid value for option '--epochs'", "many");
        mistake(args("train", "--epochs", "0"), "--epochs must be at least 1, got 0");
        mistake(args("train", "--optimizer", "rmsprop"), "--optimizer", "rmsprop");
        mistake(args("train", "--data", "iris", "--hidden", "8,-2"), "--hidden");
    }

    @Test
    void badLabelColumn() {
        mistake(args("train", "--data", "iris", "--label", "colour"), "iris: no label column 'colour'", "species");
        mistake(args("train", "--data", "iris", "--label", "9"), "label column 9 is out of range", "5 columns");
    }

    /**
     * An output that cannot be written is found before any work: the message names the option, the path and the
     * directory, and nothing is trained (no epoch line, nothing on stdout). The directory is one of ours made
     * read-only (chmod, or chattr +i for root); where neither takes, /proc, which takes no new files from anyone.
     */
    @Test
    void unwritableOutputsAreFoundBeforeTheWorkStarts() throws Exception {
        File locked = new File(dir, "locked");
        assertTrue(locked.mkdir());
        lock(locked, true);
        try {
            if (canCreate(new File(locked, "probe"))) {
                locked = new File("/proc");
                assertTrue(locked.isDirectory() && !canCreate(new File(locked, "probe")), "no unwritable directory");
            }
            String err = mistake(args("train", "--data", "digits", "--epochs", "30", "--out",
                    new File(locked, "m.onnx").getPath()), "--out", "m.onnx", "cannot write in directory");
            assertTrue(err.contains(locked.getPath()), err);
            mistake(args("train", "--data", "iris", "--plot", new File(locked, "c.png").getPath()), "--plot",
                    "cannot write in directory");
            mistake(args("train", "--data", "iris", "--checkpoint", new File(locked, "c.ckpt").getPath()),
                    "--checkpoint", "cannot write in directory");
            mistake(args("predict", "--model", model.getPath(), "--data", "iris", "--out",
                    new File(locked, "p.csv").getPath()), "--out", "cannot write in directory");
            mistake(args("finetune", "--model", model.getPath(), "--data", "iris", "--out",
                    new File(locked, "f.onnx").getPath()), "--out", "cannot write in directory");
        } finally {
            lock(new File(dir, "locked"), false);
        }
        File aFile = new File(dir, "plain.txt");
        assertTrue(aFile.createNewFile());
        mistake(args("train", "--data", "iris", "--out", new File(aFile, "m.onnx").getPath()), "--out",
                "plain.txt is a file, not a directory");
    }

    private static boolean canCreate(File f) {
        try {
            return f.createNewFile();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Makes {@code d} unwritable or writable again: chmod for a user, chattr +i for root (chmod does not stop root).
     */
    private static void lock(File d, boolean on) throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root && !on) {
            new ProcessBuilder("chattr", "-i", d.getPath()).inheritIO().start().waitFor();
        }
        java.nio.file.Files.setPosixFilePermissions(d.toPath(), java.nio.file.attribute.PosixFilePermissions
                .fromString(on ? "r-xr-xr-x" : "rwxr-xr-x"));
        if (root && on) {
            new ProcessBuilder("chattr", "+i", d.getPath()).inheritIO().start().waitFor();
        }
    }

    @Test
    void taskOptionsThatDoNotFitTheDataOrEachOther() throws IOException {
        mistake(args("train", "--data", "iris", "--task", "binary"), "label column 'species' has 3 distinct values",
                "--task binary needs exactly 2");
        mistake(args("train", "--data", "iris", "--task", "multilabel"),
                "--task multilabel needs two or more label columns");
        mistake(args("train", "--data", "iris", "--task", "ranking"), "--task: unknown task 'ranking'",
                "classify, binary, multilabel, regress");
        mistake(args("train", "--data", "iris", "--activation", "swish"), "--activation: unknown activation 'swish'",
                "gelu");
        mistake(args("train", "--data", "iris", "--class-weights", "1,2"), "--class-weights gives 2 weights",
                "3 classes");
        mistake(args("train", "--data", "iris", "--loss", "mse"), "loss mse does not suit a classify network",
                "cross_entropy");
        mistake(args("train", "--data", "iris", "--output", "predictions"),
                "--output for a classify network must be one of [probabilities, logits, log_probabilities]");
        mistake(args("train", "--data", "iris", "--dropout", "1.5"), "--dropout must be in [0, 1), got 1.5");
        File ml = csv("ml.csv", "a,b,x,y\n1,2,0,1\n3,4,1,2\n5,6,0,1\n");
        mistake(args("train", "--data", ml.getPath(), "--task", "multilabel", "--label", "x,y"),
                "ml.csv, line 3, column 'y' (4): '2' is not a multilabel target; expected 0 or 1");
        mistake(args("finetune", "--model", model.getPath(), "--data", "iris", "--out",
                new File(dir, "t.onnx").getPath(), "--task", "binary"), "--task chooses the task of a --new-head");
    }

    @Test
    void nonNumericValueNamesLineAndColumn() throws IOException {
        File f = csv("bad.csv", "a,b,label\n1,2,x\n3,4,y\n5,abc,x\n");
        mistake(args("train", "--data", f.getPath()), "bad.csv, line 4, column 'b' (2): 'abc' is not a number");
    }

    @Test
    void missingValueNamesLineAndColumn() throws IOException {
        File f = csv("gap.csv", "a,b,label\n1,2,x\n3,,y\n5,6,x\n");
        mistake(args("train", "--data", f.getPath()), "gap.csv, line 3, column 'b' (2): missing value");
        File g = csv("nolabel.csv", "a,b,label\n1,2,x\n3,4,\n5,6,y\n");
        mistake(args("train", "--data", g.getPath()), "nolabel.csv, line 3, column 'label' (3): missing label");
    }

    @Test
    void nonFiniteValue() throws IOException {
        File f = csv("nan.csv", "a,b,label\n1,2,x\nNaN,4,y\n5,6,x\n");
        mistake(args("train", "--data", f.getPath()), "line 3, column 'a' (1): 'NaN' is not a finite number");
    }

    @Test
    void wrongColumnCount() throws IOException {
        File f = csv("ragged.csv", "a,b,label\n1,2,x\n3,4\n5,6,y\n");
        mistake(args("train", "--data", f.getPath()), "ragged.csv, line 3: 2 columns, expected 3 as in the header");
    }

    @Test
    void emptyFileAndHeaderOnly() throws IOException {
        mistake(args("train", "--data", csv("empty.csv", "").getPath()), "empty.csv: the file is empty");
        mistake(args("train", "--data", csv("header.csv", "a,b,label\n").getPath()), "header.csv: no data rows");
    }

    @Test
    void onlyOneClass() throws IOException {
        File f = csv("one.csv", "a,label\n1,x\n2,x\n");
        mistake(args("train", "--data", f.getPath(), "--test-fraction", "0"), "only one class (x)");
    }

    @Test
    void notAnOnnxFile() throws IOException {
        File f = csv("fake.onnx", "this is not a model");
        mistake(args("inspect", "--model", f.getPath()), "fake.onnx");
        byte[] real = Files.readAllBytes(model.toPath());
        File cut = new File(dir, "cut.onnx");
        Files.write(cut.toPath(), java.util.Arrays.copyOf(real, real.length / 2));
        mistake(args("verify", "--model", cut.getPath()), "cut.onnx");
    }

    @Test
    void dataThatDoesNotFitTheModel() {
        mistake(args("evaluate", "--model", model.getPath(), "--data", "wine"), "wine", "the model expects 4");
    }

    /** iris has 4 feature columns and a label column: a 64-feature model is told 4, not 5 (the label counted). */
    @Test
    void tooFewFeatureColumnsAreCountedWithoutTheLabel() {
        File digits = new File(Cli.REPO, "models/digits.onnx");
        mistake(args("evaluate", "--model", digits.getPath(), "--data", "iris"),
                "iris: 4 feature columns (besides label column 'species'), the model expects 64");
    }

    @Test
    void unknownLabelForTheModel() throws IOException {
        File f = csv("flowers.csv", "sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm,species\n"
                + "5.1,3.5,1.4,0.2,setosa\n6.0,3.0,4.0,1.0,rose\n");
        mistake(args("evaluate", "--model", model.getPath(), "--data", f.getPath()),
                "flowers.csv, line 3, column 'species' (5): unknown label 'rose'", "setosa");
    }

    @Test
    void resumeWithoutACheckpoint() {
        mistake(args("train", "--resume"), "--resume needs --checkpoint FILE");
        mistake(args("train", "--data", "iris", "--resume", "--checkpoint", new File(dir, "none.ckpt").getPath()),
                "none.ckpt does not exist");
    }

    @Test
    void anOutputDirectoryThatDoesNotExistLeavesNoFile() {
        File out = new File(dir, "missing/dir/model.onnx");
        mistake(args("train", "--data", "iris", "--epochs", "1", "--out", out.getPath()), "missing/dir");
        assertFalse(out.exists());
    }

    /**
     * Divergence is not a usage error: exit code 3, one line that says each thing once (where, what, what to do), and
     * no model.
     */
    @Test
    void aDivergingRunStopsWithOneLineAndWritesNoModel() {
        File out = new File(dir, "diverged.onnx");
        Cli.Result r = Cli.run("train", "--data", "iris", "--optimizer", "sgd", "--lr", "1e30", "--out", out.getPath(),
                "--quiet");
        assertEquals(Edgetrain.EXIT_DIVERGED, r.exit, r.toString());
        assertEquals("", r.out);
        assertEquals("edgetrain train: error: training diverged in epoch 1, batch 2, optimizer step 1: loss is NaN; "
                + "restored the parameters and optimizer state of step 0; no model written (lower --lr, set "
                + "--clip-norm, or use --on-divergence lower-lr)", r.err.strip());
        assertFalse(out.exists());
        Cli.Result recovered = Cli.run("train", "--data", "iris", "--optimizer", "sgd", "--lr", "1e3", "--epochs", "10",
                "--on-divergence", "lower-lr", "--max-recoveries", "60", "--out", out.getPath());
        assertEquals(0, recovered.exit, recovered.toString());
        assertTrue(recovered.out.contains("(loss is NaN): restored the last good state, learning rate now"),
                recovered.out);
        assertFalse(recovered.out.contains("gradients left unchanged"), "the reason once, briefly: " + recovered.out);
        assertTrue(out.isFile());
    }

    @Test
    void quotedFieldsAreParsedNotRejected() throws IOException {
        File f = csv("quoted.csv", "\"width, cm\",height,\"kind\"\n1,2,\"a, b\"\n1.5,2.5,\"a, b\"\n8,9,c\n9,8,c\n");
        Cli.Result r = Cli.run("train", "--data", f.getPath(), "--test-fraction", "0", "--epochs", "2", "--quiet",
                "--out", new File(dir, "quoted.onnx").getPath());
        assertEquals(0, r.exit, r.toString());
        Cli.Result inspect = Cli.run("inspect", "--model", new File(dir, "quoted.onnx").getPath());
        assertTrue(inspect.out.contains("a, b") && inspect.out.contains("width, cm"), inspect.out);
    }
}
