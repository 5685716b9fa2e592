/**
 * Audio input for the transfer pipelines: 16 kHz mono 16-bit PCM WAV files read as int16-valued floats, the form
 * openWakeWord's models are fed.
 */
package dev.edgetrain.transfer.audio;
