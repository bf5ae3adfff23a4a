package io.github.jepa4j.core.schedule;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.jepa4j.core.testing.Close;
import io.github.jepa4j.core.testing.Fixtures;

/**
 * Golden check of {@link WarmupCosineSchedule} against {@code lr_schedule.json}: the fixture's
 * {@code lr[k-1]} is I-JEPA's value at call k, which is our {@code value(k - 1)}.
 */
public final class LrScheduleFixture {
    private LrScheduleFixture() {}

    public static void check(JsonNode f) {
        Schedule s = new WarmupCosineSchedule(f.get("warmup").asLong(), f.get("total").asLong(),
                f.get("start_lr").asDouble(), f.get("ref_lr").asDouble(), f.get("final_lr").asDouble());
        double[] expected = Fixtures.doubles(f.get("lr"));
        assertTrue(expected.length > 0, "lr_schedule.json holds no values");
        double[] actual = new double[expected.length];
        for (int i = 0; i < actual.length; i++) {
            actual[i] = s.value(i);
        }
        Close.assertClose("lr schedule", expected, actual, 1e-6);
    }
}
