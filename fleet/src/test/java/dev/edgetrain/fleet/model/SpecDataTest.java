package dev.edgetrain.fleet.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.edgetrain.runtime.Activation;
import dev.edgetrain.runtime.NetworkSpec;
import dev.edgetrain.runtime.Task;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

class SpecDataTest {
    @Test
    void everyLayerOptionAndTheTaskSurviveSerialisation() throws Exception {
        NetworkSpec spec = NetworkSpec.builder(12)
                .hidden(16, Activation.leakyRelu(0.2f)).layerNorm(1e-6f).dropout(0.25f)
                .hidden(8, Activation.GELU_TANH).bias(false)
                .output(3, Task.MULTILABEL).activation(Activation.TANH)
                .build();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new SpecData(spec));
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(spec, ((SpecData) in.readObject()).spec());
        }
    }
}
