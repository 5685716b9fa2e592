/**
 * Tabular data for training, lean enough for phones and for files larger than memory: a CSV scanner that parses
 * numbers straight into primitive arrays (no object per cell), the choice of feature and label columns, labels and
 * their classes, standardisation statistics gathered in the same pass, splits, and mini-batches either from memory
 * or streamed from a compact binary row cache with block shuffling. Errors name the file, line and column.
 */
package dev.edgetrain.data;
