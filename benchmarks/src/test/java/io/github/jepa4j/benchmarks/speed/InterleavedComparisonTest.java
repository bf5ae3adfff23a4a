package io.github.jepa4j.benchmarks.speed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The A/B harness: alternation, summary, and that each build's classes come from its own paths. */
class InterleavedComparisonTest {
    @Test
    void roundsAlternateWhichBuildGoesFirstAndTheSummaryCountsWins() throws Exception {
        List<String> order = new ArrayList<>();
        double[] aMs = {100, 110, 90, 100};
        double[] bMs = {95, 120, 85, 99};
        InterleavedComparison.Result r = InterleavedComparison.run(4, (isA, round) -> {
            order.add((isA ? "A" : "B") + round);
            return isA ? aMs[round] : bMs[round];
        });
        assertEquals(List.of("A0", "B0", "B1", "A1", "A2", "B2", "B3", "A3"), order);
        assertArrayEquals(aMs, r.a());
        assertArrayEquals(bMs, r.b());
        assertEquals(3, r.bFaster());
        assertEquals(100, r.medianA(), 1e-9);
        assertEquals(97, r.medianB(), 1e-9);
        String md = r.markdown("old", "new", "ref", 64, 20);
        assertTrue(md.contains("B / A = 0.970; B faster in 3 of 4 rounds"), md);
        assertTrue(md.contains("| 2 | 110.0 | 120.0 | 1.091 |"), md);
        // A tie is not a win for B.
        assertEquals(0, InterleavedComparison.run(1, (isA, round) -> 100.0).bFaster());
    }

    @Test
    void theBuildsClassesComeFromItsPathsAndOthersFromTheParent() throws Exception {
        // This module's compiled classes stand in for a build: SpeedPreset must be defined by the build's loader.
        URL classes = SpeedPreset.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader cl = new InterleavedComparison.BuildFirstLoader(new URL[] {classes}, getClass().getClassLoader())) {
            Class<?> own = cl.loadClass(SpeedPreset.class.getName());
            assertTrue(own != SpeedPreset.class && own.getClassLoader() == cl, "a jepa4j class is the build's own copy");
            assertEquals(String.class, cl.loadClass("java.lang.String"));
            assertEquals(InterleavedComparison.class, cl.loadClass(InterleavedComparison.class.getName()), "the harness is shared");
        }
    }

    @Test
    void missingPathsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> InterleavedComparison.paths(Path.of("no-such-dir-ab").toString()));
        assertTrue(e.getMessage().contains("no-such-dir-ab"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> InterleavedComparison.paths(":"));
    }
}
