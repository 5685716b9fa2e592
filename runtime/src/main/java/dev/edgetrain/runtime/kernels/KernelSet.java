package dev.edgetrain.runtime.kernels;

/**
 * A set of dense-layer kernels: the plain Java kernels ({@link #plain()}, {@link Dense}), which run everywhere
 * (Android, Java 8), or SIMD kernels on the JDK's Vector API from the optional {@code edgetrain-simd} jar (Lucene's
 * pattern). Which one a JVM uses is decided once, by {@link #active()}:
 * <ul>
 *   <li>system property {@value #PROPERTY} {@code = plain}: the plain kernels;</li>
 *   <li>{@code = vector}: the SIMD kernels, or an error saying why they cannot run;</li>
 *   <li>{@code = auto} or unset: the SIMD kernels when {@code edgetrain-simd} is on the class path and the JVM was
 *       started with {@code --add-modules jdk.incubator.vector}, else the plain kernels.</li>
 * </ul>
 * A network computes with the set it was made with ({@code Network.withKernels} makes a copy that uses another);
 * the results of two sets agree within float rounding, not to the bit.
 */
public abstract class KernelSet {
    /** The system property that chooses the kernel set: {@code auto} (default), {@code plain} or {@code vector}. */
    public static final String PROPERTY = "edgetrain.kernels";
    /** The SIMD kernel set's class in {@code edgetrain-simd}; it has a {@code public static KernelSet create()}. */
    static final String VECTOR_CLASS = "dev.edgetrain.simd.VectorKernels";

    private static final KernelSet PLAIN = new PlainKernels();

    /** Subclasses are kernel sets of their own. */
    protected KernelSet() {
    }

    /**
     * The kernel set chosen for this JVM (see the class comment).
     *
     * @return the SIMD kernels when chosen and available, else the plain kernels
     * @throws IllegalStateException when {@value #PROPERTY} asks for {@code vector} and they are not available, or
     *                               names no kernel set
     */
    public static KernelSet active() {
        return Active.SET;
    }

    /**
     * The plain Java kernels, available everywhere.
     *
     * @return the plain kernel set
     */
    public static KernelSet plain() {
        return PLAIN;
    }

    /**
     * The kernel set of that name.
     *
     * @param name {@code plain}, {@code vector} or {@code auto} (what {@link #active()} chooses without the property)
     * @return the kernel set
     * @throws IllegalArgumentException for another name
     * @throws IllegalStateException    for {@code vector} when the SIMD kernels are not available; the message says why
     */
    public static KernelSet named(String name) {
        if ("plain".equals(name)) {
            return PLAIN;
        }
        if ("vector".equals(name)) {
            final Object found = loadVector();
            if (found instanceof KernelSet) {
                return (KernelSet) found;
            }
            throw new IllegalStateException("the vector kernels are not available: " + found);
        }
        if ("auto".equals(name)) {
            final Object found = loadVector();
            return found instanceof KernelSet ? (KernelSet) found : PLAIN;
        }
        throw new IllegalArgumentException("unknown kernel set '" + name + "', expected one of [auto, plain, vector]");
    }

    /**
     * Why {@code named("vector")} would fail here, or {@code null} when the SIMD kernels are available.
     *
     * @return the reason, or {@code null}
     */
    public static String vectorUnavailableReason() {
        final Object found = loadVector();
        return found instanceof KernelSet ? null : (String) found;
    }

    /** The SIMD kernel set, or a message saying why it cannot be loaded: looked up once per JVM. */
    private static Object loadVector() {
        return Vector.LOADED;
    }

    /** Holds the outcome of looking up the SIMD kernel set, made on first use. */
    private static final class Vector {
        static final Object LOADED = lookUpVector();

        private Vector() {
        }
    }

    private static Object lookUpVector() {
        final Class<?> c;
        try {
            c = Class.forName(VECTOR_CLASS);
        } catch (ClassNotFoundException e) {
            return "edgetrain-simd is not on the class path (class " + VECTOR_CLASS + " not found)";
        } catch (LinkageError e) {
            return "class " + VECTOR_CLASS + " could not be loaded (" + e + "); start the JVM (17 or newer) with "
                    + "--add-modules jdk.incubator.vector";
        }
        try {
            final Object made = c.getMethod("create").invoke(null);
            if (made instanceof KernelSet) {
                return made;
            }
            return made == null ? VECTOR_CLASS + ".create() returned nothing" : String.valueOf(made);
        } catch (java.lang.reflect.InvocationTargetException e) {
            return VECTOR_CLASS + ".create() failed: " + e.getCause();
        } catch (ReflectiveOperationException | LinkageError e) {
            return VECTOR_CLASS + ".create() could not be called: " + e;
        }
    }

    /** Holds the JVM's choice, made on first use. */
    private static final class Active {
        static final KernelSet SET = named(System.getProperty(PROPERTY, "auto").trim());

        private Active() {
        }
    }

    /**
     * The set's name, e.g. {@code plain} or {@code vector (512-bit, 16 float lanes)}.
     *
     * @return a name for logs and benchmark tables
     */
    public abstract String name();

    /**
     * The weights of one dense layer as this set's kernels read them.
     *
     * @param inDim         the layer's inputs
     * @param outDim        the layer's outputs
     * @param inputGradient whether {@link DenseWeights#backwardInput} will be called (not for a network's first layer)
     * @return weights to {@link DenseWeights#refresh} before use
     */
    public abstract DenseWeights denseWeights(int inDim, int outDim, boolean inputGradient);

    /**
     * Weight and bias gradients of a dense layer for outputs {@code [outFrom, outTo)} over {@code batch} rows:
     * {@code dWeight[o][i] += Σ_b dOut[b][o] · in[b][i]}, {@code dBias[o] += Σ_b dOut[b][o]} (both accumulate).
     * {@link Dense#backwardWeight} says how this computes the founding weight gradients.
     *
     * @param dWeight {@code [outDim][inDim]} at {@code dwOff} (the flat gradient slab)
     * @param dwOff   where {@code dWeight} starts
     * @param dBias   {@code [outDim]} at {@code dbOff}, or {@code null}
     * @param dbOff   where {@code dBias} starts
     * @param scratch one row {@code [≥ inDim]}, the calling thread's own
     * @param dOut    {@code [batch][≥ outTo]}
     * @param in      {@code [batch][≥ inDim]}: the layer's forward input
     * @param batch   rows
     * @param inDim   the layer's inputs
     * @param outFrom first output
     * @param outTo   one past the last output
     */
    public abstract void backwardWeight(float[] dWeight, int dwOff, float[] dBias, int dbOff, float[] scratch,
                                        float[][] dOut, float[][] in, int batch, int inDim, int outFrom, int outTo);

    /**
     * Whether {@code x[from, to)} holds no NaN or infinity: the input check of every pass and the optimizer's update
     * check. This set's is {@link FiniteScan} (chunk lanes, about 0.1 ns a value); the SIMD set's keeps its sums in
     * vector registers.
     *
     * @param x     the values
     * @param from  first index
     * @param to    one past the last index
     * @param chunk the caller's scratch {@code [FiniteScan.CHUNK]}
     * @param lanes the caller's scratch {@code [FiniteScan.CHUNK]}
     * @return {@code true} when every value is finite (also for an empty range)
     */
    public boolean allFinite(float[] x, int from, int to, float[] chunk, float[] lanes) {
        return FiniteScan.allFinite(x, from, to, chunk, lanes);
    }

    @Override
    public String toString() {
        return name();
    }
}
