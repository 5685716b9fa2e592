package dev.edgetrain.simd;

import dev.edgetrain.runtime.kernels.DenseWeights;
import dev.edgetrain.runtime.kernels.KernelSet;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dense-layer kernels on the JDK's Vector API ({@code jdk.incubator.vector}), for desktop and server JVMs (17 and
 * newer, started with {@code --add-modules jdk.incubator.vector}). The runtime finds this class by name
 * ({@link KernelSet#active()}); without the module or this jar it keeps its plain kernels.
 *
 * <p>Every kernel is a register tile: a few rows of one operand times two vectors of the other, accumulated over the
 * shared dimension in {@code 4 × 2} vector registers, so each loaded vector feeds four fused multiply-adds. The
 * vector width is the preferred species of the machine (8 floats with AVX2, 16 with AVX-512), so the same code tiles
 * right on both. One method per tile shape, so the JIT compiles each in its own context.
 * <ul>
 *   <li>forward, wide layers: {@code z = x · Wᵀ + b} over packed panels of {@code Wᵀ}
 *       ({@link VectorDenseWeights});</li>
 *   <li>forward, narrow layers (fewer outputs than two vectors): dot products along rows of {@code W}, read from
 *       the parameter slab itself;</li>
 *   <li>input gradient {@code dX = dZ · W}: rows of {@code W} from the slab;</li>
 *   <li>weight gradient {@code dW += dZᵀ · X}: straight into the gradient slab ({@link DenseBackward});</li>
 *   <li>the finiteness scan of inputs and updates: {@code v·0} summed in four vector registers.</li>
 * </ul>
 */
public final class VectorKernels extends KernelSet {
    /** The vector shape every kernel uses: the widest the CPU runs natively. */
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Floats per vector. */
    static final int L = S.length();

    private VectorKernels() {
    }

    /**
     * The SIMD kernel set, called by {@link KernelSet} through reflection.
     *
     * @return the kernel set
     * @throws UnsupportedOperationException when the CPU's vectors hold fewer than 8 floats: the plain kernels are as
     *                                       fast there
     */
    public static KernelSet create() {
        if (L < 8) {
            throw new UnsupportedOperationException("the preferred vector holds " + L + " floats ("
                    + S.vectorBitSize() + "-bit); the vector kernels need 256-bit vectors or wider");
        }
        return new VectorKernels();
    }

    @Override
    public String name() {
        return "vector (" + S.vectorBitSize() + "-bit, " + L + " float lanes)";
    }

    @Override
    public DenseWeights denseWeights(int inDim, int outDim, boolean inputGradient) {
        return new VectorDenseWeights(inDim, outDim);
    }

    @Override
    public void backwardWeight(float[] dWeight, int dwOff, float[] dBias, int dbOff, float[] scratch,
                               float[][] dOut, float[][] in, int batch, int inDim, int outFrom, int outTo) {
        DenseBackward.weight(dWeight, dwOff, dBias, dbOff, dOut, in, batch, inDim, outFrom, outTo);
    }

    /**
     * {@code v·0} is 0 for a finite value and NaN for NaN or infinity, and NaN stays NaN in a sum: four vector sums
     * of it (four chains, to hide the add's latency) take about 0.03 ns a value, where the plain scan's chunk lanes
     * take 0.1. Each sum starts from a zero of its own: on JDK 17, sums that all started from one shared zero vector
     * made C2 box a vector on every call (80 bytes).
     */
    @Override
    public boolean allFinite(float[] x, int from, int to, float[] chunk, float[] lanes) {
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = FloatVector.zero(S);
        FloatVector s2 = FloatVector.zero(S);
        FloatVector s3 = FloatVector.zero(S);
        int i = from;
        for (; i <= to - 4 * L; i += 4 * L) {
            s0 = s0.add(FloatVector.fromArray(S, x, i).mul(0f));
            s1 = s1.add(FloatVector.fromArray(S, x, i + L).mul(0f));
            s2 = s2.add(FloatVector.fromArray(S, x, i + 2 * L).mul(0f));
            s3 = s3.add(FloatVector.fromArray(S, x, i + 3 * L).mul(0f));
        }
        for (; i <= to - L; i += L) {
            s0 = s0.add(FloatVector.fromArray(S, x, i).mul(0f));
        }
        float tail = 0f;
        for (; i < to; i++) {
            tail += x[i] * 0f;
        }
        return s0.add(s1).add(s2).add(s3).reduceLanes(VectorOperators.ADD) + tail == 0f;
    }
}
