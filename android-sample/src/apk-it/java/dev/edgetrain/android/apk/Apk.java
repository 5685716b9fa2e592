package dev.edgetrain.android.apk;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** The APK and tools under test, from the system properties the android-apk profile passes to failsafe. */
final class Apk {
    private Apk() {
    }

    static String property(String name) {
        String v = System.getProperty(name);
        if (v == null || v.isEmpty() || v.startsWith("${")) {
            throw new IllegalStateException("system property " + name + " is not set: run these checks with "
                    + "'./mvnw verify' (profile android-apk), not on their own");
        }
        return v;
    }

    static File file() {
        File f = new File(property("apk.file"));
        if (!f.isFile()) {
            throw new IllegalStateException("no APK at " + f);
        }
        return f;
    }

    static byte[] entry(String name) throws IOException {
        try (ZipFile zip = new ZipFile(file())) {
            ZipEntry e = zip.getEntry(name);
            if (e == null) {
                throw new IOException(file() + " has no entry " + name);
            }
            try (InputStream in = zip.getInputStream(e)) {
                return in.readAllBytes();
            }
        }
    }

    /** The app jar and every library jar that went into the dex. */
    static List<File> dexInputs() {
        List<File> files = new ArrayList<>();
        files.add(new File(property("apk.appJar")));
        File[] libs = new File(property("apk.libs")).listFiles((dir, name) -> name.endsWith(".jar"));
        if (libs == null || libs.length == 0) {
            throw new IllegalStateException("no library jars in " + property("apk.libs"));
        }
        Arrays.sort(libs);
        files.addAll(Arrays.asList(libs));
        return files;
    }

    /** Runs a command to completion; returns its exit code and merged output. */
    static Result run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(out);
        }
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish in 2 minutes");
        }
        return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8));
    }

    static final class Result {
        final int exitCode;
        final String output;

        Result(int exitCode, String output) {
            this.exitCode = exitCode;
            this.output = output;
        }
    }
}
