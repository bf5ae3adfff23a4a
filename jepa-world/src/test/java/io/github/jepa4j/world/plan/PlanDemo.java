package io.github.jepa4j.world.plan;

import io.github.jepa4j.world.env.RoomConfig;
import java.nio.file.Path;

/**
 * Manual measurement (not a test): full evaluations with the analytic position model, without and
 * with walls, CEM and gradient MPC at their defaults. Usage: {@code PlanDemo OUTDIR [episodes]}.
 */
public final class PlanDemo {
    private PlanDemo() {}

    public static void main(String[] args) {
        Path out = Path.of(args.length > 0 ? args[0] : "target/plan-demo");
        int episodes = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        RoomConfig cfg = RoomConfig.defaults();
        PlanEvaluation eval = PlanEvaluation.builder().config(cfg).episodes(episodes).seed(0).build();
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
