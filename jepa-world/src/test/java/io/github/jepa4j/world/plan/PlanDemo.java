package io.github.jepa4j.world.plan;

import io.github.jepa4j.world.env.RoomConfig;
import java.nio.file.Path;

/**
 * Manual measurement (not a test): full evaluations with the analytic position model, without and
 * with walls, CEM and gradient MPC at their defaults, and the two-level planner (low-level horizon 5)
 * over a landmark graph of 62 generated trajectories. A third argument skips the flat planners. Usage: {@code PlanDemo OUTDIR [episodes]}.
 */
public final class PlanDemo {
    private PlanDemo() {}

    public static void main(String[] args) {
        Path out = Path.of(args.length > 0 ? args[0] : "target/plan-demo");
        int episodes = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        RoomConfig cfg = RoomConfig.defaults();
        PlanEvaluation eval = PlanEvaluation.builder().config(cfg).episodes(episodes).seed(0).build();
        {
            PositionWorldModel m = new PositionWorldModel(cfg, false);
            long t0 = System.nanoTime();
            LandmarkGraph graph = LandmarkGraph.build(m, io.github.jepa4j.world.env.TrajectoryGenerator.builder().config(cfg)
                    .seed(100).build().generate(0, 62), 1, 1000, 1.0);
            System.out.printf("%s built in %.0f ms%n", graph, (System.nanoTime() - t0) / 1e6);
            PlanEvaluation.PlanReport sub = eval.run(m, new SubgoalPlanner(CemPlanner.builder(m).horizon(5).build(), graph));
            sub.write(out.resolve("analytic-subgoal-cem"));
            System.out.println("analytic (no walls) two-level CEM:\n" + sub.summary().toJson());
            PlanEvaluation.PlanReport subGd = eval.run(m, new SubgoalPlanner(GradientMpcPlanner.builder(m).horizon(5).build(), graph));
            subGd.write(out.resolve("analytic-subgoal-gd"));
            System.out.println("analytic (no walls) two-level gradient MPC:\n" + subGd.summary().toJson());
        }
        if (args.length > 2) {
            return;
        }
        for (boolean walls : new boolean[] {false, true}) {
            PositionWorldModel m = new PositionWorldModel(cfg, walls);
            PlanEvaluation.PlanReport cem = eval.run(m, CemPlanner.builder(m).build());
            cem.write(out.resolve((walls ? "oracle" : "analytic") + "-cem"));
            System.out.println((walls ? "oracle (walls)" : "analytic (no walls)") + " CEM:\n" + cem.summary().toJson());
            PlanEvaluation.PlanReport cemMean = eval.run(m, CemPlanner.builder(m).returnMean(true).build());
            System.out.println((walls ? "oracle (walls)" : "analytic (no walls)") + " CEM returning the mean:\n"
                    + cemMean.summary().toJson());
            cemMean.write(out.resolve((walls ? "oracle" : "analytic") + "-cem-mean"));
            if (!walls) {
                PlanEvaluation.PlanReport gd = eval.run(m, GradientMpcPlanner.builder(m).build());
                gd.write(out.resolve("analytic-gd"));
                System.out.println("analytic (no walls) gradient MPC:\n" + gd.summary().toJson());
            }
        }
    }
}
