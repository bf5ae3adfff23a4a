package io.github.jepa4j.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.jepa4j.core.schedule.LinearSchedule;
import io.github.jepa4j.core.schedule.Schedule;
import io.github.jepa4j.core.testing.Close;
import io.github.jepa4j.core.testing.Fixtures;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Golden check of {@link LinearSchedule} and {@link Ema} against {@code ema.json}: momentum
 * {@code m_i = m0 + i (m1 - m0) / (ipe epochs)} and the target trajectory
 * {@code target = m_i target + (1 - m_i) (online + 0.01 i)}, in double, for whatever sizes the
 * file holds.
 */
public final class EmaFixture {
    private EmaFixture() {}

    public static void check(JsonNode f) {
        long total = f.get("ipe").asLong() * f.get("epochs").asLong();
        Schedule momentum = new LinearSchedule(f.get("m0").asDouble(), f.get("m1").asDouble(), total);
        double[] expectedM = Fixtures.doubles(f.get("momentum"));
        double[] actualM = new double[expectedM.length];
        for (int i = 0; i < actualM.length; i++) {
            actualM[i] = momentum.value(i);
        }
        Close.assertClose("ema momentum", expectedM, actualM, 1e-6);

        INDArray online = Fixtures.array(f.get("online")).castTo(DataType.DOUBLE);
        INDArray target = Fixtures.array(f.get("target0")).castTo(DataType.DOUBLE).dup();
        JsonNode after = f.get("target_after_each_step");
        assertEquals(expectedM.length, after.size(), "ema.json: one target per momentum value");
        for (int i = 0; i < after.size(); i++) {
            INDArray onlineI = online.add(0.01 * i);
            Ema.update(target, onlineI, momentum.value(i));
            Close.assertClose("ema target after step " + i, Fixtures.array(after.get(i)), target, 1e-6);
        }
    }
}
