package dev.edgetrain.benchmarks.kernels;

import java.util.Arrays;
import java.util.Locale;

/**
 * Exploration aid, not a published figure: times each kernel variant call by call and prints the minimum
 * and median, which stay readable while other processes load the machine (JMH's means do not).
 * {@code java -cp benchmarks.jar dev.edgetrain.benchmarks.kernels.KernelProbe [shape...]}
 */
public final class KernelProbe {
    private KernelProbe() {
    }

    public static void main(String[] args) throws Exception {
        String[] shapes = args.length > 0 ? args : new String[] {"32x784x128", "64x784x256", "32x64x32", "1x784x128",
            "256x784x256"};
        String[] methods = {"forwardRuntime", "forward8", "forward8Blocked", "forward2x4", "backwardWeightRuntime",
            "backwardWeight8", "backwardWeight8Blocked", "backwardWeightViaTranspose", "backwardInputFlat",
            "forwardRowArrays", "backwardWeightRowArrays", "forwardRA4", "forwardRA2x2", "forwardRA2x3",
            "backwardWeightRA4", "backwardWeightRA2x2", "transposeRows", "runtimeForwardRows",
            "runtimeBackwardWeightRows", "forwardT23", "forwardT22", "backwardWeightT23", "backwardWeightT22",
            "transposeByRow", "transposeByRow4"};
        String only = System.getProperty("only");
        for (String shape : shapes) {
            KernelBench k = new KernelBench();
            k.shape = shape;
            k.block = Integer.getInteger("block", 16);
            k.setUp();
            long macs = (long) k.batch * k.in * k.out;
            for (String m : methods) {
                if (only != null && !m.matches(only)) {
                    continue;
                }
                java.lang.reflect.Method method = KernelBench.class.getMethod(m);
                long budget = System.nanoTime() + 1_500_000_000L;
                int warm = 0;
                while (System.nanoTime() < budget - 1_000_000_000L || warm < 20) {
                    method.invoke(k);
                    warm++;
                }
                long[] t = new long[400];
                int n = 0;
                while (n < t.length && (System.nanoTime() < budget || n < 20)) {
                    long s = System.nanoTime();
                    method.invoke(k);
                    t[n++] = System.nanoTime() - s;
                }
                long[] ts = Arrays.copyOf(t, n);
                Arrays.sort(ts);
                double min = ts[0] / 1e3;
                double med = ts[n / 2] / 1e3;
                System.out.printf(Locale.ROOT, "%-12s %-28s min %9.2f us  med %9.2f us  %6.1f GFLOP/s (min)%n",
                        shape, m, min, med, 2.0 * macs / (ts[0]));
            }
        }
    }
}
