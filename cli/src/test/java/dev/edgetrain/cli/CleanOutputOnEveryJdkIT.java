package dev.edgetrain.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar, through {@code ./edgetrain}, on every installed JDK (17, 21, 25, … under /usr/lib/jvm and the one
 * running the build): an error is one line on stderr, a successful run prints nothing there. JDK 24+ warns about
 * protobuf-javalite's {@code sun.misc.Unsafe} use (the script allows it where the flag exists) and about onnxruntime
 * loading its native library (the jar's manifest enables native access). Without JDK 25 the JDK 25 case is skipped,
 * loudly.
 */
class CleanOutputOnEveryJdkIT {
    private static final File JAR = new File(System.getProperty("edgetrain.jar", "target/edgetrain.jar"));

    @TempDir
    static File dir;
    static File truncated;
    static Map<Integer, File> jdks;

    @BeforeAll
    static void jdksAndABrokenModel() throws IOException {
        assertTrue(JAR.isFile(), "run after `package`: " + JAR);
        truncated = new File(dir, "truncated.onnx");
        byte[] model = Files.readAllBytes(new File(Cli.REPO, "models/iris.onnx").toPath());
        Files.write(truncated.toPath(), Arrays.copyOf(model, model.length / 2));
        jdks = new TreeMap<>();
        List<File> homes = new ArrayList<>();
        homes.add(new File(System.getProperty("java.home")));
        File[] installed = new File("/usr/lib/jvm").listFiles();
        if (installed != null) {
            homes.addAll(Arrays.asList(installed));
        }
        for (File home : homes) {
            int major = majorVersion(home);
            if (major > 0 && new File(home, "bin/java").canExecute()) {
                jdks.putIfAbsent(major, home.getCanonicalFile());
            }
        }
        System.out.println("JDKs found: " + jdks);
    }

    /** The feature version from the JDK's {@code release} file ({@code JAVA_VERSION="25.0.1"}), or 0. */
    private static int majorVersion(File home) throws IOException {
        File release = new File(home, "release");
        if (!release.isFile()) {
            return 0;
        }
        Matcher m = Pattern.compile("(?m)^JAVA_VERSION=\"(?:1\\.)?(\\d+)").matcher(Files.readString(release.toPath()));
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    private record Run(int exit, String out, String err) {
    }

    /** {@code ./edgetrain args} with {@code jdk}'s java first on the PATH. */
    private static Run edgetrain(File jdk, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", new File(Cli.REPO, "edgetrain").getPath()));
        command.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir);
        pb.environment().put("PATH", new File(jdk, "bin") + File.pathSeparator + System.getenv("PATH"));
        pb.environment().remove("JAVA_OPTS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "the command ends");
        return new Run(p.exitValue(), out, err);
    }

    private static void cleanOn(File jdk) throws Exception {
        Run error = edgetrain(jdk, "inspect", "--model", truncated.getPath());
        assertEquals(Edgetrain.EXIT_USER_ERROR, error.exit(), jdk + ": " + error);
        assertEquals(1, error.err().strip().lines().count(), jdk + ": one line on stderr, got:\n" + error.err());
        assertTrue(error.err().startsWith("edgetrain inspect: error: " + truncated.getPath()), error.err());

        Run train = edgetrain(jdk, "train", "--data", "iris", "--epochs", "1", "--quiet", "--out",
                new File(dir, "iris-" + jdk.getName() + ".onnx").getPath());
        assertEquals(0, train.exit(), jdk + ": " + train);
        assertEquals("", train.err(), jdk + ": nothing on stderr");
        assertTrue(train.out().contains("OK"), train.out());
    }

    @Test
    void everyInstalledJdkGivesTheSameCleanOutput() throws Exception {
        for (File jdk : jdks.values()) {
            cleanOn(jdk);
        }
    }

    /** JDK 25 is the case that broke; it must have been tested, or the skip must be seen. */
    @Test
    void jdk25GivesTheSameCleanOutput() throws Exception {
        File jdk25 = jdks.get(25);
        if (jdk25 == null) {
            System.err.println("WARNING: no JDK 25 under /usr/lib/jvm or as java.home: the JDK 25 output is NOT "
                    + "tested (found " + jdks.keySet() + ")");
        }
        Assumptions.assumeTrue(jdk25 != null, "no JDK 25 installed");
        cleanOn(jdk25);
        // The manifest alone (no launcher flags) keeps onnxruntime's native-access warnings away.
        Process p = new ProcessBuilder(new File(jdk25, "bin/java").getPath(), "-jar", JAR.getPath(), "verify",
                "--model", new File(Cli.REPO, "models/iris.onnx").getPath()).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, err);
        assertFalse(err.contains("restricted method") || err.contains("enable-native-access"), err);
    }
}
