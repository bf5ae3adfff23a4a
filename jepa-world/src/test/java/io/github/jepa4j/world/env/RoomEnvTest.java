package io.github.jepa4j.world.env;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RoomEnvTest {
    private final RoomConfig cfg = RoomConfig.defaults();

    @Test
    void configValidation() {
        assertThrows(IllegalArgumentException.class, () -> new RoomConfig(4, 0.06, 0.04, 0.2, 0.03));
        assertThrows(IllegalArgumentException.class, () -> new RoomConfig(32, 0, 0.04, 0.2, 0.03));
        assertThrows(IllegalArgumentException.class, () -> new RoomConfig(32, 0.06, 0.04, 0.05, 0.03)); // door < agent
        assertThrows(IllegalArgumentException.class, () -> new RoomConfig(32, 0.06, -1, 0.2, 0.03));
        RoomConfig d = RoomConfig.defaults();
        assertEquals(32, d.imageSize());
        assertEquals(0.06, d.maxStep());
    }

    @Test
    void resetRejectsWallsAndOutOfBounds() {
        RoomEnv env = new RoomEnv(cfg);
        assertThrows(IllegalArgumentException.class, () -> env.reset(0.5, 0.2)); // middle wall
        assertThrows(IllegalArgumentException.class, () -> env.reset(0.01, 0.5)); // outer wall
        assertThrows(IllegalArgumentException.class, () -> env.reset(1.5, 0.5));
        assertThrows(IllegalArgumentException.class, () -> env.reset(Double.NaN, 0.5));
        env.reset(0.5, 0.5); // in the door
        assertArrayEquals(new double[] {0.5, 0.5}, env.position());
        assertEquals(1, env.room(0.5, 0.5));
        assertEquals(0, env.room(0.3, 0.5));
    }

    @Test
    void freeMovementIsActionTimesMaxStepAndClipped() {
        RoomEnv env = new RoomEnv(cfg);
        env.reset(0.25, 0.5);
        assertArrayEquals(new double[] {0.25 + 0.5 * 0.06, 0.5 - 0.06}, env.step(0.5, -3), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> env.step(Double.NaN, 0));
    }

    @Test
    void stopsAtWallAndSlidesAlongIt() {
        RoomEnv env = new RoomEnv(cfg);
        double[] b = env.freeSetBounds(); // lo, hi, wx0, wx1, gy0, gy1
        env.reset(b[2] - 0.01, 0.2); // just left of the middle wall, above the door
        double[] p = env.step(1, 1); // 0.06 right and down: hits the wall after 0.01, slides down the rest
        assertEquals(b[2], p[0], 0.0);
        assertEquals(0.2 + 0.06, p[1], 1e-15);
        env.reset(b[0] + 0.01, 0.3);
        p = env.step(-1, 0);
        assertArrayEquals(new double[] {b[0], 0.3}, p, 0.0);
        p = env.step(-1, 0); // already touching: does not move
        assertArrayEquals(new double[] {b[0], 0.3}, p, 0.0);
    }

    @Test
    void neverInsideAWallAndCrossesOnlyThroughTheDoor() {
        RoomEnv env = new RoomEnv(cfg);
        double[] b = env.freeSetBounds();
        Random rng = new Random(1);
        int crossings = 0;
        for (int ep = 0; ep < 200; ep++) {
            double[] p = env.randomFreePosition(rng);
            env.reset(p[0], p[1]);
            for (int t = 0; t < 100; t++) {
                double[] q = env.step(rng.nextDouble() * 4 - 2, rng.nextDouble() * 4 - 2); // also exercises clipping
                assertTrue(env.isFree(q[0], q[1]), "inside a wall at " + q[0] + ", " + q[1]);
                assertFalse(env.inWall(q[0], q[1]));
                assertTrue(Math.abs(q[0] - p[0]) <= 0.06 + 1e-12 && Math.abs(q[1] - p[1]) <= 0.06 + 1e-12);
                if (env.room(p[0], p[1]) != env.room(q[0], q[1])) {
                    crossings++;
                    // the swept segment crosses x = 0.5 inside the door gap (steps are straight or slide along x = const)
                    double tt = (0.5 - p[0]) / (q[0] - p[0]);
                    double yc = p[1] + tt * (q[1] - p[1]);
                    assertTrue(yc >= b[4] - 1e-12 && yc <= b[5] + 1e-12, "crossed the wall at y = " + yc);
                }
                p = q;
            }
        }
        assertTrue(crossings > 0, "random walks should sometimes cross the door");
    }

    @Test
    void cannotTunnelThroughTheWallWithALargeStep() {
        RoomEnv env = new RoomEnv(cfg.withMaxStep(0.5));
        env.reset(0.3, 0.2);
        double[] p = env.step(1, 0);
        assertEquals(env.freeSetBounds()[2], p[0], 0.0);
        assertEquals(0, env.room(p[0], p[1]));
    }

    @Test
    void crossesThroughTheDoor() {
        RoomEnv env = new RoomEnv(cfg);
        env.reset(0.3, 0.5);
        for (int t = 0; t < 10; t++) {
            env.step(1, 0);
        }
        assertEquals(Math.min(0.9, env.freeSetBounds()[1]), env.position()[0], 1e-12); // 10 steps of 0.06, or the right wall
        assertEquals(1, env.room());
        // towards the door's edge from below-left: blocked by the wall face, slides up into the gap, then passes
        env.reset(0.3, env.freeSetBounds()[4] + 0.001);
        for (int t = 0; t < 10; t++) {
            env.step(1, 0);
        }
        assertEquals(1, env.room());
    }

    @Test
    void deterministic() {
        RoomEnv a = new RoomEnv(cfg), b = new RoomEnv(cfg);
        Random ra = new Random(7), rb = new Random(7);
        a.reset(0.2, 0.8);
        b.reset(0.2, 0.8);
        for (int t = 0; t < 500; t++) {
            assertArrayEquals(a.step(ra.nextGaussian(), ra.nextGaussian()), b.step(rb.nextGaussian(), rb.nextGaussian()), 0.0);
        }
    }

    @Test
    void renderShapeValuesAndLocate() {
        RoomEnv env = new RoomEnv(cfg);
        int s = env.imageSize(), plane = s * s;
        assertEquals(3, env.channels());
        float[] img = new float[5 + 3 * plane];
        Random rng = new Random(3);
        for (int k = 0; k < 50; k++) {
            double[] p = env.randomFreePosition(rng);
            env.reset(p[0], p[1]);
            env.render(img, 5);
            double red = 0;
            for (int i = 5; i < img.length; i++) {
                assertTrue(img[i] >= 0 && img[i] <= 1, "value out of [0, 1]: " + img[i]);
            }
            for (int i = 0; i < plane; i++) {
                red += img[5 + i] - img[5 + plane + i];
            }
            double area = Math.PI * Math.pow(cfg.agentRadius() * s, 2);
            assertEquals(area, red, 0.35 * area, "agent coverage"); // coverage ~ disc area in pixels
            double[] q = env.locate(img, 5);
            assertEquals(p[0], q[0], 0.15 / s);
            assertEquals(p[1], q[1], 0.15 / s);
        }
        // walls and floor where expected
        env.reset(0.25, 0.5);
        float[] f = env.render();
        assertEquals(RoomEnv.WALL, f[0], 0f); // corner pixel is outer wall
        int mid = s / 2;
        assertEquals(RoomEnv.WALL, f[2 * s + mid], 0f); // middle wall near the top
        assertEquals(RoomEnv.FLOOR, f[mid * s + mid], 0f); // door
        assertThrows(IllegalArgumentException.class, () -> env.render(new float[10], 0));
    }
}
