package dev.edgetrain.android.apk;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.Adler32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reads the APK's classes.dex by the dex format (header, string_ids, type_ids, class_defs) and checks it
 * is intact and defines every class of the app and of the libraries it ships.
 */
class DexContentsIT {
    private static byte[] dex;
    private static Set<String> definedClasses;

    @BeforeAll
    static void readDex() throws IOException {
        dex = Apk.entry("classes.dex");
        definedClasses = classDefs(dex);
    }

    /** Type descriptors ({@code Lpkg/Name;}) of every class_def in {@code dex}. */
    static Set<String> classDefs(byte[] dex) {
        ByteBuffer b = ByteBuffer.wrap(dex).order(ByteOrder.LITTLE_ENDIAN);
        int stringIdsOff = b.getInt(0x3C);
        int typeIdsOff = b.getInt(0x44);
        int classDefsSize = b.getInt(0x60);
        int classDefsOff = b.getInt(0x64);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < classDefsSize; i++) {
            int typeIdx = b.getInt(classDefsOff + 32 * i);
            int descriptorIdx = b.getInt(typeIdsOff + 4 * typeIdx);
            int dataOff = b.getInt(stringIdsOff + 4 * descriptorIdx);
            int p = dataOff;
            while ((dex[p] & 0x80) != 0) { // skip the uleb128 UTF-16 length
                p++;
            }
            p++;
            int end = p;
            while (dex[end] != 0) {
                end++;
            }
            // Class names here are ASCII, where MUTF-8 and UTF-8 agree.
            names.add(new String(dex, p, end - p, StandardCharsets.UTF_8));
        }
        return names;
    }

    @Test
    void headerChecksumAndSignatureMatchTheFile() throws Exception {
        assertArrayEquals("dex\n038\0".getBytes(StandardCharsets.US_ASCII), Arrays.copyOf(dex, 8),
                "dex 038 is what d8 writes for --min-api 26");
        ByteBuffer b = ByteBuffer.wrap(dex).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(dex.length, b.getInt(32), "file_size");
        assertEquals(0x12345678, b.getInt(40), "endian_tag");
        Adler32 adler = new Adler32();
        adler.update(dex, 12, dex.length - 12);
        assertEquals((int) adler.getValue(), b.getInt(8), "checksum");
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        sha1.update(dex, 32, dex.length - 32);
        assertArrayEquals(sha1.digest(), Arrays.copyOfRange(dex, 12, 32), "signature");
    }

    @Test
    void definesTheAppTheRuntimeTheDataModuleTheExporterAndProtobufLite() {
        for (String name : new String[] {
                "Ldev/edgetrain/android/sample/MainActivity;",
                "Ldev/edgetrain/android/sample/DigitGridView;",
                "Ldev/edgetrain/android/sample/R$layout;",
                "Ldev/edgetrain/android/core/DigitsWorkbench;",
                "Ldev/edgetrain/android/core/FineTuner;",
                "Ldev/edgetrain/runtime/Network;",
                "Ldev/edgetrain/runtime/TrainingSession;",
                "Ldev/edgetrain/data/CsvScanner;",
                "Ldev/edgetrain/data/FloatParser;",
                "Ldev/edgetrain/onnx/OnnxExporter;",
                "Ldev/edgetrain/onnx/OnnxImporter;",
                "Lcom/google/protobuf/GeneratedMessageLite;"}) {
            assertTrue(definedClasses.contains(name), "classes.dex does not define " + name);
        }
    }

    @Test
    void definesEveryClassOfEveryJarThatWentIn() throws IOException {
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (File jar : Apk.dexInputs()) {
            try (JarFile jf = new JarFile(jar)) {
                for (Enumeration<JarEntry> en = jf.entries(); en.hasMoreElements(); ) {
                    String n = en.nextElement().getName();
                    if (!n.endsWith(".class") || n.endsWith("module-info.class") || n.startsWith("META-INF/")) {
                        continue;
                    }
                    checked++;
                    String descriptor = "L" + n.substring(0, n.length() - ".class".length()) + ";";
                    if (!definedClasses.contains(descriptor)) {
                        missing.add(jar.getName() + ": " + descriptor);
                    }
                }
            }
        }
        assertTrue(checked > 100, "only " + checked + " classes in " + Apk.dexInputs());
        assertEquals(new ArrayList<String>(), missing);
    }
}
