/**
 * Differential privacy: {@link dev.edgetrain.runtime.privacy.RdpAccountant} (ε for δ after DP-SGD steps, and the
 * noise for a target ε, as Opacus computes them).
 */
package dev.edgetrain.runtime.privacy;
