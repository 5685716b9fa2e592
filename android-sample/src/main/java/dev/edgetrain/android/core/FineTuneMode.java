package dev.edgetrain.android.core;

/** Which layers fine-tuning may change. */
public enum FineTuneMode {
    /** Only the output layer learns; the features the shipped model learned stay as they are. */
    OUTPUT_LAYER_ONLY,
    /** Every layer learns: adapts more, and forgets more. */
    ALL_LAYERS
}
