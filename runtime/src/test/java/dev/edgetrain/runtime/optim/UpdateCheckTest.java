package dev.edgetrain.runtime.optim;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetrain.runtime.Network;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.ParameterLayout;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Optimizer#lastUpdateFinite()}: an update that overflows one parameter, wherever it lies (first, across the
 * check's 1,024-wide chunk boundaries, the last weight of a layer, a bias, the very last parameter), is reported;
 * finite updates are not.
 */
class UpdateCheckTest {
    /** Layer 0's weights (2,400) span three chunks, the last one partial; layer 1's (183) are under one chunk. */
    private static final NetworkSpec SPEC = NetworkSpec.of(40, 60, 3);

    static Stream<Arguments> optimizersAndPositions() {
        ParameterLayout layout = new Network(SPEC, 1).layout();
        int[] positions = {0, 1023, 1024, 2047, 2048, layout.weightOffset(0) + layout.weightSize(0) - 1,
            layout.biasOffset(0), layout.weightOffset(1) + 5, layout.biasOffset(1) + 1, layout.size() - 1};
        Stream.Builder<Arguments> cases = Stream.builder();
        for (String name : new String[] {"sgd", "momentum", "nesterov", "adam", "adamw"}) {
            for (int p : positions) {
                cases.add(Arguments.of(name, p));
            }
        }
        return cases.build();
    }

    private static OptimizerConfig config(String name) {
        final float lr = 1e38f;
        switch (name) {
            case "sgd":
                return OptimizerConfig.sgd(lr);
            case "momentum":
                return OptimizerConfig.sgd(lr).withMomentum(0.9f, false);
            case "nesterov":
                return OptimizerConfig.sgd(lr).withMomentum(0.9f, true);
            case "adam":
                return OptimizerConfig.adam(lr);
            default:
                return OptimizerConfig.adamW(lr, 1e-30f);
        }
    }

    @ParameterizedTest(name = "{0}, parameter {1}")
    @MethodSource("optimizersAndPositions")
    void anUpdateThatOverflowsOneParameterIsReportedWhereverItLies(String name, int position) {
        Network network = new Network(SPEC, 3);
        ParameterLayout layout = network.layout();
        float[] params = network.copyParameters();
        float[] grads = new float[params.length]; // [parameters]: zero, so every other parameter stays as it is
        boolean[] trainable = new boolean[layout.layerCount()];
        Arrays.fill(trainable, true);
        Optimizer opt = config(name).create(params.length);
        opt.setUpdateCheck(true);
        // A finite gradient, a finite rate and a finite parameter whose update lands beyond the float range:
        // -3e38 - 1e38·(about 1) for every rule here.
        params[position] = -3e38f;
        grads[position] = 1f;
        opt.step(params, grads, layout, trainable);
        assertTrue(Float.isInfinite(params[position]), "the update overflowed: " + params[position]);
        assertFalse(opt.lastUpdateFinite(), name + ": the overflow of " + layout.describe(position) + " is reported");

        params[position] = 0.5f; // finite again, and a finite update now: reported as finite
        grads[position] = 0f;
        opt.step(params, grads, layout, trainable);
        assertTrue(opt.lastUpdateFinite(), name + ": a finite update is reported as finite");
    }

    @ParameterizedTest(name = "{0}, parameter {1}")
    @MethodSource("optimizersAndPositions")
    void withTheCheckOffOrTheLayerFrozenNothingIsReported(String name, int position) {
        Network network = new Network(SPEC, 3);
        ParameterLayout layout = network.layout();
        float[] params = network.copyParameters();
        float[] grads = new float[params.length];
        boolean[] trainable = new boolean[layout.layerCount()];
        Arrays.fill(trainable, true);
        Optimizer opt = config(name).create(params.length);
        params[position] = -3e38f;
        grads[position] = 1f;
        opt.step(params, grads, layout, trainable);
        assertTrue(opt.lastUpdateFinite(), "unchecked steps report nothing (the check is off by default)");

        opt.setUpdateCheck(true);
        params[position] = Float.NaN; // as if left by an earlier unchecked step, in a layer this step does not update
        grads[position] = 0f;
        int layer = position < layout.layerEnd(0) ? 0 : 1;
        trainable[layer] = false;
        opt.step(params, grads, layout, trainable);
        assertTrue(opt.lastUpdateFinite(), "the check covers what the step wrote: frozen layers are not its business");
        trainable[layer] = true;
        opt.step(params, grads, layout, trainable);
        assertFalse(opt.lastUpdateFinite(), "once the layer trains, its NaN is the step's result and is reported");
    }
}
