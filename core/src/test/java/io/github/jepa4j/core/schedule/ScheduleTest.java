package io.github.jepa4j.core.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.core.testing.Fixtures;
import org.junit.jupiter.api.Test;

class ScheduleTest {

    @Test
    void warmupCosineMatchesIJepaFixture() {
        LrScheduleFixture.check(Fixtures.load("lr_schedule.json"));
    }

    @Test
    void warmupCosineShape() {
        WarmupCosineSchedule s = new WarmupCosineSchedule(4, 10, 0.0, 1.0, 0.1);
        // Stepped-before-use convention: step 0 is already one warm-up step in.
        assertEquals(0.25, s.value(0), 1e-15);
        assertEquals(0.75, s.value(2), 1e-15);
        assertEquals(1.0, s.value(3), 1e-15); // k = warmup: peak
        assertEquals(0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI / 6)), s.value(4), 1e-15);
        assertEquals(0.1, s.value(9), 1e-15); // k = total: final
        // Held past the end instead of the reference's rising cosine.
        assertEquals(0.1, s.value(10), 0.0);
        assertEquals(0.1, s.value(1_000_000), 0.0);
        for (long i = 4; i < 10; i++) {
            assertTrue(s.value(i) < s.value(i - 1) || i == 4, "decreasing after warm-up at " + i);
        }
    }

    @Test
    void warmupCosineEdgeCases() {
        WarmupCosineSchedule noWarmup = new WarmupCosineSchedule(0, 4, 5.0, 1.0, 0.0);
        assertEquals(0.5 * (1 + Math.cos(Math.PI / 4)), noWarmup.value(0), 1e-15);
        assertEquals(0.0, noWarmup.value(3), 1e-15);
        WarmupCosineSchedule allWarmup = new WarmupCosineSchedule(4, 4, 0.0, 1.0, 0.5);
        assertEquals(0.75, allWarmup.value(2), 1e-15);
        assertEquals(1.0, allWarmup.value(3), 1e-15);
        assertEquals(0.5, allWarmup.value(4), 1e-15);
    }

    @Test
    void cosineScheduleIsIJepaWeightDecay() {
        CosineSchedule wd = new CosineSchedule(100, 0.04, 0.4);
        for (long step = 0; step < 100; step++) {
            double k = step + 1;
            double expected = 0.4 + (0.04 - 0.4) * 0.5 * (1 + Math.cos(Math.PI * k / 100));
            assertEquals(expected, wd.value(step), 1e-15, "step " + step);
        }
        assertEquals(0.04 + 0.36 * (1 - Math.cos(Math.PI / 100)) / 2, wd.value(0), 1e-15);
        assertEquals(0.4, wd.value(99), 1e-15);
        assertEquals(0.4, wd.value(150), 0.0);
        assertEquals(0.22, new CosineSchedule(2, 0.4, 0.04).value(0), 1e-15);
    }

    @Test
    void linearRamp() {
        LinearSchedule s = new LinearSchedule(0.996, 1.0, 8);
        assertEquals(0.996, s.value(0), 0.0);
        assertEquals(0.996 + 3 * 0.004 / 8, s.value(3), 1e-15);
        assertEquals(1.0, s.value(8), 1e-15);
        assertEquals(1.0, s.value(9), 0.0);
    }

    @Test
    void byolCosineMomentum() {
        CosineMomentumSchedule s = CosineMomentumSchedule.byol(0.99, 10);
        for (long k = 0; k <= 10; k++) {
            double expected = 1 - (1 - 0.99) * (Math.cos(Math.PI * k / 10) + 1) / 2;
            assertEquals(expected, s.value(k), 1e-15, "k=" + k);
        }
        assertEquals(0.99, s.value(0), 1e-15);
        assertEquals(0.995, s.value(5), 1e-15);
        assertEquals(1.0, s.value(10), 1e-15);
        assertEquals(1.0, s.value(11), 1e-15);
        assertEquals(0.5, new CosineMomentumSchedule(0.2, 0.8, 4).value(2), 1e-15);
    }

    @Test
    void constant() {
        ConstantSchedule c = new ConstantSchedule(0.99925);
        assertEquals(0.99925, c.value(0), 0.0);
        assertEquals(0.99925, c.value(Long.MAX_VALUE), 0.0);
    }

    @Test
    void badArgumentsAreRejectedWithTheValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new WarmupCosineSchedule(11, 10, 0, 1, 0));
        assertTrue(e.getMessage().contains("warmup") && e.getMessage().contains("11"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new WarmupCosineSchedule(-1, 10, 0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new WarmupCosineSchedule(0, 0, 0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new WarmupCosineSchedule(1, 10, Double.NaN, 1, 0));
        e = assertThrows(IllegalArgumentException.class, () -> new CosineSchedule(0, 0.04, 0.4));
        assertTrue(e.getMessage().contains("total") && e.getMessage().contains("0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new CosineSchedule(5, Double.POSITIVE_INFINITY, 0.4));
        assertThrows(IllegalArgumentException.class, () -> new LinearSchedule(0.996, 1.0, 0));
        assertThrows(IllegalArgumentException.class, () -> new CosineMomentumSchedule(0.996, 1.0, -3));
        assertThrows(IllegalArgumentException.class, () -> new ConstantSchedule(Double.NaN));
        e = assertThrows(IllegalArgumentException.class, () -> new LinearSchedule(0, 1, 5).value(-1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
    }
}
