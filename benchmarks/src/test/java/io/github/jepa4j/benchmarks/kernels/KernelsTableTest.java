package io.github.jepa4j.benchmarks.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rendering of JMH's JSON result (the format JMH 1.37 writes with -rf json) as the kernel table. */
class KernelsTableTest {
    private static final String RESULT = """
            [ {"jmhVersion": "1.37", "benchmark": "io.github.jepa4j.benchmarks.kernels.AttentionBenchmark.forward",
               "mode": "avgt", "threads": 1, "forks": 1, "warmupIterations": 1, "warmupTime": "1 s",
               "measurementIterations": 3, "measurementTime": "1 s", "params": {"path": "kernel"},
               "primaryMetric": {"score": 12.3456, "scoreError": 0.5, "scoreUnit": "ms/op"}},
              {"jmhVersion": "1.37", "benchmark": "io.github.jepa4j.benchmarks.kernels.OptimizerBenchmark.ema",
               "mode": "avgt", "threads": 1, "forks": 1, "warmupIterations": 1, "warmupTime": "1 s",
               "measurementIterations": 3, "measurementTime": "1 s",
               "primaryMetric": {"score": 0.34521, "scoreError": "NaN", "scoreUnit": "ms/op"}} ]
            """;

    @TempDir
    Path dir;

    @Test
    void rendersOneRowPerBenchmarkAndParameterSet() throws Exception {
        String md = KernelsTable.markdown(new ObjectMapper().readTree(RESULT), "-wi 1");
        List<String> rows = md.lines().filter(l -> l.startsWith("| ") && !l.startsWith("| benchmark")).toList();
        assertEquals(List.of("| AttentionBenchmark.forward | path=kernel | 12.346 | 0.5000 | ms/op |",
                "| OptimizerBenchmark.ema | – | 0.3452 | NaN | ms/op |"), rows);
        assertTrue(md.contains("JMH 1.37, 1 warm-up × 1 s, 3 measurement × 1 s"), md);
        assertTrue(md.contains("`./jepa4j bench kernels -wi 1`"), md);
        assertThrows(IllegalArgumentException.class, () -> KernelsTable.markdown(new ObjectMapper().readTree("{}"), ""));
    }

    @Test
    void fromRendersAnExistingResultWithoutRunningJmh() throws Exception {
        Path json = dir.resolve("jmh.json");
        Files.writeString(json, RESULT);
        KernelsTable.main(new String[] {"--from", json.toString(), "--out", dir.toString()});
        assertTrue(Files.readString(dir.resolve("kernels.md")).contains("| AttentionBenchmark.forward | path=kernel |"));
        assertEquals("a 'b|c' 'it'\\''s'", KernelsTable.shellWords(new String[] {"a", "b|c", "it's"}));
    }
}
