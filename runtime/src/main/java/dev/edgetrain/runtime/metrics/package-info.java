/**
 * Task metrics on predictions already computed: {@link dev.edgetrain.runtime.metrics.ClassificationMetrics},
 * {@link dev.edgetrain.runtime.metrics.RegressionMetrics},
 * {@link dev.edgetrain.runtime.metrics.BinaryMetrics} and {@link dev.edgetrain.runtime.metrics.MultilabelMetrics}.
 */
package dev.edgetrain.runtime.metrics;
