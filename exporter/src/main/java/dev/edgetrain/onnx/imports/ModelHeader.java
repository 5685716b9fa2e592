package dev.edgetrain.onnx.imports;

import dev.edgetrain.onnx.ModelMetadata;
import dev.edgetrain.onnx.OnnxImportException;
import dev.edgetrain.onnx.graph.OnnxOp;
import dev.edgetrain.onnx.proto.ModelProto;
import dev.edgetrain.onnx.proto.OperatorSetIdProto;
import dev.edgetrain.onnx.proto.StringStringEntryProto;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The model's envelope as the importer reads it: the default-domain opset and {@code metadata_props}. */
final class ModelHeader {
    private ModelHeader() {
    }

    /** The default-domain opset, 1 to {@link OnnxOp#MAX_KNOWN_OPSET} (opset 1 implied before IR 3). */
    static int defaultOpset(ModelProto model) throws OnnxImportException {
        int found = -1;
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                if (found >= 0) {
                    throw new OnnxImportException("the model imports the default operator set twice; expected one"
                            + " opset_import entry for it");
                }
                if (o.getVersion() < 1 || o.getVersion() > OnnxOp.MAX_KNOWN_OPSET) {
                    throw new OnnxImportException("the model uses default opset " + o.getVersion() + "; expected 1 to "
                            + OnnxOp.MAX_KNOWN_OPSET + " (newer opsets may redefine the operators read here)");
                }
                found = (int) o.getVersion();
            }
        }
        if (found < 0) {
            if (model.getOpsetImportCount() == 0 && model.getIrVersion() < 3) {
                return 1; // before IR 3 there was no opset_import: opset 1 is implied
            }
            throw new OnnxImportException("the model imports no default ('ai.onnx') operator set; expected one in"
                    + " opset_import");
        }
        return found;
    }

    /** {@code metadata_props} as a map: keys non-empty and unique (as the ONNX checker requires). */
    static Map<String, String> metadata(ModelProto model) throws OnnxImportException {
        Map<String, String> m = new LinkedHashMap<String, String>();
        for (int i = 0; i < model.getMetadataPropsCount(); i++) {
            StringStringEntryProto e = model.getMetadataProps(i);
            if (e.getKey().isEmpty()) {
                throw new OnnxImportException("metadata_props entry " + i + " has an empty key; expected a non-empty"
                        + " key");
            }
            if (m.put(e.getKey(), e.getValue()) != null) {
                throw new OnnxImportException("metadata_props entry " + i + " repeats key '" + e.getKey()
                        + "'; expected unique keys");
            }
        }
        return Collections.unmodifiableMap(m);
    }

    /** A list from metadata key {@code key} ({@link ModelMetadata#decodeList}) of {@code expected} items, or null. */
    static String[] list(Map<String, String> metadata, String key, int expected, String what)
            throws OnnxImportException {
        String encoded = metadata.get(key);
        if (encoded == null) {
            return null;
        }
        String[] items;
        try {
            items = ModelMetadata.decodeList(encoded);
        } catch (IllegalArgumentException e) {
            throw new OnnxImportException("metadata '" + key + "' is malformed: " + e.getMessage(), e);
        }
        if (items.length != expected) {
            throw new OnnxImportException("metadata '" + key + "' lists " + items.length + " names, the network has "
                    + expected + " " + what);
        }
        return items;
    }
}
