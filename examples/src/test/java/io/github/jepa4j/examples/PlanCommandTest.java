package io.github.jepa4j.examples;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A tiny end-to-end {@code jepa4j plan}: trains, plans, writes the summary and plot; then reloads the checkpoint. */
class PlanCommandTest {
    private static final String[] TINY = {"--trajectories", "12", "--frames", "6", "--encoder-steps", "3", "--predictor-steps", "6",
        "--episodes", "2", "--max-steps", "3", "--horizon", "3", "--samples", "16", "--iterations", "2", "--encoder-dim", "16",
        "--log-every", "100"};

    @Test
    void tinyPlanRunWritesTheSummaryAndReloads(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        String[] args = concat(new String[] {"plan", "--out", out.toString()}, TINY);
        assertEquals(0, Jepa4j.execute(args));
        JsonNode s = RunConfig.JSON.readTree(out.resolve("summary.json").toFile());
        for (String f : new String[] {"success_rate", "random_success_rate", "greedy_success_rate", "mean_final_distance",
            "plan_ms_per_step", "same_room_success_rate", "cross_room_success_rate", "training"}) {
            assertTrue(s.has(f), "summary lacks " + f + ": " + s);
        }
        assertTrue(s.get("mean_final_distance").asDouble() > 0);
        assertTrue(s.get("plan_ms_per_step").asDouble() > 0);
        assertTrue(Files.size(out.resolve("trajectories.png")) > 0);
        Path ckpt = out.resolve(PlanRun.CHECKPOINT);
        assertTrue(Files.exists(ckpt));

        Path out2 = dir.resolve("reload");
        String[] again = concat(new String[] {"plan", "--out", out2.toString(), "--checkpoint", ckpt.toString(), "--planner", "cem"}, TINY);
        assertEquals(0, Jepa4j.execute(again));
        JsonNode s2 = RunConfig.JSON.readTree(out2.resolve("summary.json").toFile());
        assertTrue(s2.get("planner").asText().toLowerCase().contains("cem"), s2.get("planner").asText());
    }

    @Test
    void unknownPlannerIsAnError(@TempDir Path dir) {
        assertEquals(2, Jepa4j.execute("plan", "--out", dir.toString(), "--planner", "astar"));
    }

    private static String[] concat(String[] a, String[] b) {
        String[] r = new String[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
