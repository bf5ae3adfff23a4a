package io.github.jepa4j.world.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.world.env.RoomConfig;
import io.github.jepa4j.world.env.RoomEnv;
import io.github.jepa4j.world.env.TrajectoryGenerator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The two-level planner routes the wall-blind analytic model through the door: the landmark
 * graph, built from real trajectories, knows what the energy does not.
 */
class SubgoalPlannerTest {
    private static final RoomConfig CFG = RoomConfig.defaults();
    private static PositionWorldModel model;
    private static LandmarkGraph graph;

    @BeforeAll
    static void build() {
        model = new PositionWorldModel(CFG, false);
        graph = LandmarkGraph.build(model, TrajectoryGenerator.builder().config(CFG).seed(100).build().generate(0, 62), 1,
                1000, 1.0);
    }

    @Test
    void graphEdgesNeverCrossTheWallOutsideTheDoor() {
        assertEquals(62 * 16, graph.size());
        RoomEnv env = new RoomEnv(CFG);
        double[] fb = env.freeSetBounds();
        int crossing = 0;
        for (int a = 0; a < graph.size(); a++) {
            float[] za = graph.latent(a);
            for (int b : graph.neighbours(a)) {
                float[] zb = graph.latent(b);
                if (env.room(za[0], za[1]) != env.room(zb[0], zb[1])) {
                    crossing++;
                    double y = (za[1] + zb[1]) / 2;
                    assertTrue(y > fb[4] - 0.05 && y < fb[5] + 0.05, "edge across the wall at y = " + y);
                }
            }
        }
        assertTrue(crossing > 0, "the graph should connect the rooms through the door");
        LandmarkGraph.Paths p = graph.pathsTo(graph.nearest(new float[] {0.75f, 0.15f}));
        int node = graph.nearest(new float[] {0.25f, 0.15f});
        assertTrue(Double.isFinite(p.cost()[node]));
        int hops = 0;
        while (p.next()[node] >= 0) {
            assertTrue(p.cost()[p.next()[node]] < p.cost()[node]);
            node = p.next()[node];
            hops++;
        }
        assertEquals(p.target(), node);
        assertTrue(hops > 3);
        assertThrows(IllegalArgumentException.class, () -> graph.pathsTo(-1));
        assertThrows(IllegalArgumentException.class, () -> graph.nearest(new float[3]));
    }

    @Test
    void twoLevelPlanningReachesCrossRoomGoalsWhereFlatPlanningAndGreedyFail() {
        PlanEvaluation eval = PlanEvaluation.builder().config(CFG).episodes(16).crossRoomFraction(1).seed(0).build();
        PolicyResult two = eval.evaluate(new PlannerPolicy(model,
                new SubgoalPlanner(CemPlanner.builder(model).horizon(5).samples(200).build(), graph)));
        PolicyResult flat = eval.evaluate(new PlannerPolicy(model, CemPlanner.builder(model).horizon(5).samples(200).build()));
        PolicyResult greedy = eval.evaluate(new GreedyPolicy());
        System.out.printf("cross-room success: two-level %.2f, flat %.2f, greedy %.2f%n", two.successRate(),
                flat.successRate(), greedy.successRate());
        assertTrue(two.successRate() >= 0.8, "two-level success " + two.successRate());
        assertTrue(two.successRate() >= flat.successRate() + 0.2, "two-level " + two.successRate() + " vs flat "
                + flat.successRate());
        assertTrue(two.successRate() >= greedy.successRate() + 0.2, "two-level " + two.successRate() + " vs greedy "
                + greedy.successRate());
    }
}
