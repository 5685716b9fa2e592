package dev.edgetrain.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.examples.ReadmeExamples;
import dev.edgetrain.onnx.ImportedModel;
import dev.edgetrain.runtime.train.Dataset;
import dev.edgetrain.runtime.train.Standardizer;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's library code is {@link ReadmeExamples}' marked regions, and they compile and run. */
class ReadmeExamplesTest {
    private static final Path SOURCE = ShippedData.ROOT.resolve(
            "exporter/src/test/java/dev/edgetrain/examples/ReadmeExamples.java");

    @TempDir
    Path dir;

    @Test
    void readmeLibraryBlocksAreTheExamplesRegionsWithTheFilesImports() throws IOException {
        List<String> source = Files.readAllLines(SOURCE, StandardCharsets.UTF_8);
        List<List<String>> blocks = fencedBlocks(Files.readAllLines(ShippedData.ROOT.resolve("README.md"),
                StandardCharsets.UTF_8), "## Using the libraries", "java");
        assertEquals(2, blocks.size(), "java blocks under 'Using the libraries'");
        String[] regions = {"model", "low-level"};
        for (int b = 0; b < regions.length; b++) {
            List<String> code = new ArrayList<>();
            for (String line : blocks.get(b)) {
                if (line.startsWith("import ")) {
                    assertTrue(source.contains(line), "README block " + (b + 1) + "'s '" + line
                            + "' is not an import of ReadmeExamples.java");
                } else if (!(code.isEmpty() && line.isEmpty())) {
                    code.add(line);
                }
            }
            assertEquals(region(source, regions[b]), code, "README block " + (b + 1) + " against region "
                    + regions[b] + " of ReadmeExamples.java");
        }
    }

    @Test
    void modelExampleFitsDigitsAndWritesALoadableModel() throws IOException {
        ShippedData digits = ShippedData.load("digits");
        File file = dir.resolve("model.onnx").toFile();
        ModelEvaluation test = ReadmeExamples.model(digits.trainX, digits.trainLabels, digits.testX,
                digits.testLabels, file);
        System.out.println("README model example, digits test: " + test);
        assertTrue(test.accuracy() > 0.95, "test accuracy " + test.accuracy());
        assertEquals(digits.testX.length, Model.load(file).predict(digits.testX).length);
    }

    @Test
    void lowLevelExampleTrainsAStepPredictsExportsAndImports() throws IOException {
        ShippedData digits = ShippedData.load("digits");
        int batch = 32;
        float[] x = new float[batch * 64]; // [batch][64]
        System.arraycopy(ShippedData.flatten(digits.trainX), 0, x, 0, x.length);
        int[] labels = java.util.Arrays.copyOf(digits.trainLabels, batch);
        Standardizer standardizer = Standardizer.fit(new Dataset(ShippedData.flatten(digits.trainX),
                digits.trainLabels, 64, 10));
        Random random = new Random(3);
        float[] features = new float[batch * 1536]; // [batch][1536]
        for (int i = 0; i < features.length; i++) {
            features[i] = (float) random.nextGaussian();
        }
        int[] labels01 = new int[batch];
        for (int i = 0; i < batch; i++) {
            labels01[i] = i % 2;
        }
        Object[] out = ReadmeExamples.lowLevel(x, labels, batch, digits.testX[0], digits.classNames, standardizer,
                dir.resolve("low.onnx").toFile(), features, labels01);
        assertTrue(Float.isFinite((Float) out[0]) && (Float) out[0] > 0, "loss " + out[0]);
        float sum = 0;
        for (float p : (float[]) out[1]) {
            sum += p;
        }
        assertEquals(1f, sum, 1e-5f, "probabilities sum");
        ImportedModel imported = (ImportedModel) out[2];
        assertEquals(64, imported.featureCount());
        assertArrayEquals(digits.classNames, imported.classLabels());
        assertTrue(Float.isFinite((Float) out[3]) && (Float) out[3] > 0, "wake-word loss " + out[3]);
    }

    /** The lines between {@code // README:begin NAME} and {@code // README:end}, without their indentation. */
    static List<String> region(List<String> source, String name) {
        int begin = source.indexOf("        // README:begin " + name);
        assertTrue(begin >= 0, "no region " + name + " in ReadmeExamples.java");
        List<String> lines = new ArrayList<>();
        for (String line : source.subList(begin + 1, source.size())) {
            if (line.trim().equals("// README:end")) {
                return lines;
            }
            assertTrue(line.isEmpty() || line.startsWith("        "), "region " + name + " line '" + line + "'");
            lines.add(line.isEmpty() ? line : line.substring(8));
        }
        throw new AssertionError("region " + name + " has no end");
    }

    /** The fenced {@code language} blocks of the README section that starts with {@code heading}. */
    static List<List<String>> fencedBlocks(List<String> readme, String heading, String language) {
        int start = readme.indexOf(heading);
        assertTrue(start >= 0, "README has no '" + heading + "'");
        List<List<String>> blocks = new ArrayList<>();
        List<String> block = null;
        for (String line : readme.subList(start + 1, readme.size())) {
            if (block == null && line.startsWith("#")) {
                break;
            }
            if (block == null && line.equals("```" + language)) {
                block = new ArrayList<>();
            } else if (block != null && line.equals("```")) {
                blocks.add(block);
                block = null;
            } else if (block != null) {
                block.add(line);
            }
        }
        return blocks;
    }
}
