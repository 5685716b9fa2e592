package dev.edgetrain.benchmarks.tools;

import dev.edgetrain.runtime.kernels.KernelSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * One core's peak FP32 rate, measured and derived, for the header of the benchmark tables (the GFLOP/s of every
 * edgetrain row is a share of the measured figure).
 * <ul>
 *   <li>measured: 12 independent chains of fused multiply-adds on registers of the preferred Vector API species (no
 *       memory traffic; enough chains to cover the FMA latency of two pipes), best of {@value #RUNS} runs;</li>
 *   <li>derived: FMA pipes × float lanes per pipe × 2 FLOPs × clock, with the pipes and their width from the CPU's
 *       vendor, family and flags (see {@link #pipeBits}) and the clock from the kernel (see {@link #clock}).</li>
 * </ul>
 * The last line, {@code measured-peak-gflops=N}, is for scripts.
 *
 * <p>{@code java --add-modules jdk.incubator.vector -cp benchmarks.jar dev.edgetrain.benchmarks.tools.PeakFlops}
 */
public final class PeakFlops {
    /** The widest vector the CPU runs natively, as the vector kernels use it. */
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Independent accumulator chains: FMA latency (4–5 cycles) × 2 pipes, rounded up, with room to spare. */
    private static final int CHAINS = 12;
    /** Measured runs; the best is kept (the machine may be shared). */
    private static final int RUNS = 20;
    /** Loop trips per measured run: 12 × 40 M vector FMAs, a tenth of a second or so. */
    private static final long TRIPS = 40_000_000L;

    private PeakFlops() {
    }

    public static void main(String[] args) throws IOException {
        float sink = 0;
        for (int k = 0; k < 5; k++) {
            sink += chains(TRIPS / 4); // compiled before it is timed
        }
        double best = 0;
        for (int k = 0; k < RUNS; k++) {
            long t0 = System.nanoTime();
            sink += chains(TRIPS);
            long ns = System.nanoTime() - t0;
            best = Math.max(best, (double) CHAINS * TRIPS * S.length() * 2 / ns);
        }
        CpuInfo cpu = CpuInfo.read();
        System.out.printf(Locale.ROOT, "Vector API preferred species: %d-bit, %d float lanes; edgetrain's kernel"
                + " sets: plain, %s%n", S.vectorBitSize(), S.length(), vectorKernels());
        System.out.printf(Locale.ROOT, "peak FP32, measured: %.1f GFLOP/s on one core (%d independent FMA chains on"
                + " %d-bit registers, best of %d runs; checksum %s)%n", best, CHAINS, S.vectorBitSize(), RUNS,
                Float.isFinite(sink) ? "finite" : "not finite");
        int pipeBits = pipeBits(cpu);
        if (pipeBits == 0) {
            System.out.printf(Locale.ROOT, "peak FP32, derived: unknown (no FMA pipe width known for %s, family %d)%n",
                    cpu.vendor, cpu.family);
        } else {
            int lanes = Math.min(pipeBits, S.vectorBitSize()) / 32;
            int flopsPerCycle = 2 * lanes * 2;
            Clock clock = clock(cpu);
            if (clock == null) {
                System.out.printf(Locale.ROOT, "peak FP32, derived: 2 FMA pipes × %d lanes × 2 FLOP = %d FLOP per"
                        + " cycle; no clock known%n", lanes, flopsPerCycle);
            } else {
                System.out.printf(Locale.ROOT, "peak FP32, derived: 2 FMA pipes × %d lanes × 2 FLOP × %.3f GHz ="
                        + " %.1f GFLOP/s (%s; clock: %s)%n", lanes, clock.ghz, flopsPerCycle * clock.ghz,
                        pipeReason(cpu, pipeBits), clock.source);
            }
            System.out.printf(Locale.ROOT, "the measured peak implies %.2f GHz at %d FLOP per cycle%s%n",
                    best / flopsPerCycle, flopsPerCycle, cpu.flags.contains("hypervisor")
                            ? " (a virtual machine: its /proc/cpuinfo MHz is often the base clock, not the boost"
                            + " clock a busy core runs at)" : "");
        }
        System.out.printf(Locale.ROOT, "measured-peak-gflops=%.1f%n", best);
    }

    /** The vector kernel set's name, or why it is not available. */
    private static String vectorKernels() {
        String unavailable = KernelSet.vectorUnavailableReason();
        return unavailable == null ? KernelSet.named("vector").name() : "no vector kernels (" + unavailable + ")";
    }

    /** {@link #CHAINS} independent FMA chains, {@code trips} times each; returns their sum so nothing is dead. */
    static float chains(long trips) {
        FloatVector a0 = FloatVector.broadcast(S, 1f);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector a4 = a0;
        FloatVector a5 = a0;
        FloatVector a6 = a0;
        FloatVector a7 = a0;
        FloatVector a8 = a0;
        FloatVector a9 = a0;
        FloatVector a10 = a0;
        FloatVector a11 = a0;
        FloatVector m = FloatVector.broadcast(S, 0.999999f);
        FloatVector c = FloatVector.broadcast(S, 1e-7f);
        for (long i = 0; i < trips; i++) {
            a0 = a0.fma(m, c);
            a1 = a1.fma(m, c);
            a2 = a2.fma(m, c);
            a3 = a3.fma(m, c);
            a4 = a4.fma(m, c);
            a5 = a5.fma(m, c);
            a6 = a6.fma(m, c);
            a7 = a7.fma(m, c);
            a8 = a8.fma(m, c);
            a9 = a9.fma(m, c);
            a10 = a10.fma(m, c);
            a11 = a11.fma(m, c);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(VectorOperators.ADD);
    }

    /**
     * The width in bits of each of the core's two FMA pipes, or 0 when not known. Every x86 core with FMA since
     * Intel Haswell and AMD Zen 2 has two; AMD Zen 1 (family 23, model below 0x30) has two of 128 bits, Zen 2 to
     * Zen 4 (family 23 from model 0x30, family 25) two of 256 bits (Zen 4 splits a 512-bit FMA in two), Zen 5
     * (family 26) two of 512 bits (server and desktop parts; the mobile ones split a 512-bit FMA like Zen 4). An
     * Intel core with AVX-512 is taken to have two 512-bit pipes (true of Xeon Gold 6000 and Platinum, Sapphire
     * Rapids and later; some Xeon Silver and Bronze parts have one: the measured peak then shows half), one without
     * AVX-512 two of 256 bits.
     */
    static int pipeBits(CpuInfo cpu) {
        if (!cpu.flags.contains("fma")) {
            return 0;
        }
        if (cpu.vendor.equals("AuthenticAMD") || cpu.vendor.equals("HygonGenuine")) {
            if (cpu.family >= 26) {
                return 512;
            }
            if (cpu.family == 23 && cpu.model < 0x30) {
                return 128;
            }
            return cpu.family >= 23 ? 256 : 128;
        }
        if (cpu.vendor.equals("GenuineIntel")) {
            return cpu.flags.contains("avx512f") ? 512 : 256;
        }
        return 0;
    }

    private static String pipeReason(CpuInfo cpu, int pipeBits) {
        return String.format(Locale.ROOT, "%s family %d model %d: two %d-bit FMA pipes", cpu.vendor, cpu.family,
                cpu.model, pipeBits);
    }

    /** A clock and where it came from. */
    static final class Clock {
        final double ghz;
        final String source;

        Clock(double ghz, String source) {
            this.ghz = ghz;
            this.source = source;
        }
    }

    /**
     * The highest clock the kernel states: the cpufreq driver's maximum (the boost clock, absent in most virtual
     * machines), else /proc/cpuinfo's "cpu MHz" (the current clock on bare metal, often the base clock in a VM).
     */
    static Clock clock(CpuInfo cpu) throws IOException {
        Path max = Paths.get("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq");
        if (Files.isReadable(max)) {
            double khz = Double.parseDouble(new String(Files.readAllBytes(max), StandardCharsets.US_ASCII).trim());
            return new Clock(khz / 1e6, "cpufreq's cpuinfo_max_freq, the maximum boost clock");
        }
        if (cpu.mhz > 0) {
            return new Clock(cpu.mhz / 1e3, "/proc/cpuinfo's \"cpu MHz\"" + (cpu.flags.contains("hypervisor")
                    ? ", in this virtual machine likely the base clock: a busy core may boost higher" : ""));
        }
        return null;
    }

    /** What /proc/cpuinfo says about the first CPU. */
    static final class CpuInfo {
        String vendor = "unknown";
        int family = -1;
        int model = -1;
        double mhz;
        Set<String> flags = new HashSet<>();

        static CpuInfo read() throws IOException {
            CpuInfo cpu = new CpuInfo();
            Path file = Paths.get("/proc/cpuinfo");
            if (!Files.isReadable(file)) {
                return cpu;
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (String line : lines) {
                if (line.isBlank()) {
                    break; // the first CPU only
                }
                int colon = line.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String key = line.substring(0, colon).trim();
                String value = line.substring(colon + 1).trim();
                switch (key) {
                    case "vendor_id":
                        cpu.vendor = value;
                        break;
                    case "cpu family":
                        cpu.family = Integer.parseInt(value);
                        break;
                    case "model":
                        cpu.model = Integer.parseInt(value);
                        break;
                    case "cpu MHz":
                        cpu.mhz = Double.parseDouble(value);
                        break;
                    case "flags":
                    case "Features":
                        cpu.flags.addAll(Arrays.asList(value.split("\\s+")));
                        break;
                    default:
                        break;
                }
            }
            return cpu;
        }
    }
}
