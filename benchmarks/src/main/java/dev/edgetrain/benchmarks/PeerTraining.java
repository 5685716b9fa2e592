package dev.edgetrain.benchmarks;

import dev.edgetrain.benchmarks.peers.Trainee;

/** What the peers' training benchmarks share: the trainee, built in setup, checked for one thread. */
abstract class PeerTraining {
    Trainee trainee;

    /** Fails unless the native libraries were told to use one thread (benchmarks/run.sh exports these). */
    static void requireOneNativeThread(String... variables) {
        for (String v : variables) {
            if (!"1".equals(System.getenv(v))) {
                throw new IllegalStateException("environment variable " + v + " is " + System.getenv(v)
                        + ", expected 1: the training comparison is single-threaded (run benchmarks/run.sh)");
            }
        }
    }

    void build(Trainee.Factory factory, String net, int batch) {
        Architecture arch = Architecture.parse(net);
        trainee = factory.create(arch, Datasets.forArchitecture(arch), batch, 7);
        for (int i = 0; i < 3; i++) {
            trainee.step(); // native libraries initialise lazily: keep that out of the first iteration
        }
    }

    void close() {
        if (trainee != null) {
            trainee.close();
        }
    }
}
