/**
 * The library for apps: {@link dev.edgetrain.app.Model} fits, evaluates, predicts, saves and loads (ONNX) and
 * fine-tunes a model from plain {@code float[][]} rows, holding the network, its input scaling, its class names and
 * its task together. Built on the runtime's and the exporter's lower-level API, which stays for anything else.
 */
package dev.edgetrain.app;
