package dev.edgetrain.android.apk;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The signed APK as Android's own tools see it. */
class SignedApkIT {
    @Test
    void apksignerVerifiesTheSignature() throws Exception {
        Apk.Result r = Apk.run(Apk.property("apk.apksigner"), "verify", "--verbose", "--print-certs",
                Apk.file().getPath());
        assertEquals(0, r.exitCode, r.output);
        assertTrue(r.output.contains("Verified using v2 scheme (APK Signature Scheme v2): true"), r.output);
        assertTrue(r.output.contains("Signer #1 certificate DN: CN=edgetrain sample debug"), r.output);
    }

    @Test
    void badgingShowsThePackageTheSdkLevelsAndTheLauncherActivity() throws Exception {
        Apk.Result r = Apk.run(Apk.property("apk.aapt2"), "dump", "badging", Apk.file().getPath());
        assertEquals(0, r.exitCode, r.output);
        assertTrue(r.output.contains("package: name='dev.edgetrain.android.sample' versionCode='1' versionName='"
                + Apk.property("apk.versionName") + "'"), r.output);
        assertTrue(r.output.contains("sdkVersion:'" + Apk.property("apk.minSdk") + "'"), r.output);
        assertTrue(r.output.contains("targetSdkVersion:'" + Apk.property("apk.targetSdk") + "'"), r.output);
        assertTrue(r.output.contains("launchable-activity: name='dev.edgetrain.android.sample.MainActivity'"),
                r.output);
        assertTrue(r.output.contains("application-label:'edgetrain digits'"), r.output);
    }

    @Test
    void holdsCodeResourcesAssetsAndJavaResourcesWithResourcesArscStored() throws IOException {
        try (ZipFile zip = new ZipFile(Apk.file())) {
            for (String name : new String[] {"AndroidManifest.xml", "classes.dex", "resources.arsc",
                    "res/layout/activity_main.xml", "assets/digits.csv", "assets/digits-base.onnx",
                    "assets/DIGITS-NOTICE.txt",
                    // a Java resource the exporter reads through its class loader
                    "dev/edgetrain/onnx/exporter.properties"}) {
                assertNotNull(zip.getEntry(name), "APK entry " + name);
            }
            // Android 11+ refuses to install an app whose resources.arsc is compressed (targetSdk >= 30).
            assertEquals(ZipEntry.STORED, zip.getEntry("resources.arsc").getMethod());
        }
    }

    /**
     * What zipalign -p 4 promises: the data of every stored entry starts at a multiple of 4. Read from the
     * central directory, which gives each entry's local header offset.
     */
    @Test
    void storedEntriesAreFourByteAligned() throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(Apk.file(), "r")) {
            long eocd = raf.length() - 22; // no archive comment in an APK we build
            assertEquals(0x06054b50, le32(raf, eocd), "end of central directory");
            int entries = le16(raf, eocd + 10);
            long cd = Integer.toUnsignedLong(le32(raf, eocd + 16));
            int stored = 0;
            for (int i = 0; i < entries; i++) {
                assertEquals(0x02014b50, le32(raf, cd), "central directory header " + i);
                int method = le16(raf, cd + 10);
                int nameLength = le16(raf, cd + 28);
                int extraLength = le16(raf, cd + 30);
                int commentLength = le16(raf, cd + 32);
                long local = Integer.toUnsignedLong(le32(raf, cd + 42));
                byte[] name = new byte[nameLength];
                raf.seek(cd + 46);
                raf.readFully(name);
                assertEquals(0x04034b50, le32(raf, local), "local header of " + new String(name));
                long data = local + 30 + le16(raf, local + 26) + le16(raf, local + 28);
                if (method == 0) {
                    assertEquals(0, data % 4, new String(name) + " data at offset " + data);
                    stored++;
                }
                cd += 46 + nameLength + extraLength + commentLength;
            }
            assertTrue(stored >= 1, "resources.arsc at least is stored");
        }
    }

    private static int le16(RandomAccessFile raf, long at) throws IOException {
        raf.seek(at);
        return Short.toUnsignedInt(Short.reverseBytes(raf.readShort()));
    }

    private static int le32(RandomAccessFile raf, long at) throws IOException {
        raf.seek(at);
        return Integer.reverseBytes(raf.readInt());
    }
}
