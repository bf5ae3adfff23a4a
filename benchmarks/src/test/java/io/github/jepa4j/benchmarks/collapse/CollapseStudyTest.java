package io.github.jepa4j.benchmarks.collapse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.benchmarks.BenchCli;
import io.github.jepa4j.regularizers.monitor.CollapseMonitor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A 1 x 2 x 1 mini-study (joint-embedding, no anti-collapse vs VICReg) end to end, then its resumption. */
class CollapseStudyTest {
    @TempDir
    Path dir;

    @Test
    void invarianceOnlyCollapsesVicRegDoesNotAndFinishedRunsAreSkipped() throws Exception {
        CollapseStudy.Options o = CollapseStudy.Options.parse("--methods", "joint", "--anti-collapse", "none,vicreg",
                "--seeds", "1", "--steps", "40", "--every", "10", "--batch", "32", "--train-size", "800",
                "--knn-train", "200", "--knn-test", "100", "--monitor-images", "64", "--out", dir.toString());
        List<CollapseRun.Result> first = CollapseStudy.run(o);
        assertEquals(2, first.size());
        Map<String, CollapseRun.Result> by = first.stream().collect(Collectors.toMap(CollapseRun.Result::configuration, r -> r));
        assertTrue(by.get("joint+none").alarmStep() >= 0, "invariance-only siamese must raise the collapse alarm: " + by.get("joint+none"));
        assertEquals(-1, by.get("joint+vicreg").alarmStep(), "VICReg must not collapse: " + by.get("joint+vicreg"));
        assertTrue(by.get("joint+vicreg").finalRankMe() > by.get("joint+none").finalRankMe());
        first.forEach(r -> assertFalse(r.skipped()));

        List<String> combined = Files.readAllLines(dir.resolve(StudyReport.COMBINED));
        assertEquals("run,seed,step,metric,value", combined.get(0));
        for (String cfg : List.of("joint+none", "joint+vicreg")) {
            for (String metric : List.of("loss", CollapseMonitor.RANKME, CollapseMonitor.STD_L2, CollapseMonitor.MIN_STD, CollapseRun.KNN_ACC)) {
                for (int step : new int[] {10, 20, 30, 40}) {
                    String prefix = cfg + ",1," + step + "," + metric + ",";
                    assertTrue(combined.stream().anyMatch(l -> l.startsWith(prefix)), "combined CSV lacks " + prefix);
                }
            }
            assertTrue(combined.stream().anyMatch(l -> l.startsWith(cfg + ",1,0," + CollapseRun.KNN_ACC + ",")), "no step-0 kNN for " + cfg);
            String id = cfg.replace('+', '-') + "-s1";
            assertTrue(Files.exists(dir.resolve(id).resolve(CollapseRun.METRICS)));
            StudyRunConfig saved = StudyRunConfig.load(dir.resolve(id).resolve(CollapseRun.CONFIG));
            assertEquals(o.runs(saved.encoder()).stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow(), saved);
        }
        String summary = Files.readString(dir.resolve(StudyReport.SUMMARY));
        List<String> rows = summary.lines().filter(l -> l.startsWith("| joint+")).toList();
        assertEquals(2, rows.size(), summary);
        assertTrue(rows.get(0).startsWith("| joint+none |") && !rows.get(0).contains("| none |"), summary);
        assertTrue(rows.get(1).startsWith("| joint+vicreg |") && rows.get(1).contains("| none |"), summary);
        for (String png : StudyReport.PLOTTED.values()) {
            if (!png.equals("alpha_req.png")) {
                assertTrue(Files.size(dir.resolve(png)) > 1000, png);
            }
        }

        long t0 = System.nanoTime();
        List<CollapseRun.Result> again = CollapseStudy.run(o);
        double seconds = (System.nanoTime() - t0) / 1e9;
        again.forEach(r -> assertTrue(r.skipped(), r.id() + " was not skipped"));
        assertEquals(first.stream().map(r -> r.alarmStep()).toList(), again.stream().map(r -> r.alarmStep()).toList());
        assertTrue(seconds < first.stream().mapToDouble(CollapseRun.Result::wallSeconds).sum() / 2, "rerun took " + seconds + " s");
    }

    @Test
    void optionsExpandToTheMatrixAndRejectBadInput() {
        CollapseStudy.Options d = CollapseStudy.Options.parse();
        var enc = d.encoder(1, 28, 28);
        assertEquals(2 * 5 * 3, d.runs(enc).size());
        assertEquals(64, enc.dim());
        assertEquals(128, CollapseStudy.Options.parse("--model", "ref").encoder(1, 28, 28).dim());
        var sub = CollapseStudy.Options.parse("--methods", "ijepa", "--anti-collapse", "none,vicreg", "--seeds", "2", "--steps", "50");
        assertEquals(List.of("ijepa-none-s1", "ijepa-none-s2", "ijepa-vicreg-s1", "ijepa-vicreg-s2"),
                sub.runs(enc).stream().map(StudyRunConfig::id).toList());
        assertEquals(50, sub.runs(enc).get(0).steps());
        var e = assertThrows(IllegalArgumentException.class, () -> CollapseStudy.Options.parse("--bogus", "1"));
        assertTrue(e.getMessage().startsWith("unknown flag '--bogus'; valid: ") && e.getMessage().contains(" --seed-list ")
                && e.getMessage().contains(" --rerun"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> CollapseStudy.Options.parse("--methods", "dino").runs(enc));
        assertTrue(e.getMessage().contains("dino"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CollapseStudy.Options.parse("--parallel", "0"));
        assertThrows(IllegalArgumentException.class, () -> CollapseStudy.Options.parse("--steps"));
        e = assertThrows(IllegalArgumentException.class, () -> CollapseStudy.Options.parse("--steps", "many"));
        assertTrue(e.getMessage().contains("--steps") && e.getMessage().contains("many"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CollapseStudy.Options.parse("--seeds", "0"));
        assertTrue(e.getMessage().contains("--seeds must be >= 1, got 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CollapseStudy.Options.parse("--seeds", "2", "--seed-list", "5"));
        assertTrue(e.getMessage().contains("not both"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CollapseStudy.Options.parse("--model", "huge"));
        assertTrue(e.getMessage().contains("unknown --model 'huge'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CollapseStudy.Options.parse("--rerun", "x/config.json"));
    }

    @Test
    void everyFlagReachesItsOption() {
        var o = CollapseStudy.Options.parse("--methods", "Joint", "--anti-collapse", " none , vicreg", "--seed-list", "7,9",
                "--steps", "40", "--batch", "16", "--every", "10", "--lr", "2e-3", "--data", "fashion-mnist", "--data-dir", "/d",
                "--model", "ref", "--train-size", "800", "--knn-train", "200", "--knn-test", "100", "--monitor-images", "64",
                "--workers", "2", "--parallel", "3", "--out", "o", "--steps", "41");
        assertEquals(new CollapseStudy.Options(List.of("joint"), List.of("none", "vicreg"), List.of(7L, 9L), 41, 16, 10, 2e-3,
                "fashion-mnist", "/d", "ref", 800, 200, 100, 64, 2, 3, Path.of("o")), o);
        assertEquals(CollapseStudy.Options.defaults(), CollapseStudy.Options.parse());
        assertEquals(List.of(1L, 2L), CollapseStudy.Options.parse("--seeds", "2").seeds());
    }

    @Test
    void helpListsEveryFlagWithItsDefault() {
        var e = assertThrows(IllegalArgumentException.class, () -> CollapseStudy.Options.parse("--help"));
        String usage = e.getMessage();
        for (String flag : List.of("--methods", "--anti-collapse", "--seeds", "--seed-list", "--steps", "--batch", "--every", "--lr",
                "--data", "--data-dir", "--model", "--train-size", "--knn-train", "--knn-test", "--monitor-images", "--workers",
                "--parallel", "--out", "--rerun")) {
            assertTrue(usage.contains(flag), flag + " missing from\n" + usage);
        }
        assertTrue(usage.contains("Default: ijepa,joint") && usage.contains("Default: 150"), usage);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, BenchCli.execute(new CollapseStudy.Flags(), "-h"));
        } finally {
            System.setOut(stdout);
        }
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("Usage: jepa4j bench collapse"), out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void badFlagsOnTheCommandLineExitWithCode2() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertEquals(2, BenchCli.execute(new CollapseStudy.Flags(), "--bogus", "1"));
            assertEquals(2, BenchCli.execute(new CollapseStudy.Flags(), "--methods", "dino"));
            assertEquals(2, BenchCli.execute(new CollapseStudy.Flags(), "--rerun", "x/config.json", "--steps", "5"));
        } finally {
            System.setErr(stderr);
        }
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("unknown flag '--bogus'") && text.contains("Usage: jepa4j bench collapse"), text);
        assertTrue(text.contains("unknown method 'dino' in --methods"), text);
        assertTrue(text.contains("--rerun takes only --out") && text.contains("--steps"), text);
    }
}
