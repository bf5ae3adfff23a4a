package io.github.jepa4j.benchmarks.speed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.core.train.PhaseTimes.Phase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The speed harness on the reference model with 2 measured steps, and its parts. */
class SpeedTableTest {
    @TempDir
    Path dir;

    @Test
    void tinyModelTwoStepsWritesTableAndCsvWithPhasesThatTileTheStep() throws Exception {
        SpeedTable.Options o = SpeedTable.Options.parse("--presets", "ref", "--batches", "8", "--steps", "3", "--warmup", "1",
                "--group", "2", "--out", dir.toString(), "--note", "test run");
        List<SpeedRow> rows = SpeedTable.run(o);
        assertEquals(1, rows.size());
        SpeedRow r = rows.get(0);
        assertEquals(8, r.batch());
        assertTrue(r.medianMs() > 0 && r.sgemmGflops() > 0 && r.peakRssMb() > 0 && r.flopsPerStep() > 1e9, r.toString());
        assertEquals(3, r.steps());
        assertEquals(3 * 2, r.sgemm().samples(), "three timed sgemm calls after each of the two groups of measured steps");
        // Per step, the laps tile the step: phases sum to the trainer's step time up to bookkeeping outside them.
        for (int i = 0; i < r.steps(); i++) {
            double sum = 0;
            for (Phase p : Phase.values()) {
                double v = r.phaseMs().get(p)[i];
                assertTrue(v >= 0, p + " = " + v);
                sum += v;
            }
            double step = r.stepMs()[i];
            assertEquals(step, sum, 0.05 * step + 1.0, "step " + i + ": phases sum to " + sum + " ms of " + step + " ms");
            assertTrue(r.phaseMs().get(Phase.TARGET_FORWARD)[i] > 0 && r.phaseMs().get(Phase.CONTEXT_FORWARD)[i] > 0
                    && r.phaseMs().get(Phase.BACKWARD)[i] > 0 && r.phaseMs().get(Phase.OPTIMISER)[i] > 0
                    && r.phaseMs().get(Phase.EMA)[i] > 0, "the task and trainer phases must all be timed");
        }
        assertEquals(r.medianMs(), r.phaseMedianSumMs(), 0.25 * r.medianMs() + 1.0);

        String md = SpeedTable.markdown(rows, o);
        SpeedTable.write(o.out(), md, SpeedTable.csv(rows));
        List<String> table = Files.readAllLines(dir.resolve("speed.md")).stream().filter(l -> l.startsWith("|")).toList();
        assertEquals(3, table.size(), md);
        String header = table.get(0);
        for (String col : List.of("preset", "batch", "ms/step", "data", "target fwd", "ctx fwd + pred", "backward", "optimiser",
                "EMA", "throughput", "GFLOP/s", "sgemm GFLOP/s", "sgemm p10–p90", "% of sgemm", "1-thread sgemm", "peak RSS MB")) {
            assertTrue(header.contains("| " + col + " |"), "missing column " + col + " in " + header);
        }
        long cells = header.chars().filter(c -> c == '|').count();
        assertEquals(cells, table.get(2).chars().filter(c -> c == '|').count(), table.get(2));
        assertTrue(table.get(2).startsWith("| ref | ") && table.get(2).contains("images/s"), table.get(2));
        assertTrue(md.contains("Backend CPU") && md.contains("test run"), md);
        assertTrue(md.contains("`./jepa4j bench speed --presets ref --batches ref=8 --steps 3 --warmup 1 --group 2`"), md);

        List<String> csv = Files.readAllLines(dir.resolve("speed.csv"));
        assertEquals(2, csv.size());
        assertTrue(csv.get(0).startsWith("preset,model,unit,batch,steps,median_ms,") && csv.get(0).contains("ema_ms"), csv.get(0));
        assertTrue(csv.get(1).startsWith("ref,"), csv.get(1));
        assertTrue(csv.get(0).contains(",sgemm_gflops,sgemm_p10_gflops,sgemm_p90_gflops,sgemm_1t_gflops,"), csv.get(0));
        assertEquals(csv.get(0).split(",").length, csv.get(1).split(",").length, csv.get(1));
    }

    @Test
    void batchesApplyToAllPresetsOrPerPreset() {
        var all = SpeedTable.Options.parse("--presets", "ref,vit-tiny", "--batches", "2,4");
        assertEquals(Map.of("ref", List.of(2, 4), "vit-tiny", List.of(2, 4)), all.batches());
        var per = SpeedTable.Options.parse("--presets", "ref,vit-tiny,video-tiny", "--batches", "ref=64/128,3");
        assertEquals(List.of(64, 128), per.batches().get("ref"));
        assertEquals(List.of(3), per.batches().get("vit-tiny"));
        var defaults = SpeedTable.Options.parse();
        assertEquals(SpeedPreset.NAMES, List.copyOf(defaults.batches().keySet()));
        assertEquals(List.of(64), defaults.batches().get("ref"));
        assertThrows(IllegalArgumentException.class, () -> SpeedTable.Options.parse("--presets", "vit-huge"));
        assertThrows(IllegalArgumentException.class, () -> SpeedTable.Options.parse("--batches", "0"));
        assertThrows(IllegalArgumentException.class, () -> SpeedTable.Options.parse("--steps"));
    }

    @Test
    void scheduleMeasuresGroupsBackToBackAndSamplesAfterEach() {
        // 2 warm-up steps, 7 measured in groups of 3, 1 re-warm step after each sample.
        var s = new SpeedTable.Schedule(2, 7, 3, 1);
        int[] index = new int[12];
        StringBuilder samples = new StringBuilder();
        for (int step = 0; step < 12; step++) {
            index[step] = s.measuredIndex(step);
            if (s.sampleAfter(step)) {
                samples.append(step).append(' ');
            }
        }
        assertArrayEquals(new int[] {-1, -1, 0, 1, 2, -1, 3, 4, 5, -1, 6, -1}, index);
        assertEquals("4 8 10 ", samples.toString(), "after each full group and after the last, partial one");
        assertEquals(3, s.groups());
        assertEquals(11, s.totalSteps(), "no re-warm step after the last group");

        // The schedule before session 13: a sample after every measured step, nothing in between.
        var every = SpeedTable.Schedule.everyStep(3, 4);
        assertEquals(7, every.totalSteps());
        for (int step = 3; step < 7; step++) {
            assertEquals(step - 3, every.measuredIndex(step));
            assertTrue(every.sampleAfter(step));
        }
        assertEquals(-1, every.measuredIndex(7));
        var e = assertThrows(IllegalArgumentException.class, () -> new SpeedTable.Schedule(0, 5, 0, 1));
        assertTrue(e.getMessage().contains("group=0"), e.getMessage());
    }

    @Test
    void flagsParseWithHelpAndUnknownFlagsReported() {
        IllegalArgumentException e0;
        var o = SpeedTable.Options.parse("--presets", "ref", "--steps", "5", "--warmup", "0", "--seed", "9", "--out", "x",
                "--note", "n", "--rss-steps", "4");
        assertEquals(new SpeedTable.Options(List.of("ref"), Map.of("ref", List.of(64)), 5, 0, 5, 1, 9, Path.of("x"), "n", 4), o);
        var d = SpeedTable.Options.parse();
        assertEquals(List.of(20, 50, 5, 1, 1L, Path.of("runs/bench-speed"), 0),
                List.of(d.steps(), d.warmup(), d.group(), d.rewarm(), d.seed(), d.out(), d.rssSteps()));
        e0 = assertThrows(IllegalArgumentException.class, () -> SpeedTable.Options.parse("--group", "0"));
        assertTrue(e0.getMessage().contains("group=0"), e0.getMessage());
        var e = assertThrows(IllegalArgumentException.class, () -> SpeedTable.Options.parse("--bogus", "1"));
        assertTrue(e.getMessage().startsWith("unknown flag '--bogus'; valid: ") && e.getMessage().contains("--rss-steps"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SpeedTable.Options.parse("--help"));
        for (String flag : List.of("--presets", "--batches", "--steps", "--warmup", "--group", "--rewarm", "--seed", "--out", "--note",
                "--rss-steps")) {
            assertTrue(e.getMessage().contains(flag), flag + " missing from\n" + e.getMessage());
        }
        assertTrue(e.getMessage().startsWith("Usage: jepa4j bench speed"), e.getMessage());
    }

    @Test
    void flopCountMatchesTheGemmsOfABlock() {
        // d=4, hidden=8, 2 sequences of 3 tokens: qkv 2*6*4*12 + proj 2*6*4*4 + MLP 2*(2*6*4*8) + QK^T and PV 2*(2*2*3*3*4).
        assertEquals(576 + 192 + 768 + 288, StepFlops.blocks(4, 8, 1, 2, 3), 1e-9);
        assertEquals(2 * StepFlops.blocks(4, 8, 1, 2, 3), StepFlops.blocks(4, 8, 2, 2, 3), 1e-9);
        var video = SpeedPreset.of("video-tiny").encoder();
        // Tubelet 2 x 16 x 16 x 3 channels = 1536 inputs per token, 1568 tokens, width 192.
        assertEquals(2.0 * 1568 * 1536 * 192, StepFlops.patchEmbed(video, 1), 1e-3);
        // The last block at 2 of 3 tokens: qkv on all 3 (576), proj 2*4*4*4 = 128, MLP 2*(2*4*4*8) = 512,
        // QK^T and PV with 2 queries 2*(2*2*2*3*4) = 192; at all 3 tokens it is the whole block.
        assertEquals(576 + 128 + 512 + 192, StepFlops.lastBlockAt(4, 8, 2, 3, 2), 1e-9);
        assertEquals(StepFlops.blocks(4, 8, 1, 2, 3), StepFlops.lastBlockAt(4, 8, 2, 3, 3), 1e-9);
        // Unions of target blocks: input 0 {1, 2, 3}, input 1 {4}, input 2 {0, 5, 6, 7}.
        int[][][] blocks = {{{1, 2}, {4, 4}, {0, 5}}, {{2, 3}, {4, 4}, {6, 7}}};
        assertEquals(3, StepFlops.longestUnion(blocks, 0, 2));
        assertEquals(4, StepFlops.longestUnion(blocks, 1, 3));
    }
}
