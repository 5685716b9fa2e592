package dev.edgetrain.fleet.cli;

import dev.edgetrain.fleet.spark.FleetSpark;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where the job runs: {@code --master} and {@code --conf}, shared by every fleet command. */
final class SparkOptions {
    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master: local[*] (default, every core here), local[N], spark://host:7077, yarn, "
                    + "k8s://…; under spark-submit, the one it was given.")
    String master;

    @Option(names = "--conf", paramLabel = "KEY=VALUE",
            description = "A Spark setting, e.g. spark.executor.memory=2g (repeatable).")
    Map<String, String> conf = new LinkedHashMap<>();

    FleetSpark start(String appName) {
        return FleetSpark.start(master, appName, conf);
    }
}
