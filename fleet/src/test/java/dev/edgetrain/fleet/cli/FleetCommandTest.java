package dev.edgetrain.fleet.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.fleet.Digits;
import dev.edgetrain.fleet.FleetMain;
import dev.edgetrain.fleet.LocalSpark;
import dev.edgetrain.onnx.ImportedModel;
import dev.edgetrain.onnx.OnnxImporter;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code edgetrain fleet …} in-process, in the tests' Spark session: what a user runs and sees. */
class FleetCommandTest {
    @TempDir
    static File dir;

    record Result(int exit, String out, String err) {
    }

    static synchronized Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            int exit = FleetMain.run(args);
            return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    static File model;
    static Result fedavg;

    @BeforeAll
    static void aFederatedModel() {
        LocalSpark.session(); // the commands reuse the running session instead of starting local[*]
        model = new File(dir, "fedavg.onnx");
        fedavg = run("fleet", "fedavg", "--data", Digits.CSV.getPath(), "--clients", "4", "--classes-per-client", "3",
                "--fraction", "1", "--rounds", "3", "--hidden", "16", "--out", model.getPath());
    }

    @Test
    void fedavgLogsEveryRoundAndWritesAnOnnxModelWithTheDataSetsNames() throws Exception {
        Result r = fedavg;
        assertEquals(0, r.exit(), r.toString());
        for (int round = 1; round <= 3; round++) {
            assertTrue(r.out().contains("round " + round + "/3: 4 clients"), r.out());
        }
        assertTrue(r.out().contains("global loss") && r.out().contains("accuracy"), r.out());
        ImportedModel m = OnnxImporter.read(model);
        assertEquals(64, m.featureCount());
        assertArrayEquals(new String[] {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}, m.classLabels());
        assertEquals("pixel_0_0", m.featureNames()[0]);
        assertEquals("3 of 3", m.metadata().get("training.rounds"));
    }

    @Test
    void sgdAndScoreRunEndToEndOnTheCsv() throws Exception {
        File sgd = new File(dir, "sgd.onnx");
        Result trained = run("fleet", "sgd", "--data", Digits.CSV.getPath(), "--partitions", "2", "--epochs", "1",
                "--batch-size", "256", "--out", sgd.getPath(), "--json");
        assertEquals(0, trained.exit(), trained.toString());
        assertTrue(trained.out().contains("\"partitions\": 2"), trained.out());
        Result scored = run("fleet", "score", "--model", sgd.getPath(), "--data", Digits.CSV.getPath(),
                "--partitions", "3", "--predictions", new File(dir, "scored").getPath());
        assertEquals(0, scored.exit(), scored.toString());
        assertTrue(scored.out().contains("1797 rows, accuracy"), scored.out());
        assertTrue(new File(dir, "scored/_SUCCESS").isFile());

        File tsv = new File(dir, "digits.tsv");
        Files.writeString(tsv.toPath(), Files.readString(Digits.CSV.toPath()).replace(',', '\t'));
        Result tabs = run("fleet", "score", "--model", sgd.getPath(), "--data", tsv.getPath(), "--json");
        assertEquals(0, tabs.exit(), tabs.toString());
        assertTrue(tabs.out().contains("\"rows\": 1797"), "tab-separated by its name: " + tabs.out());
        Result semicolons = run("fleet", "score", "--model", sgd.getPath(), "--data", tsv.getPath(), "--delimiter",
                ";");
        assertEquals(2, semicolons.exit(), semicolons.toString());
        assertTrue(semicolons.err().contains("1 feature columns"),
                "--delimiter overrides the name: " + semicolons.err());
    }

    /**
     * fleet sgd offers adamw as train does: decoupled weight decay 1e-4 unless --weight-decay says otherwise; --quiet
     * keeps the line that says what was written.
     */
    @Test
    void sgdTrainsWithAdamwAndItsWeightDecay() throws Exception {
        File adamw = new File(dir, "adamw.onnx");
        Result trained = run("fleet", "sgd", "--data", Digits.CSV.getPath(), "--partitions", "2", "--epochs", "1",
                "--batch-size", "256", "--optimizer", "adamw", "--lr", "0.01", "--out", adamw.getPath(), "--json");
        assertEquals(0, trained.exit(), trained.toString());
        assertTrue(trained.out().contains("adamw(lr=0.01") && trained.out().contains("weightDecay=1.0E-4"),
                trained.out());
        assertTrue(OnnxImporter.read(adamw).metadata().get("training.settings").contains("adamw("));
        // --quiet keeps the result line, as in the edgetrain command.
        Result decay = run("fleet", "sgd", "--data", Digits.CSV.getPath(), "--partitions", "2", "--epochs", "1",
                "--batch-size", "512", "--optimizer", "adamw", "--weight-decay", "0.01", "--out", adamw.getPath(),
                "--quiet");
        assertEquals(0, decay.exit(), decay.toString());
        assertTrue(decay.out().startsWith("wrote " + adamw.getPath()) && decay.out().lines().count() == 1,
                decay.out());
        assertTrue(OnnxImporter.read(adamw).metadata().get("training.settings").contains("weightDecay=0.01"));
        Result unknown = run("fleet", "sgd", "--optimizer", "rmsprop");
        assertEquals(2, unknown.exit(), unknown.toString());
        assertTrue(unknown.err().contains("sgd, momentum, nesterov, adam or adamw, got 'rmsprop'"), unknown.err());
    }

    @Test
    void userMistakesGiveOneLineAndExitCodeTwo() throws Exception {
        Result fraction = run("fleet", "fedavg", "--fraction", "2");
        assertEquals(2, fraction.exit(), fraction.toString());
        assertEquals("edgetrain fleet fedavg: error: --fraction must be in (0, 1], got 2.0", fraction.err().strip());

        File bad = new File(dir, "bad.csv");
        String csv = Files.readString(Digits.CSV.toPath()).replaceFirst("\n0,", "\nzero,");
        Files.writeString(bad.toPath(), csv);
        Result cell = run("fleet", "score", "--model", model.getPath(), "--data", bad.getPath());
        assertEquals(2, cell.exit(), cell.toString());
        String err = cell.err().strip();
        assertEquals(1, err.lines().count(), err);
        assertEquals("edgetrain fleet score: error: " + bad.getPath()
                + ", line 2, column 'pixel_0_0' (1): 'zero' is not a number", err);

        Result training = run("fleet", "sgd", "--data", bad.getPath(), "--out", new File(dir, "x.onnx").getPath());
        assertEquals(2, training.exit(), training.toString());
        assertEquals("edgetrain fleet sgd: error: " + bad.getPath()
                + ", line 2, column 'pixel_0_0' (1): 'zero' is not a number", training.err().strip());
    }

    @Test
    void outputsAreCheckedBeforeAnyWork() throws Exception {
        File taken = new File(dir, "taken");
        assertTrue(taken.mkdir());
        Result scored = run("fleet", "score", "--model", model.getPath(), "--data", "/no/such.csv",
                "--predictions", taken.getPath());
        assertEquals(2, scored.exit(), scored.toString());
        assertEquals("edgetrain fleet score: error: --predictions " + taken.getPath()
                + ": already exists; expected a new directory (remove it, or choose another)", scored.err().strip());
        Result nowhere = run("fleet", "fedavg", "--data", "/no/such.csv", "--out", "/no/such/dir/m.onnx");
        assertEquals(2, nowhere.exit(), nowhere.toString());
        assertEquals("edgetrain fleet fedavg: error: --out /no/such/dir/m.onnx: directory /no/such/dir does not exist",
                nowhere.err().strip(), "the output is checked before the data is even looked for");
    }

    @Test
    void theFleetJarHasTheFleetCommandAndHelpOnly() {
        Result help = run("--help");
        assertEquals(0, help.exit(), help.toString());
        assertTrue(help.out().contains("Commands:\n  fleet "), help.out());
        assertEquals(java.util.Set.of("fleet", "help"), FleetMain.commandLine().getSubcommands().keySet());
        Result train = run("train", "--data", "digits");
        assertEquals(2, train.exit(), train.toString());
        assertTrue(train.err().startsWith("edgetrain: error: Unmatched arguments"), train.err());
    }
}
