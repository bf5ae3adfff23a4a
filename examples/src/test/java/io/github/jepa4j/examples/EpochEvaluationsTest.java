package io.github.jepa4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EpochEvaluationsTest {
    private static EpochEvaluations evals(Path out, List<Integer> epochs) {
        return new EpochEvaluations(epochs, 8, () -> {
            throw new AssertionError("not evaluated in this test");
        }, out);
    }

    @Test
    void theFinalEvaluationCanReuseTheOneMadeAtTheSameStep(@TempDir Path out) throws Exception {
        EpochEvaluations e = evals(out, List.of(1, 3));
        Evaluation.Result first = new Evaluation.Result(0.5, 0.4, 3.0, 0.05, 16);
        Evaluation.Result last = new Evaluation.Result(0.7, 0.6, 5.0, 0.06, 16);
        e.record(1, 8, first, 1.5);
        assertSame(first, e.resultAt(8));
        e.record(3, 24, last, 4.5);
        assertSame(last, e.resultAt(24), "the run's last step: reused, not evaluated again");
        assertNull(e.resultAt(8), "only the latest evaluation is kept");
        assertNull(e.resultAt(16), "no evaluation after 16 steps");
        List<String> lines = Files.readAllLines(out.resolve(EpochEvaluations.FILE));
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(2).startsWith("3,24,0.700000,0.600000,5.000000,0.060000,4.500"), lines.get(2));
    }

    @Test
    void rowsOfAResumedRunAreNotReusedForTheSummary(@TempDir Path out) {
        evals(out, List.of(3)).record(3, 24, new Evaluation.Result(0.7, 0.6, 5.0, 0.06, 16), 4.5);
        EpochEvaluations resumed = evals(out, List.of(3));
        assertEquals(1, resumed.rows().size(), "the row is read back from evals.csv");
        assertNull(resumed.resultAt(24), "the resumed process evaluates its final encoder itself");
    }

    @Test
    void theProbesL2IsWrittenAndReadBackAndOlderRowsReadAsUnknown(@TempDir Path out) throws Exception {
        evals(out, List.of(1)).record(1, 8, new Evaluation.Result(0.7, 0.6, 5.0, 0.06, 16, 1e-5), 1.5);
        List<String> lines = Files.readAllLines(out.resolve(EpochEvaluations.FILE));
        assertTrue(lines.get(0).endsWith(",train_seconds,linear_probe_l2"), lines.get(0));
        assertTrue(lines.get(1).endsWith(",1.500,1.0E-5"), lines.get(1));
        assertEquals(1e-5, evals(out, List.of(1)).rows().get(0).linearProbeL2(), 0.0);
        assertEquals(1e-5, evals(out, List.of(1)).rows().get(0).asMap().get("linear_probe_l2"));
        // A row written before the probe chose its l2 (seven columns) still reads; its l2 is unknown.
        Path old = out.resolve("old");
        Files.createDirectories(old);
        Files.writeString(old.resolve(EpochEvaluations.FILE),
                "epoch,step,linear_probe_acc,knn_acc,rankme,std_l2,train_seconds\n3,24,0.7,0.6,5.0,0.06,4.5\n");
        EpochEvaluations.Row row = evals(old, List.of(3)).rows().get(0);
        assertTrue(Double.isNaN(row.linearProbeL2()));
        assertTrue(!row.asMap().containsKey("linear_probe_l2"));
    }
}
