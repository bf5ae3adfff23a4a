package io.github.jepa4j.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.jepa4j.core.checkpoint.Checkpoint;
import io.github.jepa4j.examples.Jepa4j;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user runs it: train, summary, kill -9 mid-run, resume, eval, bad input. */
class CliEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Small enough to run in seconds; same settings in every run of this test. */
    static List<String> small(Path out) {
        return new ArrayList<>(List.of("train", "--out", out.toString(), "--train-size", "512", "--batch", "16",
                "--max-steps", "24", "--checkpoint-every", "4", "--log-every", "4", "--eval-train", "256",
                "--eval-test", "128", "--workers", "1", "--seed", "3"));
    }

    static JsonNode summary(Path out) throws IOException {
        return JSON.readTree(out.resolve("summary.json").toFile());
    }

    @Test
    void evaluatesAtTheRequestedEpochs(@TempDir Path tmp) throws Exception {
        // 256 images in batches of 32: 8 steps per epoch; evaluate after epochs 1 and 3 of 3.
        Path out = tmp.resolve("epochs");
        assertEquals(0, Jepa4j.execute("train", "--out", out.toString(), "--train-size", "256", "--batch", "32",
                "--epochs", "3", "--eval-epochs", "1,3", "--log-every", "4", "--eval-train", "128", "--eval-test", "64",
                "--workers", "1", "--seed", "5"));
        List<String> rows = Files.readAllLines(out.resolve("evals.csv"));
        assertEquals(3, rows.size(), "header + epochs 1 and 3: " + rows);
        assertTrue(rows.get(1).startsWith("1,8,"), rows.get(1));
        assertTrue(rows.get(2).startsWith("3,24,"), rows.get(2));
        JsonNode s = summary(out);
        assertEquals(2, s.get("evaluations").size(), s.toString());
        // The last in-training evaluation and the final one see the same encoder.
        assertEquals(s.get("linear_probe_acc").asDouble(), s.get("evaluations").get(1).get("linear_probe_acc").asDouble(), 1e-12);
        assertError("evaluation epochs must be >= 1", "train", "--eval-epochs", "0", "--out", tmp.resolve("e0").toString());
    }

    @Test
    void resumeAfterSigkillMatchesAnUninterruptedRun(@TempDir Path tmp) throws Exception {
        Path a = tmp.resolve("a");
        assertEquals(0, Jepa4j.execute(small(a).toArray(String[]::new)));
        JsonNode sa = summary(a);
        for (String k : List.of("method", "dataset", "epochs", "steps", "linear_probe_acc", "knn_acc", "rankme", "std_l2",
                "images_per_second", "wall_seconds", "peak_rss_mb", "param_checksum")) {
            assertTrue(sa.has(k), "summary.json lacks " + k + ": " + sa);
        }
        assertEquals(24, sa.get("steps").asInt());
        assertTrue(Files.size(a.resolve("loss.png")) > 1000, "loss plot written");
        assertTrue(Files.readString(a.resolve("metrics.csv")).contains("\n24,loss,"));

        // The same run in another JVM, killed with SIGKILL once it has checkpointed, then resumed here.
        Path b = tmp.resolve("b");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Jepa4j.class.getName()));
        cmd.addAll(small(b));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("b.log").toFile());
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        pb.environment().put("MALLOC_ARENA_MAX", "2");
        Process p = pb.start();
        Path ckpt = b.resolve("last.ckpt");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        long killedAt = -1;
        while (System.nanoTime() < deadline && p.isAlive()) {
            if (Files.exists(ckpt)) {
                long step = Checkpoint.load(ckpt).step();
                if (step >= 8 && step < 24) {
                    p.destroyForcibly(); // SIGKILL on Linux
                    p.waitFor();
                    killedAt = step;
                    break;
                }
            }
            Thread.sleep(20);
        }
        assertTrue(killedAt > 0, "the subprocess should be killed mid-run; log: " + Files.readString(tmp.resolve("b.log")));
        assertNotEquals(0, p.exitValue());
        assertTrue(Checkpoint.load(ckpt).step() < 24, "killed before the end");

        List<String> resume = small(b);
        resume.add("--resume");
        assertEquals(0, Jepa4j.execute(resume.toArray(String[]::new)));
        JsonNode sb = summary(b);
        assertEquals(24, sb.get("steps").asInt());
        assertEquals(sa.get("param_checksum").asText(), sb.get("param_checksum").asText(),
                "resumed run (killed at step " + killedAt + ") must end with bit-identical encoder parameters");

        // eval on the saved checkpoint reproduces the summary's evaluation (of the EMA target by default).
        JsonNode ev = evalJson("eval", "--checkpoint", a.resolve("last.ckpt").toString(), "--eval-train", "256", "--eval-test", "128");
        assertEquals(sa.get("param_checksum").asText(), ev.get("param_checksum").asText());
        assertEquals(sa.get("rankme").asDouble(), ev.get("rankme").asDouble(), 1e-9);
        assertEquals("target", sa.get("probe_encoder").asText());
        assertEquals("target", ev.get("probe_encoder").asText());
        // --probe-encoder context probes the other encoder: after 24 steps its features differ from the EMA target's.
        JsonNode ctx = evalJson("eval", "--checkpoint", a.resolve("last.ckpt").toString(), "--eval-train", "256",
                "--eval-test", "128", "--probe-encoder", "context");
        assertEquals("context", ctx.get("probe_encoder").asText());
        assertNotEquals(ev.get("rankme").asDouble(), ctx.get("rankme").asDouble());
        // The linear probe chose its l2 on held-out training images, and says which.
        List<Double> grid = java.util.Arrays.stream(io.github.jepa4j.regularizers.probe.LinearProbe.DEFAULT_L2_GRID).boxed().toList();
        assertTrue(grid.contains(sa.get("linear_probe_l2").asDouble()), sa.toString());
        assertEquals(sa.get("linear_probe_l2").asDouble(), ev.get("linear_probe_l2").asDouble(), 0.0);
        // eval --pixels: the raw-pixel baseline under the same probes, its features the images' pixels.
        JsonNode px = evalJson("eval", "--pixels", "--eval-train", "256", "--eval-test", "128");
        assertEquals("pixels", px.get("method").asText());
        assertEquals(sa.get("dataset").asText(), px.get("dataset").asText());
        assertTrue(grid.contains(px.get("linear_probe_l2").asDouble()), px.toString());
        assertTrue(px.get("linear_probe_acc").asDouble() > 0.2 && px.get("knn_acc").asDouble() > 0.2, px.toString());
        assertTrue(px.get("rankme").asDouble() > sa.get("rankme").asDouble(), "noisy pixels spread over more dimensions than the encoder's features: " + px);
        assertError("exactly one of --checkpoint FILE (an encoder) or --pixels", "eval");
        assertError("exactly one of --checkpoint FILE (an encoder) or --pixels", "eval", "--pixels", "--checkpoint",
                a.resolve("last.ckpt").toString());
    }

    /** Runs the CLI and parses the JSON summary it prints. */
    private static JsonNode evalJson(String... args) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true));
        try {
            assertEquals(0, Jepa4j.execute(args));
        } finally {
            System.setOut(old);
        }
        return JSON.readTree(buf.toString().substring(buf.toString().indexOf('{')));
    }

    @Test
    void trainsOnAnImageFolder(@TempDir Path tmp) throws Exception {
        // Two classes of 36x40 PNGs: horizontal vs vertical stripes of random phase and colour.
        java.util.SplittableRandom rng = new java.util.SplittableRandom(1);
        for (String cls : List.of("horizontal", "vertical")) {
            Path dir = Files.createDirectories(tmp.resolve("images").resolve(cls));
            for (int i = 0; i < 40; i++) {
                org.bytedeco.opencv.opencv_core.Mat m = new org.bytedeco.opencv.opencv_core.Mat(36, 40,
                        org.bytedeco.opencv.global.opencv_core.CV_8UC3);
                var idx = m.<org.bytedeco.javacpp.indexer.UByteIndexer>createIndexer();
                int phase = rng.nextInt(8);
                int colour = 100 + rng.nextInt(155);
                for (int y = 0; y < 36; y++) {
                    for (int x = 0; x < 40; x++) {
                        int t = cls.equals("horizontal") ? y : x;
                        int v = ((t + phase) / 4) % 2 == 0 ? colour : 20;
                        for (int c = 0; c < 3; c++) {
                            idx.put(y, x, c, v);
                        }
                    }
                }
                idx.release();
                org.bytedeco.opencv.global.opencv_imgcodecs.imwrite(dir.resolve(i + ".png").toString(), m);
                m.close();
            }
        }
        Path out = tmp.resolve("run");
        assertEquals(0, Jepa4j.execute("train", "--data", tmp.resolve("images").toString(), "--out", out.toString(),
                "--batch", "16", "--epochs", "2", "--max-steps", "6", "--eval-train", "80", "--eval-test", "80", "--workers", "1"));
        JsonNode s = summary(out);
        assertEquals(6, s.get("steps").asInt());
        assertTrue(s.get("dataset").asText().contains("images"), s.toString());
        assertTrue(s.get("linear_probe_acc").asDouble() > 0.5, "stripes are linearly separable from frozen features: " + s);
    }

    @Test
    void configFileIsParsedOnceAndFlagsOverrideIt(@TempDir Path tmp) throws Exception {
        Path yaml = tmp.resolve("run.yaml");
        Files.writeString(yaml, "# a jepa4j run\nepochs: 0\nevalTrain: 200\nevalTest: 100\nbatch: 32\nseed: 11\n");
        Path out = tmp.resolve("cfg");
        assertEquals(0, Jepa4j.execute("train", "--config", yaml.toString(), "--seed", "12", "--out", out.toString()));
        JsonNode resolved = JSON.readTree(out.resolve("config.json").toFile());
        assertEquals(0, resolved.get("epochs").asInt());
        assertEquals(32, resolved.get("batch").asInt());
        assertEquals(12, resolved.get("seed").asInt(), "flags override the file");
        assertEquals(200, resolved.get("evalTrain").asInt());
        assertEquals(0, summary(out).get("steps").asInt());
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, "epochz: 3\n");
        assertError("unknown setting 'epochz'", "train", "--config", bad.toString(), "--out", tmp.resolve("b").toString());
    }

    @Test
    void badInputNamesTheProblem(@TempDir Path tmp) {
        assertError("unknown method 'nope'", "train", "--method", "nope", "--out", tmp.resolve("x").toString());
        assertError("/nonexistent/fmnist", "train", "--data", "fashion-mnist", "--data-dir", "/nonexistent/fmnist",
                "--out", tmp.resolve("y").toString());
        assertError("unknown dataset 'mnistt'", "train", "--data", "mnistt", "--out", tmp.resolve("z").toString());
        assertError("patch size 16 does not divide the image 28x28", "train", "--model", "tiny", "--out", tmp.resolve("w").toString());
        assertError("valid: [ijepa, vicreg, sigreg, barlow, ema]", "train", "--method", "simclr", "--out", tmp.resolve("v").toString());
        assertError("no checkpoint to resume", "train", "--resume", "--out", tmp.resolve("none").toString());
        assertError("future mask fraction must be in [0, 1)", "train", "--modality", "video", "--future-mask", "1.5",
                "--out", tmp.resolve("f").toString());
        assertError("unknown probe encoder 'teacher'", "train", "--probe-encoder", "teacher", "--out", tmp.resolve("p").toString());
    }

    private static void assertError(String expected, String... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true));
        int rc;
        try {
            rc = Jepa4j.execute(args);
        } finally {
            System.setErr(old);
        }
        assertNotEquals(0, rc, "should fail: " + String.join(" ", args));
        assertTrue(buf.toString().contains(expected), "error should mention '" + expected + "', got: " + buf);
    }
}
