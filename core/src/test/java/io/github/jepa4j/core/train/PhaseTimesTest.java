package io.github.jepa4j.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.core.train.PhaseTimes.Phase;
import org.junit.jupiter.api.Test;

class PhaseTimesTest {
    @Test
    void lapsChargeTheTimeSinceThePreviousLapAndResetClears() throws Exception {
        PhaseTimes t = new PhaseTimes();
        assertTrue(t.enabled());
        long t0 = System.nanoTime();
        t.reset();
        t.add(Phase.DATA, 1.5);
        Thread.sleep(20);
        t.lap(Phase.TARGET_FORWARD);
        Thread.sleep(10);
        t.lap(Phase.BACKWARD);
        t.lap(Phase.BACKWARD);
        double wall = (System.nanoTime() - t0) / 1e6;
        assertEquals(1.5, t.millis(Phase.DATA), 1e-9);
        assertTrue(t.millis(Phase.TARGET_FORWARD) >= 20, "target " + t.millis(Phase.TARGET_FORWARD));
        assertTrue(t.millis(Phase.BACKWARD) >= 10, "backward " + t.millis(Phase.BACKWARD));
        // Laps tile the interval: together they are the wall time, no more.
        double laps = t.millis(Phase.TARGET_FORWARD) + t.millis(Phase.BACKWARD);
        assertTrue(laps <= wall + 1e-6, laps + " > " + wall);
        assertEquals(1.5 + laps, t.totalMillis(), 1e-6);
        t.reset();
        assertEquals(0, t.totalMillis());
    }

    @Test
    void offIsANoOp() {
        PhaseTimes off = PhaseTimes.off();
        assertFalse(off.enabled());
        off.reset();
        off.add(Phase.DATA, 5);
        off.lap(Phase.EMA);
        assertEquals(0, off.totalMillis());
    }
}
