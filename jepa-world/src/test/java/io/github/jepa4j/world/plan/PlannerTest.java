package io.github.jepa4j.world.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.world.env.RoomConfig;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class PlannerTest {
    private static final INDArray Z = Nd4j.zeros(1);
    // 3 steps x 2 dims; two components lie outside the bounds, so the optimum is clip(target)
    private static final double[] TARGET = {0.3, -0.7, 1.8, 0.1, -2.5, 0.9};
    private static final double[] CLIPPED = {0.3, -0.7, 1.0, 0.1, -1.0, 0.9};

    @Test
    void adamFirstStepIsLearningRateTimesSignAndClips() {
        float[] x = {0f, 0.95f, -0.5f};
        float[] g = {1e-3f, -4f, 0f};
        double[] m = new double[3], v = new double[3];
        GradientMpcPlanner.adamStep(x, g, m, v, 0.1, 0.9, 0.999, 1e-8, 0.9, 0.999, -1, 1);
        assertEquals(-0.1, x[0], 1e-5); // |update| = lr regardless of the gradient's scale
        assertEquals(1.0, x[1], 0.0); // 0.95 + 0.1 clipped to the bound
        assertEquals(-0.5, x[2], 0.0); // zero gradient: no move
        assertEquals(1e-4, m[0], 1e-10);
        assertEquals(0.001 * 16, v[1], 1e-9);
        assertThrows(IllegalStateException.class, () -> GradientMpcPlanner.adamStep(new float[] {0}, new float[] {Float.NaN},
                new double[1], new double[1], 0.1, 0.9, 0.999, 1e-8, 0.9, 0.999, -1, 1));
    }

    @Test
    void gradientMpcConvergesToTheClippedOptimum() {
        QuadraticWorldModel model = new QuadraticWorldModel(TARGET);
        GradientMpcPlanner p = GradientMpcPlanner.builder(model).horizon(3).restarts(4).steps(200).learningRate(0.05).build();
        assertNull(p.lastSequence());
        double[] first = p.plan(Z, Z);
        double[][] seq = p.lastSequence();
        for (int t = 0; t < 3; t++) {
            for (int k = 0; k < 2; k++) {
                assertEquals(CLIPPED[2 * t + k], seq[t][k], 2e-3, "component " + t + "," + k);
                assertTrue(seq[t][k] >= -1 && seq[t][k] <= 1);
            }
        }
        assertArrayEquals(seq[0], first, 0.0);
        double opt = 0;
        for (int k = 0; k < 6; k++) {
            opt += Math.pow(CLIPPED[k] - TARGET[k], 2) / 6;
        }
        assertEquals(opt, p.lastEnergy(), 1e-4);
    }

    @Test
    void cemConvergesToTheClippedOptimum() {
        QuadraticWorldModel model = new QuadraticWorldModel(TARGET);
        CemPlanner p = CemPlanner.builder(model).horizon(3).samples(200).elites(10).iterations(15).build();
        p.plan(Z, Z);
        double[][] seq = p.lastSequence();
        for (int t = 0; t < 3; t++) {
            for (int k = 0; k < 2; k++) {
                assertEquals(CLIPPED[2 * t + k], seq[t][k], 0.08, "component " + t + "," + k);
            }
        }
    }

    @Test
    void warmStartShiftsThePreviousPlan() {
        // With zero iterations' worth of freedom (tiny std), the second plan starts from the shifted first one.
        QuadraticWorldModel model = new QuadraticWorldModel(TARGET);
        GradientMpcPlanner p = GradientMpcPlanner.builder(model).horizon(3).restarts(1).steps(1).learningRate(1e-6)
                .initStd(0).build();
        p.plan(Z, Z);
        double[][] s1 = p.lastSequence();
        p.plan(Z, Z);
        double[][] s2 = p.lastSequence();
        assertArrayEquals(s1[1], s2[0], 1e-5);
        assertArrayEquals(s1[2], s2[1], 1e-5);
        assertArrayEquals(new double[] {0, 0}, s2[2], 1e-5);
        p.reset();
        assertNull(p.lastSequence());
        assertTrue(Double.isNaN(p.lastEnergy()));
    }

    @Test
    void buildersValidate() {
        PositionWorldModel m = new PositionWorldModel(RoomConfig.defaults(), false);
        assertThrows(IllegalArgumentException.class, () -> CemPlanner.builder(m).elites(500).build());
        assertThrows(IllegalArgumentException.class, () -> CemPlanner.builder(m).horizon(0).build());
        assertThrows(IllegalArgumentException.class, () -> CemPlanner.builder(m).momentum(1, 0.5).build());
        assertThrows(IllegalArgumentException.class, () -> CemPlanner.builder(m).bounds(1, -1).build());
        assertThrows(IllegalArgumentException.class, () -> CemPlanner.builder(null).build());
        assertThrows(IllegalArgumentException.class, () -> GradientMpcPlanner.builder(m).learningRate(0).build());
        assertThrows(IllegalArgumentException.class, () -> GradientMpcPlanner.builder(m).betas(1, 0.9).build());
        assertThrows(IllegalArgumentException.class, () -> GradientMpcPlanner.builder(m).restarts(0).build());
        CemPlanner c = CemPlanner.builder(m).build();
        assertEquals(10, c.horizon());
        assertThrows(IllegalArgumentException.class, () -> c.plan(Nd4j.zeros(3), Nd4j.zeros(2)));
    }
}
