/**
 * The compute kernels: static functions without object state or allocation, called by
 * {@code dev.edgetrain.runtime.Passes} on the buffers of a {@code Workspace}. One class per layer part:
 * <ul>
 *   <li>{@link dev.edgetrain.runtime.kernels.KernelSet} and {@link dev.edgetrain.runtime.kernels.DenseWeights}: the
 *       dense layer's kernels as a set chosen at run time, the plain ones below or the Vector API ones of the
 *       optional {@code edgetrain-simd} jar; a network holds one {@code DenseWeights} per layer (the weight copy its
 *       kernels read, rebuilt on every write of the slab);</li>
 *   <li>{@link dev.edgetrain.runtime.kernels.Dense}: the plain fully connected layer, forward ({@code forward},
 *       {@code forwardDot}) and backward ({@code backwardWeight}, {@code backwardInput}), plus the weight copies
 *       they read ({@code transpose}, {@code copyRows});</li>
 *   <li>{@link dev.edgetrain.runtime.kernels.LayerNorm}, {@link dev.edgetrain.runtime.kernels.Activations} (one
 *       loop per {@code Activation.Kind}; ReLU's in {@link dev.edgetrain.runtime.kernels.Relu}) and
 *       {@link dev.edgetrain.runtime.kernels.Dropout}: the per-layer steps after the dense part;</li>
 *   <li>the heads' losses with their fused backward passes: {@link dev.edgetrain.runtime.kernels.SoftmaxCrossEntropy}
 *       (optionally class-weighted), {@link dev.edgetrain.runtime.kernels.SigmoidCrossEntropy} and
 *       {@link dev.edgetrain.runtime.kernels.RegressionLoss} (squared error, Huber);</li>
 *   <li>{@link dev.edgetrain.runtime.kernels.ReferenceKernels}: naive double-precision twins on flat arrays, the
 *       definitions the tests hold the fast kernels to.</li>
 * </ul>
 *
 * <p>Layer activations and gradients are one array per batch row, {@code float[rows][width]} (rows indexed from 0
 * is what lets C2 vectorise the inner loops; see {@code Dense}); the layer kernels take a row range
 * {@code [from, to)} so a pass can be split over threads. Parameters and their gradients stay in the network's
 * flat slab, addressed by offset ({@code ParameterLayout}); the loss kernels read the output layer's activations
 * as one flat {@code [batch][outputs]} array. Every parameter comment gives the shape, e.g. {@code [batch][inDim]}.
 */
package dev.edgetrain.runtime.kernels;
