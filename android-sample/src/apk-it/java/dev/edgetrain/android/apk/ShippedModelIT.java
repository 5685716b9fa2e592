package dev.edgetrain.android.apk;

import dev.edgetrain.android.core.DigitsCsv;
import dev.edgetrain.android.core.DigitsSplit;
import dev.edgetrain.android.core.ModelStore;
import dev.edgetrain.android.core.ShippedModelBuilder;
import dev.edgetrain.onnx.ImportedModel;
import dev.edgetrain.runtime.Workspace;
import dev.edgetrain.runtime.train.Dataset;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The model and data inside the APK load as the app loads them, and the model is what the recipe makes. */
class ShippedModelIT {
    @Test
    void theAssetsLoadAndTheModelReadsHeldOutRowsAtOver90Percent() throws IOException {
        Dataset all = DigitsCsv.read(new ByteArrayInputStream(Apk.entry("assets/digits.csv")), "assets/digits.csv");
        ImportedModel model = ModelStore.readDigitsModel(
                new ByteArrayInputStream(Apk.entry("assets/digits-base.onnx")), "assets/digits-base.onnx");
        assertArrayEquals(DigitsCsv.classNames(), model.classLabels());
        assertEquals("folded", model.metadata().get("edgetrain.standardization"));
        Dataset heldOut = DigitsSplit.evaluation(all);
        int[] predicted = new int[heldOut.rows()];
        model.network().predictClasses(new Workspace(model.spec(), heldOut.rows()), heldOut.features(), 0,
                heldOut.rows(), predicted, 0);
        int correct = 0;
        for (int r = 0; r < predicted.length; r++) {
            correct += predicted[r] == heldOut.labels()[r] ? 1 : 0;
        }
        double accuracy = (double) correct / heldOut.rows();
        assertTrue(accuracy > 0.90, "held-out accuracy " + accuracy);
        assertEquals(String.format(java.util.Locale.ROOT, "%.4f", accuracy),
                model.metadata().get("edgetrain.pretrain.heldout_accuracy"), "the recorded accuracy is the real one");
    }

    @Test
    void theShippedModelIsReproducibleFromTheShippedData() throws IOException {
        Dataset all = DigitsCsv.read(new ByteArrayInputStream(Apk.entry("assets/digits.csv")), "assets/digits.csv");
        assertArrayEquals(Apk.entry("assets/digits-base.onnx"), ShippedModelBuilder.build(all));
    }
}
