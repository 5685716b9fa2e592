package dev.edgetrain.android.apk;

import org.codehaus.mojo.animal_sniffer.ClassListBuilder;
import org.codehaus.mojo.animal_sniffer.SignatureChecker;
import org.codehaus.mojo.animal_sniffer.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every class that goes into the dex (the app, runtime, data, exporter, protobuf-javalite) may use only the
 * Android API 26 (the androidscents signature) and classes that ship with it. The build's animal-sniffer
 * plugin checks each module's own classes; this checks the whole set the APK carries, third-party jars
 * included, and shows on a class made to fail that the check does fail.
 */
class AndroidApiIT {
    /** Collects the checker's errors instead of printing them. */
    private static final class Collecting implements Logger {
        final List<String> errors = Collections.synchronizedList(new ArrayList<>());

        @Override public void info(String m) { }
        @Override public void info(String m, Throwable t) { }
        @Override public void debug(String m) { }
        @Override public void debug(String m, Throwable t) { }
        @Override public void warn(String m) { }
        @Override public void warn(String m, Throwable t) { }
        @Override public void error(String m) { errors.add(m); }
        @Override public void error(String m, Throwable t) { errors.add(m + ": " + t); }
    }

    /** Errors of checking {@code files} against API 26, where classes defined in {@code files} are allowed. */
    static List<String> check(List<File> files) throws IOException {
        Collecting log = new Collecting();
        ClassListBuilder shipped = new ClassListBuilder(log);
        shipped.setCheckJars(true);
        for (File f : files) {
            shipped.process(f);
        }
        Set<String> ownClasses = shipped.getPackages();
        try (InputStream signature = new FileInputStream(Apk.property("apk.signature"))) {
            SignatureChecker checker = new SignatureChecker(signature, ownClasses, log);
            checker.setSourcePath(Collections.<File>emptyList());
            checker.setCheckJars(true);
            for (File f : files) {
                checker.process(f);
            }
        }
        return log.errors;
    }

    /**
     * protobuf-javalite's UnsafeUtil reaches sun.misc.Unsafe, which the public API-26 signature lacks:
     * it looks the class up reflectively and falls back to safe code when it is missing (Android's libcore
     * has it). That is the one exception, and only inside com.google.protobuf.
     */
    static boolean isProtobufUnsafeProbe(String error) {
        return error.contains("/protobuf-javalite-") && error.contains(".jar:com/google/protobuf/")
                && error.contains("sun.misc.Unsafe");
    }

    @Test
    void everyDexedClassUsesOnlyApi26AndShippedClasses() throws IOException {
        List<String> errors = check(Apk.dexInputs());
        List<String> unexpected = new ArrayList<>();
        for (String e : errors) {
            if (!isProtobufUnsafeProbe(e)) {
                unexpected.add(e);
            }
        }
        assertEquals(new ArrayList<String>(), unexpected);
    }

    @Test
    void theCheckCatchesAJdkOnlyApi(@TempDir Path dir) throws IOException {
        Path src = dir.resolve("UsesJava9Api.java");
        Files.writeString(src, "public class UsesJava9Api {\n"
                + "  public static long pid() { return ProcessHandle.current().pid(); }\n"
                + "  public static String twice(String s) { return s.repeat(2); }\n"
                + "}\n", StandardCharsets.UTF_8);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, javac.run(null, null, null, "--release", "11", "-d", dir.toString(), src.toString()));
        List<String> errors = check(Collections.singletonList(dir.toFile()));
        String all = String.join("\n", errors);
        assertTrue(all.contains("UsesJava9Api.class:2: Undefined reference: ProcessHandle"), all);
        assertTrue(all.contains("UsesJava9Api.class:3: Undefined reference: String String.repeat(int)"), all);
    }
}
