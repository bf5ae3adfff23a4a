package io.github.jepa4j.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.jepa4j.examples.Jepa4j;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short training run on the built-in shapes data learns something a frozen-encoder probe can
 * see: its linear probe beats the same encoder untrained by more than 2 points, and the collapse
 * alarm stays silent. Measured: 69.0 % against 58.6 % after 384 VICReg steps (3 epochs of 4,096
 * images, batch 32), probed on 1,000 / 2,000 images. One epoch (128 steps) was too short to be
 * robust: it ended 1-3 points above the untrained encoder depending on float rounding of the BLAS
 * path (61.0-63.2 % against 60.2 % on 1,000 test images, whose standard error is 1.5 points).
 */
class ShortTrainingQualityTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode run(Path out, String... extra) throws Exception {
        String[] base = {"train", "--out", out.toString(), "--method", "vicreg", "--train-size", "4096", "--batch", "32",
                "--log-every", "32", "--eval-train", "1000", "--eval-test", "2000", "--workers", "1", "--seed", "0"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        assertEquals(0, Jepa4j.execute(args));
        return JSON.readTree(out.resolve("summary.json").toFile());
    }

    @Test
    void trainedEncoderBeatsUntrainedAndDoesNotCollapse(@TempDir Path tmp) throws Exception {
        JsonNode untrained = run(tmp.resolve("untrained"), "--epochs", "0");
        JsonNode trained = run(tmp.resolve("trained"), "--epochs", "3");
        double before = untrained.get("linear_probe_acc").asDouble();
        double after = trained.get("linear_probe_acc").asDouble();
        System.out.printf("linear probe: untrained %.3f, trained %.3f; kNN %.3f -> %.3f%n", before, after,
                untrained.get("knn_acc").asDouble(), trained.get("knn_acc").asDouble());
        assertTrue(after > before + 0.02, "probe after training " + after + " should beat the untrained encoder " + before);
        assertEquals(0, trained.get("collapse_alarms").size(), "collapse alarm fired: " + trained.get("collapse_alarms"));
        assertTrue(trained.get("rankme").asDouble() > 1.5, "RankMe " + trained.get("rankme"));
    }
}
