package io.github.jepa4j.world.model;

import io.github.jepa4j.world.env.RoomConfig;
import io.github.jepa4j.world.env.Trajectories;
import io.github.jepa4j.world.env.TrajectoryGenerator;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Measurement harness (a main, not a test): loads a world-model checkpoint ({@code -Dwm.ckpt}),
 * encodes the {@code jepa4j plan} training trajectories with its frozen encoder and
 * standardisation, trains predictors with settings from {@code -Dwm.*} properties and prints the
 * held-out teacher-forcing loss against the no-change loss (the gate before planning).
 */
public final class PredictorExperiment {
    private PredictorExperiment() {}

    public static void main(String[] args) throws Exception {
        LearnedWorldModel wm = LearnedWorldModel.load(Path.of(System.getProperty("wm.ckpt")));
        int frames = RepresentationExperiment.i("frames", 16);
        TrajectoryGenerator gen = TrajectoryGenerator.builder().config(RoomConfig.defaults()).frames(frames).seed(0).build();
        Trajectories data = gen.generate(0, RepresentationExperiment.i("n", 400));
        Trajectories test = gen.generate(1_000_000, 50);
        INDArray z = encode(wm, data);
        INDArray zt = encode(wm, test);
        WorldModelConfig c = WorldModelConfig.defaults(32).withSteps(0, RepresentationExperiment.i("pred", 1500))
                .withPredictor(RepresentationExperiment.i("hidden", 256), RepresentationExperiment.i("depth", 2),
                        RepresentationExperiment.i("rollout", 4), RepresentationExperiment.i("window", 8));
        c = new WorldModelConfig(c.encoder(), c.antiCollapse(), c.antiCollapseConfig(), c.encoderSteps(), c.encoderBatch(), c.encoderLr(),
                c.maxGap(), c.predictorHidden(), c.predictorDepth(), c.rolloutSteps(), RepresentationExperiment.d("rw", 1.0),
                c.predictorSteps(), RepresentationExperiment.i("pbatch", 64), c.window(), RepresentationExperiment.d("plr", 1e-3), 0, false, 1.0);
        PredictorSpec spec = c.predictorSpec(2);
        Map<String, Double> m = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        ActionConditionedTask task = WorldModelTraining.trainPredictor(c, spec, z, data.actions(), m, 500);
        m.put("seconds", (System.nanoTime() - t0) / 1e9);
        m.put("test.tf", WorldModelTraining.teacherForcingLoss(task.predictor(), zt, test.actions()));
        m.put("test.identity", WorldModelTraining.identityLoss(zt));
        m.put("test.ratio", m.get("test.tf") / m.get("test.identity"));
        System.out.printf("RESULT %s %s%n", System.getProperties().entrySet().stream()
                .filter(e -> e.getKey().toString().startsWith("wm.") && !e.getKey().toString().equals("wm.ckpt"))
                .map(e -> e.getKey() + "=" + e.getValue()).sorted().toList(), m);
    }

    static INDArray encode(LearnedWorldModel wm, Trajectories t) {
        INDArray z = WorldModelTraining.encodeAll(wm.encoder(), t.frames());
        return wm.standardization().applyInPlace(z);
    }
}
