package io.github.jepa4j.benchmarks.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.jepa4j.benchmarks.BenchCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quality benchmark end to end on a tiny shapes recipe: train, baselines, verdict, reuse, re-scoring, bad input. */
class QualityTargetTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private String[] args(String... more) {
        List<String> a = new ArrayList<>(List.of("--data", "shapes", "--train-size", "256", "--epochs", "1", "--batch", "32",
                "--eval-train", "200", "--eval-test", "100", "--workers", "1"));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void trainsComparesWithBothBaselinesReusesFinishedWorkAndRescoresOldSummaries() throws Exception {
        Path out = dir.resolve("bench");
        QualityReport r = QualityTarget.run(QualityTarget.Options.parse(args("--seeds", "0", "--out", out.toString())));

        Path summary = out.resolve("seed-0/summary.json");
        var s = JSON.readTree(summary.toFile());
        assertEquals(1, r.runs().size());
        assertEquals(s.get("linear_probe_acc").asDouble(), r.runs().get(0).linearProbeAcc(), 0.0);
        assertEquals(8, s.get("steps").asInt(), "1 epoch of 256 images at batch 32");
        var pixels = JSON.readTree(out.resolve("pixels.json").toFile());
        assertEquals("pixels", pixels.get("method").asText());
        assertEquals(pixels.get("linear_probe_acc").asDouble(), r.pixels().linearProbeAcc(), 0.0);
        var untrained = JSON.readTree(out.resolve("untrained/summary.json").toFile());
        assertEquals(0, untrained.get("steps").asInt());
        assertEquals(untrained.get("linear_probe_acc").asDouble(), r.untrained().linearProbeAcc(), 0.0);
        assertEquals(r.markdown(), Files.readString(out.resolve(QualityTarget.REPORT)));
        assertEquals(r.csv(), Files.readString(out.resolve(QualityTarget.CSV)));

        // The exit status is the verdict, and a second call trains nothing again.
        FileTime before = Files.getLastModifiedTime(summary);
        boolean beats = s.get("linear_probe_acc").asDouble() > pixels.get("linear_probe_acc").asDouble()
                && s.get("linear_probe_acc").asDouble() > untrained.get("linear_probe_acc").asDouble();
        assertEquals(beats ? 0 : 1, BenchCli.execute(new QualityTarget.Flags(), args("--seeds", "0", "--out", out.toString())));
        assertEquals(before, Files.getLastModifiedTime(summary));

        // A run summarised by the earlier fixed-l2 probe is re-scored from its checkpoint, with the same probe result.
        Path old = dir.resolve("old-run");
        Files.createDirectories(old);
        try (Stream<Path> files = Files.list(out.resolve("seed-0"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, old.resolve(f.getFileName()));
            }
        }
        ObjectNode stripped = (ObjectNode) JSON.readTree(summary.toFile());
        stripped.remove("linear_probe_l2");
        stripped.put("linear_probe_acc", 0.01);
        JSON.writeValue(old.resolve("summary.json").toFile(), stripped);
        // So is a run that has a final checkpoint but no summary (stopped after its last evaluation).
        Path noSummary = dir.resolve("no-summary");
        Files.createDirectories(noSummary);
        for (String f : List.of("config.json", "last.ckpt")) {
            Files.copy(old.resolve(f), noSummary.resolve(f));
        }
        Path out2 = dir.resolve("bench-runs");
        QualityReport read = QualityTarget.run(QualityTarget.Options.parse(args("--runs", old + "," + noSummary,
                "--out", out2.toString())));
        for (QualityReport.Entry e : read.runs()) {
            assertEquals(r.runs().get(0).linearProbeAcc(), e.linearProbeAcc(), 0.0, e.name());
            assertEquals(r.runs().get(0).knnAcc(), e.knnAcc(), 0.0, e.name());
            assertTrue(e.source().contains("rescored"), e.source());
        }
        try (Stream<Path> cached = Files.list(out2.resolve("rescored"))) {
            assertEquals(2, cached.count());
        }

        // Baselines computed with other settings are not reused: the pixels are recomputed, the untrained run is refused.
        var cachedPixels = (ObjectNode) JSON.readTree(out.resolve("pixels.json").toFile());
        assertEquals(200, cachedPixels.get(QualityTarget.PIXEL_SETTINGS).get("evalTrain").asInt());
        ((ObjectNode) cachedPixels.get(QualityTarget.PIXEL_SETTINGS)).put("evalTrain", 100);
        cachedPixels.put("linear_probe_acc", 0.01);
        JSON.writeValue(out.resolve("pixels.json").toFile(), cachedPixels);
        assertEquals(r.pixels().linearProbeAcc(), QualityTarget.pixels(QualityTarget.Options.parse(args()).recipe(),
                out.resolve("pixels.json")).linearProbeAcc(), 0.0);
        String stale = assertThrows(IllegalArgumentException.class, () -> QualityTarget.untrained(
                QualityTarget.Options.parse(args("--eval-test", "50")).recipe(), 0, out.resolve("untrained"))).getMessage();
        assertTrue(stale.contains("evalTest: run 100, recipe 50"), stale);
        // ... but settings that only shape training do not matter to it.
        assertEquals(r.untrained(), QualityTarget.untrained(QualityTarget.Options.parse(args("--batch", "64", "--epochs", "3")).recipe(),
                0, out.resolve("untrained")));

        // A run of another recipe is refused, naming the setting.
        String wrong = assertThrows(IllegalArgumentException.class, () -> QualityTarget.run(QualityTarget.Options.parse(
                args("--runs", out.resolve("seed-0").toString(), "--batch", "64", "--out", out2.toString())))).getMessage();
        assertTrue(wrong.contains("does not follow the recipe: batch: run 32, recipe 64"), wrong);

        // PyTorch rows are read at the recipe's last epoch; a file of the earlier protocol is refused.
        Path torch = dir.resolve("torch");
        Files.createDirectories(torch);
        Files.writeString(torch.resolve("evals.csv"), "epoch,step,linear_probe_acc,knn_acc,rankme,std_l2,train_seconds,linear_probe_l2\n"
                + "1,8,0.512300,0.4,3.5,0.05,10.0,1e-06\n");
        QualityReport withTorch = QualityTarget.run(QualityTarget.Options.parse(args("--runs", out.resolve("seed-0").toString(),
                "--pytorch", torch.toString(), "--out", out2.toString())));
        assertEquals(0.5123, withTorch.pytorch().get(0).linearProbeAcc(), 1e-12);
        assertEquals("reaches the PyTorch implementation", withTorch.verdicts().get(2).bar());
        Files.writeString(torch.resolve("evals.csv"), "epoch,step,linear_probe_acc,knn_acc,rankme,std_l2,train_seconds\n1,8,0.5,0.4,3.5,0.05,10.0\n");
        String oldTorch = assertThrows(IllegalArgumentException.class, () -> QualityTarget.pytorch(torch, 1)).getMessage();
        assertTrue(oldTorch.contains("evals.csv has no linear_probe_l2 column"), oldTorch);
    }

    @Test
    void badFlagsAreNamed() {
        String both = assertThrows(IllegalArgumentException.class,
                () -> QualityTarget.Options.parse("--seeds", "0", "--runs", "x")).getMessage();
        assertTrue(both.contains("not both"), both);
        String seeds = assertThrows(IllegalArgumentException.class, () -> QualityTarget.Options.parse("--seeds", "0,a")).getMessage();
        assertTrue(seeds.contains("--seeds must list whole numbers, got '0,a'"), seeds);
        String enc = assertThrows(IllegalArgumentException.class, () -> QualityTarget.Options.parse("--probe-encoder", "ema")).getMessage();
        assertTrue(enc.contains("--probe-encoder must be target or context"), enc);
        String missing = assertThrows(IllegalArgumentException.class, () -> QualityTarget.run(QualityTarget.Options.parse(
                args("--runs", dir.resolve("nowhere").toString(), "--out", dir.resolve("o").toString())))).getMessage();
        assertTrue(missing.contains("has no config.json"), missing);
        // A bad --pytorch directory fails before any training.
        Path early = dir.resolve("early");
        String torch = assertThrows(IllegalArgumentException.class, () -> QualityTarget.run(QualityTarget.Options.parse(
                args("--pytorch", dir.resolve("no-torch").toString(), "--out", early.toString())))).getMessage();
        assertTrue(torch.contains("has no evals.csv"), torch);
        assertFalse(Files.exists(early), "nothing may be trained or written before the inputs are checked");
        assertEquals(QualityTarget.Options.defaults(), QualityTarget.Options.parse());
    }
}
