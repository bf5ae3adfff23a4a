package io.github.jepa4j.examples;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.jepa4j.world.env.RoomConfig;
import io.github.jepa4j.world.env.Trajectories;
import io.github.jepa4j.world.env.TrajectoryGenerator;
import io.github.jepa4j.world.model.EmbeddingProbe;
import io.github.jepa4j.world.model.LearnedWorldModel;
import io.github.jepa4j.world.model.WorldModelConfig;
import io.github.jepa4j.world.model.WorldModelTraining;
import io.github.jepa4j.world.plan.CemPlanner;
import io.github.jepa4j.world.plan.GradientMpcPlanner;
import io.github.jepa4j.world.plan.LandmarkGraph;
import io.github.jepa4j.world.plan.SubgoalPlanner;
import io.github.jepa4j.world.plan.PlanEvaluation;
import io.github.jepa4j.world.plan.Planner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code plan} experiment: random-action trajectories of the two-room environment, the
 * two-stage world model ({@link WorldModelTraining}: JEPA-pretrained frozen encoder, then the
 * action-conditioned predictor), then {@link PlanEvaluation} of the planner against the random
 * and greedy baselines; by default the planner is two-level ({@link SubgoalPlanner} over a
 * {@link LandmarkGraph} of the training trajectories). Writes {@code summary.json} (the evaluation's fields plus
 * {@code train_seconds}, {@code eval_seconds} and the training metrics under {@code training}),
 * {@code trajectories.png} and, when it trained, {@code world-model.ckpt}.
 */
final class PlanRun {
    private static final Logger LOG = LoggerFactory.getLogger("jepa4j.plan");
    static final String CHECKPOINT = "world-model.ckpt";
    /** Landmarks: every 2nd frame of the training trajectories, at most 1000 (all-pairs merge at build). */
    static final int LANDMARK_STRIDE = 2, MAX_LANDMARKS = 1000;
    /** Sub-goal reach in steps (SubgoalPlanner's measurements: 5 beats 3 and 8). */
    static final double SUBGOAL_REACH = 5;

    private PlanRun() {}

    static Map<String, Object> run(PlanConfig c) throws IOException {
        Path out = Path.of(c.out());
        Files.createDirectories(out);
        RoomConfig room = RoomConfig.defaults();
        LearnedWorldModel wm;
        Trajectories data = null;
        Map<String, Double> metrics = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        if (c.checkpoint() != null) {
            wm = LearnedWorldModel.load(Path.of(c.checkpoint()));
            LOG.info("loaded world model from {}", c.checkpoint());
        } else {
            TrajectoryGenerator gen = TrajectoryGenerator.builder().config(room).frames(c.frames()).seed(c.seed()).build();
            data = gen.generate(0, c.trajectories());
            LOG.info("generated {} trajectories of {} frames; training the world model", c.trajectories(), c.frames());
            WorldModelConfig wc = WorldModelConfig.defaults(room.imageSize())
                    .withSteps(c.encoderSteps(), c.predictorSteps()).withSeed(c.seed())
                    .withEncoder(WorldModelConfig.defaults(room.imageSize()).encoder().withSize(c.encoderDim(), 2, c.encoderDim() / 8, 4 * c.encoderDim()))
                    .withJointEncoder(c.jointEncoder(), WorldModelConfig.defaults(room.imageSize()).jointWeight());
            WorldModelTraining.Result r = WorldModelTraining.train(wc, data, c.logEvery());
            wm = r.model();
            metrics.putAll(r.metrics());
            // Gating numbers of the embedding: position-probe R² and one-step change on held-out trajectories.
            metrics.putAll(EmbeddingProbe.measure(wm.encoder(), data, gen.generate(1_000_000, 50)).asMap("probe."));
            LOG.info("world model: {}", metrics);
            wm.save(out.resolve(CHECKPOINT));
        }
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        Planner low = c.planner().equals("cem")
                ? CemPlanner.builder(wm).samples(c.samples()).iterations(c.iterations()).horizon(c.horizon()).seed(c.seed()).build()
                : GradientMpcPlanner.builder(wm).restarts(Math.max(1, c.samples() / 100)).steps(c.iterations())
                        .horizon(c.horizon()).seed(c.seed()).build();
        Planner planner = low;
        if (c.subgoals()) {
            if (data == null) { // loaded model: the same trajectories as training would have used
                data = TrajectoryGenerator.builder().config(room).frames(c.frames()).seed(c.seed()).build().generate(0, c.trajectories());
            }
            LandmarkGraph graph = LandmarkGraph.build(wm, data, LANDMARK_STRIDE, MAX_LANDMARKS, 1.0);
            LOG.info("landmark graph: {}", graph);
            planner = new SubgoalPlanner(low, graph, Math.min(SUBGOAL_REACH, c.horizon()));
        }
        PlanEvaluation eval = PlanEvaluation.builder().config(room).episodes(c.episodes()).maxSteps(c.maxSteps())
                .crossRoomFraction(c.crossRoomFraction()).seed(c.seed()).build().log(LOG::info);
        long t1 = System.nanoTime();
        PlanEvaluation.PlanReport report = eval.run(wm, planner);
        double evalSeconds = (System.nanoTime() - t1) / 1e9;
        report.write(out);
        ObjectNode summary = (ObjectNode) RunConfig.JSON.readTree(report.summary().toJson());
        summary.put("train_seconds", trainSeconds);
        summary.put("eval_seconds", evalSeconds);
        summary.put("checkpoint", c.checkpoint() != null ? c.checkpoint() : out.resolve(CHECKPOINT).toString());
        summary.set("training", RunConfig.JSON.valueToTree(metrics));
        summary.set("config", RunConfig.JSON.valueToTree(c));
        RunConfig.JSON.writerWithDefaultPrettyPrinter().writeValue(out.resolve("summary.json").toFile(), summary);
        @SuppressWarnings("unchecked")
        Map<String, Object> m = RunConfig.JSON.convertValue(summary, Map.class);
        return m;
    }
}
