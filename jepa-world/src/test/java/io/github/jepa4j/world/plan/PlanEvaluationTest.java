package io.github.jepa4j.world.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.jepa4j.world.env.RoomConfig;
import io.github.jepa4j.world.env.RoomEnv;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Planners driven by the analytic {@link PositionWorldModel} (which ignores walls) reach
 * same-room goals; the greedy baseline fails where the wall blocks.
 */
class PlanEvaluationTest {
    private final RoomConfig cfg = RoomConfig.defaults();

    private PlanEvaluation sameRoom(int n) {
        return PlanEvaluation.builder().config(cfg).episodes(n).crossRoomFraction(0).maxSteps(40).seed(3).build();
    }

    @Test
    void episodesAreSeededAndSplit() {
        PlanEvaluation a = PlanEvaluation.builder().episodes(20).seed(5).build();
        PlanEvaluation b = PlanEvaluation.builder().episodes(20).seed(5).build();
        RoomEnv env = new RoomEnv(cfg);
        int cross = 0;
        for (int i = 0; i < 20; i++) {
            EpisodeSpec e = a.episodes().get(i);
            assertEquals(e.start()[0], b.episodes().get(i).start()[0], 0.0);
            assertEquals(e.crossRoom(), env.room(e.start()[0], e.start()[1]) != env.room(e.goal()[0], e.goal()[1]));
            assertTrue(PlanEvaluation.distance(e.start(), e.goal()) >= 0.25);
            assertTrue(env.isFree(e.goal()[0], e.goal()[1]));
            cross += e.crossRoom() ? 1 : 0;
        }
        assertEquals(10, cross);
        assertThrows(IllegalArgumentException.class, () -> PlanEvaluation.builder().crossRoomFraction(2).build());
        assertThrows(IllegalArgumentException.class, () -> PlanEvaluation.builder().successRadius(0).build());
    }

    @Test
    void cemReachesSameRoomGoals() {
        PositionWorldModel model = new PositionWorldModel(cfg, false);
        PolicyResult r = sameRoom(8).evaluate(new PlannerPolicy(model, CemPlanner.builder(model).seed(1).build()));
        System.out.printf("CEM same-room: success %.2f, final distance %.4f, %.2f ms/step%n", r.successRate(),
                r.meanFinalDistance(), r.msPerStep());
        assertTrue(r.successRate() >= 0.8, "CEM success " + r.successRate());
    }

    @Test
    void gradientMpcReachesSameRoomGoals() {
        PositionWorldModel model = new PositionWorldModel(cfg, false);
        PolicyResult r = sameRoom(8).evaluate(new PlannerPolicy(model, GradientMpcPlanner.builder(model).seed(1).build()));
        System.out.printf("gradient MPC same-room: success %.2f, final distance %.4f, %.2f ms/step%n", r.successRate(),
                r.meanFinalDistance(), r.msPerStep());
        assertTrue(r.successRate() >= 0.8, "gradient MPC success " + r.successRate());
    }

    @Test
    void greedyFailsWhereTheWallBlocks() {
        RoomEnv env = new RoomEnv(cfg);
        GreedyPolicy greedy = new GreedyPolicy();
        double[] goal = {0.75, 0.15};
        env.reset(0.25, 0.15);
        greedy.begin(env, goal);
        for (int t = 0; t < 100; t++) {
            double[] a = greedy.act(env);
            env.step(a[0], a[1]);
        }
        assertEquals(0, env.room(), "greedy should be stuck on the left of the wall");
        assertEquals(env.freeSetBounds()[2], env.position()[0], 1e-12);
        // the same policy reaches a same-room goal
        env.reset(0.25, 0.15);
        greedy.begin(env, new double[] {0.3, 0.8});
        for (int t = 0; t < 20; t++) {
            double[] a = greedy.act(env);
            env.step(a[0], a[1]);
        }
        assertEquals(0, PlanEvaluation.distance(env.position(), new double[] {0.3, 0.8}), 1e-12);
        // over seeded episodes: perfect in the same room, clearly worse across rooms
        PlanEvaluation eval = PlanEvaluation.builder().episodes(30).seed(2).build();
        PolicyResult r = eval.evaluate(new GreedyPolicy());
        assertEquals(1.0, r.sameRoomSuccessRate(), 0.0);
        assertTrue(r.crossRoomSuccessRate() < 0.6, "greedy cross-room success " + r.crossRoomSuccessRate());
        PolicyResult random = eval.evaluate(new RandomPolicy(0));
        assertTrue(random.successRate() < 0.3, "random success " + random.successRate());
    }

    @Test
    void runWritesSummaryJsonAndPlot(@TempDir Path dir) throws Exception {
        PositionWorldModel model = new PositionWorldModel(cfg, false);
        PlanEvaluation eval = PlanEvaluation.builder().episodes(4).maxSteps(30).seed(4).build();
        PlanEvaluation.PlanReport report = eval.run(model, CemPlanner.builder(model).samples(100).iterations(5).build());
        report.write(dir);
        JsonNode j = new ObjectMapper().readTree(Files.readString(dir.resolve("summary.json")));
        for (String f : List.of("success_rate", "random_success_rate", "greedy_success_rate", "mean_final_distance",
                "plan_ms_per_step", "same_room_success_rate", "cross_room_success_rate", "episodes")) {
            assertTrue(j.has(f), "summary.json lacks " + f);
        }
        assertEquals(4, j.get("episodes").asInt());
        assertEquals(report.summary().successRate(), j.get("success_rate").asDouble(), 1e-12);
        assertFalse(j.get("plan_ms_per_step").isNull());
        BufferedImage img = ImageIO.read(dir.resolve("trajectories.png").toFile());
        assertNotNull(img);
        assertEquals(512, img.getWidth());
        assertEquals(4, report.planner().traces().size());
    }
}
