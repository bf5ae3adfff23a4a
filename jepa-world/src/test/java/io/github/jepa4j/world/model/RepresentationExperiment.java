package io.github.jepa4j.world.model;

import io.github.jepa4j.core.model.VitConfig;
import io.github.jepa4j.regularizers.anticollapse.VicRegConfig;
import io.github.jepa4j.world.env.RoomConfig;
import io.github.jepa4j.world.env.Trajectories;
import io.github.jepa4j.world.env.TrajectoryGenerator;

/**
 * Measurement harness (a main, not a test): trains a world model with settings from system
 * properties and prints the {@link EmbeddingProbe} gating numbers and the predictor losses.
 */
public final class RepresentationExperiment {
    private RepresentationExperiment() {}

    static int i(String k, int d) {
        return Integer.getInteger("wm." + k, d);
    }

    static double d(String k, double d) {
        return Double.parseDouble(System.getProperty("wm." + k, Double.toString(d)));
    }

    public static void main(String[] args) {
        RoomConfig room = new RoomConfig(32, 0.06, 0.04, 0.2, d("radius", 0.07));
        int dim = i("dim", 16);
        VitConfig vit = new VitConfig(3, 32, 32, 1, i("patch", 4), 1, dim, i("depth", 2), i("heads", 2), i("mlp", 4 * dim), 1e-6);
        VicRegConfig vc = VicRegConfig.defaults().withCoefficients(d("sim", 25), d("std", 25), d("cov", 1));
        String exp = System.getProperty("wm.exp", "");
        if (!exp.isEmpty()) {
            vc = vc.withExpander(java.util.Arrays.stream(exp.split(",")).map(Integer::valueOf).toArray(Integer[]::new));
        }
        WorldModelConfig c = WorldModelConfig.defaults(32).withEncoder(vit).withSteps(i("enc", 400), i("pred", 0))
                .withBatches(i("batch", 64), 64).withMaxGap(i("gap", 2)).withAntiCollapse("vicreg", vc).withSeed(i("seed", 0));
        c = new WorldModelConfig(c.encoder(), c.antiCollapse(), c.antiCollapseConfig(), c.encoderSteps(), c.encoderBatch(), d("lr", 1e-3),
                c.maxGap(), c.predictorHidden(), c.predictorDepth(), c.rolloutSteps(), c.rolloutWeight(), c.predictorSteps(),
                c.predictorBatch(), c.window(), c.predictorLr(), c.seed(), c.jointEncoder(), c.jointWeight());
        TrajectoryGenerator gen = TrajectoryGenerator.builder().config(room).frames(i("frames", 16)).seed(1).build();
        long t0 = System.nanoTime();
        Trajectories data = gen.generate(0, i("n", 400));
        Trajectories test = gen.generate(100000, 50);
        System.out.printf("data %.1fs%n", (System.nanoTime() - t0) / 1e9);
        t0 = System.nanoTime();
        WorldModelTraining.Result r = WorldModelTraining.train(c, data, i("log", 100));
        System.out.printf("train %.1fs %s%n", (System.nanoTime() - t0) / 1e9, r.metrics());
        EmbeddingProbe.Quality q = EmbeddingProbe.measure(r.model().encoder(), data, test);
        System.out.printf("RESULT %s %s%n", System.getProperties().entrySet().stream()
                .filter(e -> e.getKey().toString().startsWith("wm.")).map(e -> e.getKey() + "=" + e.getValue()).sorted().toList(), q);
    }
}
