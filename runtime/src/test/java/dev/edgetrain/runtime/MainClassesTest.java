package dev.edgetrain.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What ships in the runtime jar: the runtime, not the examples and test data that live in test scope. */
class MainClassesTest {
    @Test
    void theRuntimesMainClassesHoldNoExampleOrTestData() throws Exception {
        Path main = Paths.get(Network.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> entries = entries(main);
        assertTrue(entries.contains("dev/edgetrain/runtime/Network.class"), main + " holds the runtime");
        List<String> examples = entries.stream().filter(e -> e.startsWith("dev/edgetrain/runtime/example/")
                || e.endsWith("Example.class")).collect(Collectors.toList());
        assertEquals(Collections.emptyList(), examples, "test data in " + main);
    }

    /** The class and resource paths under {@code location}, a classes directory or a jar. */
    private static List<String> entries(Path location) throws IOException {
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(location)) {
            try (Stream<Path> files = Files.walk(location)) {
                files.filter(Files::isRegularFile)
                        .forEach(p -> names.add(location.relativize(p).toString().replace(File.separatorChar, '/')));
            }
        } else {
            try (JarFile jar = new JarFile(location.toFile())) {
                for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                    names.add(e.nextElement().getName());
                }
            }
        }
        return names;
    }
}
