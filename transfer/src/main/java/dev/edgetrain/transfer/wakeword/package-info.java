/**
 * openWakeWord on a frozen backbone: its audio features exactly as its Python reference computes them (whole clips
 * for training, 80 ms chunks for detection), and wake-word heads scoring a stream.
 */
package dev.edgetrain.transfer.wakeword;
