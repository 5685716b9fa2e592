package dev.edgetrain.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.Rng;
import dev.edgetrain.runtime.Task;
import dev.edgetrain.runtime.Workspace;
import org.junit.jupiter.api.Test;

/**
 * Which kernel set a JVM computes with, and that the choice changes results only by rounding. Runs in the runtime's
 * build (no SIMD jar: plain) and again in edgetrain-simd's, where {@code edgetrain.kernels=vector}.
 */
class KernelSetChoiceTest {
    @Test
    void activeSetFollowsThePropertyAndWhatIsAvailable() {
        final String asked = System.getProperty(KernelSet.PROPERTY, "auto");
        final KernelSet active = KernelSet.active();
        if (asked.equals("plain") || (asked.equals("auto") && KernelSet.vectorUnavailableReason() != null)) {
            assertSame(KernelSet.plain(), active);
        } else {
            assertTrue(active.name().startsWith("vector"), "asked for " + asked + ", got " + active.name());
        }
        final NetworkSpec spec = NetworkSpec.builder(5).hidden(40).output(3, Task.CLASSIFY).build();
        assertSame(active, new Network(spec, 1).kernels(), "a new network computes with the active set");
    }

    @Test
    void unknownNamesAreRefusedWithTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelSet.named("simd"));
        assertEquals("unknown kernel set 'simd', expected one of [auto, plain, vector]", e.getMessage());
    }

    @Test
    void askingForVectorKernelsGivesThemOrSaysWhyNot() {
        final String reason = KernelSet.vectorUnavailableReason();
        if (reason == null) {
            assertTrue(KernelSet.named("vector").name().startsWith("vector ("), KernelSet.named("vector").name());
            assertEquals(KernelSet.named("vector").name(), KernelSet.named("auto").name());
            return;
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> KernelSet.named("vector"));
        assertEquals("the vector kernels are not available: " + reason, e.getMessage());
        assertSame(KernelSet.plain(), KernelSet.named("auto"));
        assertTrue(reason.startsWith("edgetrain-simd is not on the class path") || reason.contains("--add-modules")
                || reason.contains("vector holds"), "the reason names the missing jar, module or vector width: "
                + reason);
    }

    @Test
    void everySetPredictsWhatThePlainKernelsPredict() {
        final NetworkSpec spec = NetworkSpec.builder(37).hidden(70).hidden(33).output(10, Task.CLASSIFY).build();
        final Network plain = new Network(spec, 7).withKernels(KernelSet.plain());
        final Network active = plain.withKernels(KernelSet.active());
        assertSame(KernelSet.plain(), plain.kernels());
        final int batch = 23;
        final Rng rng = new Rng(3);
        final float[] x = new float[batch * 37];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        final float[] expected = new float[batch * 10];
        final float[] actual = new float[batch * 10];
        plain.predictLogits(new Workspace(spec, batch), x, 0, batch, expected, 0);
        active.predictLogits(new Workspace(spec, batch), x, 0, batch, actual, 0);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-4f * Math.max(1f, Math.abs(expected[i])), "logit " + i);
        }
        final float[] again = new float[batch * 10];
        plain.withKernels(KernelSet.plain()).predictLogits(new Workspace(spec, batch), x, 0, batch, again, 0);
        assertEquals(java.util.Arrays.toString(expected), java.util.Arrays.toString(again),
                "the same set gives the same bits");
    }
}
