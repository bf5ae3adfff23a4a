package io.github.jepa4j.world.model;

import io.github.jepa4j.core.model.VitConfig;
import io.github.jepa4j.core.testing.Close;
import io.github.jepa4j.core.testing.GradCheck;
import io.github.jepa4j.world.env.RoomConfig;
import io.github.jepa4j.world.env.Trajectories;
import io.github.jepa4j.world.env.TrajectoryGenerator;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Training lowers the predictor losses without collapse; the trained model's energy ranks true futures first. */
class LearnedWorldModelTest {
    private static final int S = 32;
    private static WorldModelTraining.Result result;
    private static TrajectoryGenerator gen;
    private static Trajectories data;

    /** The default recipe, small: D 16, one block, 16 tokens; 200 encoder and 1000 predictor steps (predictor 64 x 2). */
    static WorldModelConfig tiny() {
        VitConfig vit = new VitConfig(3, S, S, 1, 8, 1, 16, 1, 2, 64, 1e-6);
        return WorldModelConfig.defaults(S).withEncoder(vit).withSteps(Integer.getInteger("wm.test.enc", 200),
                        Integer.getInteger("wm.test.pred", 1000)).withBatches(32, 32)
                .withPredictor(64, 2, 3, 6).withSeed(3);
    }

    @BeforeAll
    static void train() {
        gen = TrajectoryGenerator.builder().config(RoomConfig.defaults().withImageSize(S)).frames(10).seed(5).build();
        data = gen.generate(0, 100);
        result = WorldModelTraining.train(tiny(), data, 1000);
    }

    @Test
    void pretrainedEmbeddingTracksThePositionSmoothly() {
        EmbeddingProbe.Quality q = EmbeddingProbe.measure(result.model().encoder(), data, gen.generate(500, 20));
        assertTrue(q.r2() > 0.8, "position probe: " + q);
        assertTrue(q.stepRatio() < 0.3, "one step moves the embedding too far: " + q);
    }

    @Test
    void trainingLowersTeacherForcingAndRolloutLossesBelowNoChange() {
        Map<String, Double> m = result.metrics();
        assertTrue(m.get("predictor.tf") < 0.7 * m.get("predictor.tf.identity"), "teacher forcing no better than no change: " + m);
        assertTrue(m.get("predictor.rollout") < 0.7 * m.get("predictor.rollout.first"), "rollout loss did not drop: " + m);
        assertTrue(m.get("embedding.std") > 0, "embeddings collapsed: " + m);
    }

    @Test
    @org.junit.jupiter.api.Disabled("Known failure, kept as the acceptance test of the experimental --joint mode (issue 7): "
            + "measured 2026-11-29, 150 joint steps with VICReg weight 1: teacher-forcing loss 0.0106 -> 0.0104 (needs < 0.8x) "
            + "and embedding std 0.019; the working recipe is the frozen, expander-VICReg-pretrained encoder (WorldModelConfig)")
    void jointTrainingLowersThePredictionLossWithoutCollapse() {
        Trajectories data = gen.generate(0, 40);
        WorldModelTraining.Result r = WorldModelTraining.train(tiny().withSteps(0, 150).withJointEncoder(true, 1.0), data, 1000);
        Map<String, Double> m = r.metrics();
        assertTrue(m.get("predictor.tf") < 0.8 * m.get("predictor.tf.first"), "teacher-forcing loss did not drop: " + m);
        assertTrue(m.get("embedding.std") > 0.2, "embeddings collapsed: " + m);
        assertEquals(16, r.model().latentDim());
    }

    @Test
    void trueFuturesHaveLowerEnergyThanRandomActions() {
        LearnedWorldModel wm = result.model();
        Trajectories test = gen.generate(1000, 30);
        int h = 4;
        int lower = 0;
        INDArray acts = Nd4j.create(DataType.FLOAT, 2, h, 2);
        Nd4j.getRandom().setSeed(9);
        for (int i = 0; i < 30; i++) {
            INDArray f = test.frames().get(NDArrayIndex.point(i));
            INDArray z = wm.encode(f.get(NDArrayIndex.interval(0, h + 1)).dup('c'));
            INDArray z0 = z.getRow(0);
            INDArray goal = z.getRow(h);
            acts.get(NDArrayIndex.point(0)).assign(test.actions().get(NDArrayIndex.point(i), NDArrayIndex.interval(0, h)));
            acts.get(NDArrayIndex.point(1)).assign(Nd4j.rand(DataType.FLOAT, h, 2).muli(2).subi(1));
            double[] e = wm.energies(z0, goal, acts);
            if (e[0] < e[1]) {
                lower++;
            }
        }
        assertTrue(lower >= 24, "true actions had the lower energy in only " + lower + " of 30 windows");
    }

    @Test
    void saveAndLoadGiveTheSameEnergies(@TempDir Path dir) throws Exception {
        LearnedWorldModel wm = result.model();
        Path f = dir.resolve("wm.ckpt");
        wm.save(f);
        LearnedWorldModel back = LearnedWorldModel.load(f);
        INDArray frames = gen.generate(2000, 1).frames().get(NDArrayIndex.point(0)).dup('c');
        INDArray z = wm.encode(frames);
        INDArray zb = back.encode(frames);
        Close.assertClose("encode", zb.data().asDouble(), z.data().asDouble(), 1e-6);
        INDArray acts = Nd4j.rand(DataType.FLOAT, 5, 3, 2);
        assertArrayEquals(wm.energies(z.getRow(0), z.getRow(9), acts), back.energies(zb.getRow(0), zb.getRow(9), acts), 1e-5);
    }

    @Test
    void energyGradientMatchesFiniteDifferencesThroughTheUnroll() {
        VitConfig vit = new VitConfig(3, 8, 8, 1, 4, 1, 8, 1, 2, 16, 1e-6);
        PredictorSpec spec = new PredictorSpec("mlp", 8, 2, 12, 2, true, 3, 1.0);
        LearnedWorldModel wm = LearnedWorldModel.build(vit, spec, DataType.DOUBLE, 4);
        wm.predictorStore().params().muli(20); // weights of order 0.4: a predictor far from the identity
        Nd4j.getRandom().setSeed(2);
        INDArray z0 = Nd4j.randn(DataType.DOUBLE, 8);
        INDArray goal = Nd4j.randn(DataType.DOUBLE, 8);
        INDArray acts = Nd4j.randn(DataType.DOUBLE, 3, 4, 2);
        INDArray grad = Nd4j.create(DataType.DOUBLE, 3, 4, 2);
        double[] e = wm.energiesAndGradients(z0, goal, acts, grad);
        assertArrayEquals(wm.energies(z0, goal, acts), e, 1e-12);
        INDArray flat = acts.reshape(acts.length());
        double[] num = new double[(int) acts.length()];
        for (int i = 0; i < num.length; i++) {
            num[i] = GradCheck.numericDerivative(flat, i, () -> sum(wm.energies(z0, goal, acts)), 1e-6);
        }
        Close.assertClose("dE/da", num, grad.dup('c').data().asDouble(), 1e-6);
        // Each sequence's energy depends on its own actions only.
        INDArray g2 = Nd4j.create(DataType.DOUBLE, 1, 4, 2);
        wm.energiesAndGradients(z0, goal, acts.get(NDArrayIndex.interval(1, 2)).dup('c'), g2);
        Close.assertClose("per-sequence gradient", g2.data().asDouble(),
                grad.get(NDArrayIndex.interval(1, 2)).dup('c').data().asDouble(), 1e-10);
        assertEquals(0.0, wm.predictorStore().grads().norm2Number().doubleValue(), 0.0);
    }

    @Test
    void badInputsAreRejected() {
        LearnedWorldModel wm = result.model();
        INDArray z = Nd4j.zeros(DataType.FLOAT, 16);
        assertThrows(IllegalArgumentException.class, () -> wm.energies(z, z, Nd4j.zeros(DataType.FLOAT, 2, 3, 3)));
        assertThrows(IllegalArgumentException.class, () -> wm.energies(Nd4j.zeros(DataType.FLOAT, 15), z, Nd4j.zeros(DataType.FLOAT, 2, 3, 2)));
        assertThrows(IllegalArgumentException.class,
                () -> wm.energiesAndGradients(z, z, Nd4j.zeros(DataType.FLOAT, 2, 3, 2), Nd4j.zeros(DataType.FLOAT, 2, 2, 2)));
        assertThrows(IllegalArgumentException.class, () -> wm.encode(Nd4j.zeros(DataType.FLOAT, 1, 3, 8, 8)));
    }

    private static double sum(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s;
    }
}
