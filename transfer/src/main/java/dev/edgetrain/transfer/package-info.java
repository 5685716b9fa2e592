/**
 * Transfer learning on a frozen ONNX backbone: onnxruntime computes the backbone's features once per example, a
 * cache keeps them on disk, and the runtime trains only the head on them.
 */
package dev.edgetrain.transfer;
