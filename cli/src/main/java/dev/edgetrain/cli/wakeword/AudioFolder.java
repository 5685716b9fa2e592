package dev.edgetrain.cli.wakeword;

import dev.edgetrain.cli.support.CliException;
import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The {@code .wav} files of a folder given on the command line, sorted by name (so runs are repeatable). */
final class AudioFolder {
    private AudioFolder() {
    }

    /** The folder's {@code .wav} files; an error naming the option when it is missing or holds none. */
    static List<File> wavFiles(File dir, String option) {
        if (dir == null) {
            return new ArrayList<>();
        }
        if (!dir.isDirectory()) {
            throw new CliException(option + " " + dir + ": no such directory");
        }
        File[] files = dir.listFiles((d, name) -> name.toLowerCase(Locale.ROOT).endsWith(".wav"));
        if (files == null || files.length == 0) {
            throw new CliException(option + " " + dir + ": no .wav files in it (16 kHz mono 16-bit PCM expected)");
        }
        Arrays.sort(files);
        return new ArrayList<>(Arrays.asList(files));
    }
}
