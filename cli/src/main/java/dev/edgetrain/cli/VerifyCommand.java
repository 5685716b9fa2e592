package dev.edgetrain.cli;

import dev.edgetrain.cli.data.Reading;
import dev.edgetrain.cli.referee.OnnxRuntimeReferee;
import dev.edgetrain.cli.support.CliException;
import dev.edgetrain.cli.support.Console;
import dev.edgetrain.cli.support.DataSource;
import dev.edgetrain.cli.support.OutputOptions;
import dev.edgetrain.data.Table;
import dev.edgetrain.runtime.Rng;
import java.io.File;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code edgetrain verify}: the runtime and onnxruntime on the same rows; fails above 1e-5. */
@Command(name = "verify", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Compare a model's outputs in the runtime and in onnxruntime on the same rows.",
                "Prints the largest absolute difference; exit code 1 if it exceeds the tolerance."})
final class VerifyCommand implements Callable<Integer> {
    /** The parity the project promises between the runtime and onnxruntime. */
    static final double TOLERANCE = 1e-5;

    @Mixin
    ModelInput modelInput;

    @Option(names = "--data", paramLabel = "FILE.csv",
            description = "Rows to run (a label column is ignored); default: random rows.")
    String data;

    @Option(names = "--label", paramLabel = "COLUMN", description = "Label column of --data to ignore.")
    String label;

    @Option(names = "--rows", paramLabel = "N",
            description = "Random rows when there is no --data (default: ${DEFAULT-VALUE}).")
    int rows = 100;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the random rows (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--tolerance", paramLabel = "T", description = "Largest allowed difference (default: 1e-5).")
    double tolerance = TOLERANCE;

    @Option(names = "--delimiter", paramLabel = "C",
            description = "The CSV's delimiter: , ; | or tab (default: tab for .tsv files, else comma).")
    String delimiter;

    @Mixin
    OutputOptions outputOptions;

    @Override
    public Integer call() throws Exception {
        Console console = outputOptions.console();
        ModelFile m = modelInput.read();
        File model = modelInput.model;
        int features = m.model.featureCount();
        float[] x;
        int n;
        String what;
        if (data != null) {
            DataSource source = DataSource.resolve(data);
            Table input = m.rows(new Reading(source, delimiter, console), label, false);
            x = input.features();
            n = input.rows();
            what = n + " rows of " + source.name();
        } else {
            if (rows < 1) {
                throw new CliException("--rows must be at least 1, got " + rows);
            }
            n = rows;
            x = new float[n * features];
            Rng rng = new Rng(seed);
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (2 * rng.nextGaussian());
            }
            what = n + " random rows (normal, std 2, seed " + seed + ")";
        }
        float[] ours = m.runtimeOutputs(x, n);
        float[] theirs;
        try (OnnxRuntimeReferee referee = new OnnxRuntimeReferee(m.bytes)) {
            theirs = referee.run(m.model.inputName(), m.model.inputShape(), x, n, m.model.outputName());
        }
        double diff = OnnxRuntimeReferee.maxAbsDifference(ours, theirs);
        boolean ok = diff <= tolerance;
        console.result("%s: runtime vs onnxruntime %s on %s: max |difference| %.3g (limit %.0e) %s", model,
                OnnxRuntimeReferee.version(), what, diff, tolerance, ok ? "OK" : "FAILED");
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("model", model.getPath());
        doc.put("rows", n);
        doc.put("output", m.model.outputName());
        doc.put("max_abs_difference", diff);
        doc.put("tolerance", tolerance);
        doc.put("ok", ok);
        console.document(doc);
        return ok ? Edgetrain.EXIT_OK : Edgetrain.EXIT_CHECK_FAILED;
    }
}
