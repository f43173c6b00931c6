package io.lifeline.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The long fault run, started by {@code bench/faults/run.sh} through failsafe
 * ({@code -Dit.test=FaultBench}); not an {@code *IT}, so {@code mvn verify} does not run it.
 * Parameters as system properties: {@code faults.count} (default 100), {@code faults.seed}
 * (default 1), {@code faults.out} (default {@code bench/faults/work}), {@code faults.kinds}
 * (comma-separated {@link FaultKind} names, default every kind of the shape: a focused run, e.g.
 * {@code PARTITION,ONE_SIDED_PARTITION}), {@code faults.shape} ({@link ClusterShape}: {@code three},
 * the default, {@code arbiter}, {@code four-atb}). The namespaces are {@code ll-<lifeline.lab.tag>fsb...}
 * ({@code Lab}). A benchmark measures: it fails only when the run itself cannot be carried out;
 * the violations are in the summary.
 */
class FaultBench {

    @Test
    void longRun() throws Exception {
        int count = Integer.getInteger("faults.count", 100);
        long seed = Long.getLong("faults.seed", 1L);
        Path out = Path.of(System.getProperty("faults.out",
                Path.of(System.getProperty("lifeline.home", "."), "bench", "faults", "work").toString())).toAbsolutePath();
        if (Files.exists(out)) {
            try (var s = Files.walk(out)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        ClusterShape shape = ClusterShape.parse(System.getProperty("faults.shape", "three"));
        String kindList = System.getProperty("faults.kinds", "");
        java.util.List<FaultKind> kinds = kindList.isBlank() ? shape.kinds
                : shape.focus(java.util.Arrays.stream(kindList.split(",")).map(String::trim)
                        .map(k -> FaultKind.valueOf(k.toUpperCase(java.util.Locale.ROOT))).toList());
        FaultSuite.Result r = FaultSuite.run(shape, seed, count, out, "fsb", kinds);
        System.out.println(r.report().render());
    }
}
