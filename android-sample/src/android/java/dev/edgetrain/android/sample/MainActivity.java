package dev.edgetrain.android.sample;

import android.app.Activity;
import android.content.res.AssetManager;
import android.os.Bundle;
import android.os.Handler;
import android.os.Looper;
import android.view.View;
import android.widget.Button;
import android.widget.LinearLayout;
import android.widget.ProgressBar;
import android.widget.RadioGroup;
import android.widget.TextView;
import android.widget.Toast;

import dev.edgetrain.android.core.DigitsCsv;
import dev.edgetrain.android.core.DigitsWorkbench;
import dev.edgetrain.android.core.ExportReport;
import dev.edgetrain.android.core.FineTuneConfig;
import dev.edgetrain.android.core.FineTuneMode;
import dev.edgetrain.android.core.FineTuneResult;
import dev.edgetrain.android.core.ModelStore;
import dev.edgetrain.android.core.Prediction;
import dev.edgetrain.onnx.ImportedModel;
import dev.edgetrain.runtime.train.Dataset;
import dev.edgetrain.runtime.train.Evaluation;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.concurrent.Executor;

/**
 * The sample's only screen. It wires views to a {@link DigitsWorkbench}, which holds the model, the
 * examples and the background training, and survives rotation through
 * {@link #onRetainNonConfigurationInstance()}. Everything else is plain Java in
 * {@code dev.edgetrain.android.core}, tested on the JVM.
 */
public final class MainActivity extends Activity implements DigitsWorkbench.Listener {
    private DigitsWorkbench workbench;

    private TextView modelStatus;
    private DigitGridView grid;
    private TextView prediction;
    private TextView examplesSummary;
    private RadioGroup mode;
    private Button train;
    private Button cancel;
    private ProgressBar progress;
    private TextView trainingStatus;
    private TextView exportInfo;
    private View[] disabledWhileTraining;

    /** The constructor the Android framework calls; the Activity sets itself up in {@code onCreate}. */
    public MainActivity() {
    }

    @Override
    protected void onCreate(Bundle savedInstanceState) {
        super.onCreate(savedInstanceState);
        setContentView(R.layout.activity_main);
        modelStatus = (TextView) findViewById(R.id.model_status);
        grid = (DigitGridView) findViewById(R.id.grid);
        prediction = (TextView) findViewById(R.id.prediction);
        examplesSummary = (TextView) findViewById(R.id.examples_summary);
        mode = (RadioGroup) findViewById(R.id.mode);
        train = (Button) findViewById(R.id.train);
        cancel = (Button) findViewById(R.id.cancel);
        progress = (ProgressBar) findViewById(R.id.progress);
        trainingStatus = (TextView) findViewById(R.id.training_status);
        exportInfo = (TextView) findViewById(R.id.export_info);

        workbench = (DigitsWorkbench) getLastNonConfigurationInstance();
        if (workbench == null) {
            try {
                workbench = openWorkbench();
            } catch (IOException e) {
                // A broken APK: say which asset and why instead of crashing.
                modelStatus.setText(getString(R.string.app_name) + " cannot start: " + e.getMessage());
                return;
            }
        }
        workbench.setListener(this);

        grid.setSketch(workbench.sketch());
        grid.setOnSketchChangedListener(new DigitGridView.OnSketchChangedListener() {
            @Override
            public void onSketchChanged() {
                showPrediction();
            }
        });
        addDigitButtons((LinearLayout) findViewById(R.id.digits_row_0), 0);
        addDigitButtons((LinearLayout) findViewById(R.id.digits_row_1), 5);
        Button useShipped = (Button) findViewById(R.id.use_shipped);
        Button useFresh = (Button) findViewById(R.id.use_fresh);
        Button addRows = (Button) findViewById(R.id.add_rows);
        Button clearExamples = (Button) findViewById(R.id.clear_examples);
        Button exportButton = (Button) findViewById(R.id.export);
        disabledWhileTraining = new View[] {useShipped, useFresh, train, exportButton};

        useShipped.setOnClickListener(new View.OnClickListener() {
            @Override
            public void onClick(View v) {
                workbench.useShippedModel();
                showModel();
            }
        });
        useFresh.setOnClickListener(new View.OnClickListener() {
            @Override
            public void onClick(View v) {
                workbench.useFreshNetwork(System.currentTimeMillis());
                showModel();
            }
        });
        findViewById(R.id.clear).setOnClickListener(new View.OnClickListener() {
            @Override
            public void onClick(View v) {
                workbench.sketch().clear();
                grid.invalidate();
                showPrediction();
            }
        });
        findViewById(R.id.pick_row).setOnClickListener(new View.OnClickListener() {
            @Override
            public void onClick(View v) {
                workbench.showRandomRow();
                grid.invalidate();
                showPrediction();
            }
        });
        addRows.setOnClickListener(new View.OnClickListener() {
            @Override
            public void onClick(View v) {
                workbench.addRandomRows(20);
                showExamples();
            }
        });
        clearExamples.setOnClickListener(new View.OnClickListener() {
            @Override
            public void onClick(View v) {
                workbench.examples().clear();
                showExamples();
            }
        });
        train.setOnClickListener(new View.OnClickListener() {
            @Override
            public void onClick(View v) {
                startTraining();
            }
        });
        cancel.setOnClickListener(new View.OnClickListener() {
            @Override
            public void onClick(View v) {
                workbench.cancelFineTuning();
            }
        });
        exportButton.setOnClickListener(new View.OnClickListener() {
            @Override
            public void onClick(View v) {
                exportModel();
            }
        });

        showModel();
        showPrediction();
        showExamples();
        showTraining(workbench.isTraining());
        if (workbench.lastResult() != null) {
            trainingStatus.setText(workbench.lastResult().summary());
        }
    }

    /** Reads the shipped data and model from the APK's assets. */
    private DigitsWorkbench openWorkbench() throws IOException {
        AssetManager assets = getAssets();
        final Dataset digits;
        try (InputStream in = assets.open(ModelStore.DIGITS_ASSET)) {
            digits = DigitsCsv.read(in, "assets/" + ModelStore.DIGITS_ASSET);
        }
        final ImportedModel shipped;
        try (InputStream in = assets.open(ModelStore.SHIPPED_ASSET)) {
            shipped = ModelStore.readDigitsModel(in, "assets/" + ModelStore.SHIPPED_ASSET);
        }
        final Handler main = new Handler(Looper.getMainLooper());
        Executor onMainThread = new Executor() {
            @Override
            public void execute(Runnable command) {
                main.post(command);
            }
        };
        return new DigitsWorkbench(digits, shipped, ModelStore.SHIPPED_ASSET, onMainThread, System.nanoTime());
    }

    @Override
    public Object onRetainNonConfigurationInstance() {
        if (workbench != null) {
            workbench.setListener(null);
        }
        return workbench;
    }

    @Override
    protected void onDestroy() {
        super.onDestroy();
        if (workbench != null && isFinishing()) {
            workbench.setListener(null);
            workbench.close();
        }
    }

    private void addDigitButtons(LinearLayout row, int first) {
        for (int d = first; d < first + 5; d++) {
            final int digit = d;
            Button b = new Button(this);
            b.setText(Integer.toString(d));
            b.setLayoutParams(new LinearLayout.LayoutParams(0, LinearLayout.LayoutParams.WRAP_CONTENT, 1f));
            b.setOnClickListener(new View.OnClickListener() {
                @Override
                public void onClick(View v) {
                    addExample(digit);
                }
            });
            row.addView(b);
        }
    }

    private void addExample(int digit) {
        try {
            workbench.addSketchAs(digit);
        } catch (IllegalStateException e) {
            Toast.makeText(this, e.getMessage(), Toast.LENGTH_SHORT).show();
            return;
        }
        if (!workbench.sketch().isShowingRow()) {
            workbench.sketch().clear(); // ready for the next drawing
            grid.invalidate();
        }
        showPrediction();
        showExamples();
    }

    private void startTraining() {
        FineTuneMode m = mode.getCheckedRadioButtonId() == R.id.mode_all
                ? FineTuneMode.ALL_LAYERS : FineTuneMode.OUTPUT_LAYER_ONLY;
        try {
            workbench.startFineTuning(FineTuneConfig.defaults(m));
        } catch (IllegalStateException e) {
            Toast.makeText(this, e.getMessage(), Toast.LENGTH_SHORT).show();
            return;
        }
        progress.setProgress(0);
        trainingStatus.setText("training " + m + " on " + workbench.examples().size() + " examples\u2026");
        showTraining(true);
    }

    private void exportModel() {
        File file = new File(new File(getFilesDir(), ModelStore.EXPORT_DIR), ModelStore.EXPORT_FILE);
        try {
            ExportReport report = workbench.exportModel(file);
            exportInfo.setText(report.describe());
        } catch (IOException | RuntimeException e) {
            exportInfo.setText("export failed: " + e.getMessage());
        }
    }

    @Override
    public void onTrainingProgress(int epoch, int epochs, float loss, float accuracy) {
        progress.setProgress(100 * epoch / epochs);
        trainingStatus.setText(String.format(Locale.ROOT, "epoch %d/%d  loss %.4f  accuracy %.0f%%", epoch, epochs,
                loss, 100 * accuracy));
    }

    @Override
    public void onTrainingFinished(FineTuneResult result) {
        trainingStatus.setText(result.summary());
        showTraining(false);
        showModel();
        showPrediction();
    }

    @Override
    public void onTrainingFailed(RuntimeException error) {
        trainingStatus.setText("fine-tuning failed, the model is unchanged: " + error.getMessage());
        showTraining(false);
    }

    private void showModel() {
        Evaluation e = workbench.evaluate();
        modelStatus.setText(String.format(Locale.ROOT, "%s\n%s: %.1f%% of %d held-out rows", workbench.modelOrigin(),
                workbench.model().spec(), 100 * e.accuracy(), e.rows()));
    }

    private void showPrediction() {
        Prediction p = workbench.predictSketch();
        if (p == null) {
            prediction.setText(R.string.draw_hint);
        } else if (workbench.shownRow() >= 0) {
            prediction.setText("data set row " + workbench.shownRow() + " (a "
                    + workbench.pickableLabel(workbench.shownRow()) + "): the model says " + p);
        } else {
            prediction.setText("the model says " + p);
        }
    }

    private void showExamples() {
        examplesSummary.setText(workbench.examples().summary());
    }

    private void showTraining(boolean running) {
        for (View v : disabledWhileTraining) {
            v.setEnabled(!running);
        }
        cancel.setEnabled(running);
    }
}
