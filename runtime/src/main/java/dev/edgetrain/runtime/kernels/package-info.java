/**
 * The compute kernels, llm.c style: static {@code forward}/{@code backward} functions on flat
 * {@code float[]} buffers addressed by offset, one pair per layer type, no allocation and no object
 * state. {@link dev.edgetrain.runtime.kernels.ReferenceKernels} holds the naive versions the tests
 * compare the fast ones against.
 *
 * <p>Buffers are row-major; every parameter comment gives the shape, e.g. {@code in [batch][inDim]}.
 * Inner loops are plain counted loops over contiguous memory with no calls or branches, which is the
 * shape HotSpot's C2 (and ART's optimizing compiler) turns into SIMD code.
 */
package dev.edgetrain.runtime.kernels;
