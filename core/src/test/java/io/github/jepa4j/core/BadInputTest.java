package io.github.jepa4j.core;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.core.model.PredictorConfig;
import io.github.jepa4j.core.model.VisionTransformer;
import io.github.jepa4j.core.model.VitConfig;
import io.github.jepa4j.core.nn.ParamStore;
import io.github.jepa4j.core.task.MaskedBatch;
import io.github.jepa4j.core.task.MaskedJepaConfig;
import io.github.jepa4j.core.task.MaskedJepaTask;
import io.github.jepa4j.core.train.StepContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** Bad input raises an exception whose message names the problem and the values. */
class BadInputTest {
    private static void expect(Executable e, String... fragments) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        for (String f : fragments) {
            assertTrue(ex.getMessage().contains(f), "message should contain '" + f + "': " + ex.getMessage());
        }
    }

    @Test
    void configErrors() {
        expect(() -> new VitConfig(1, 28, 28, 1, 5, 1, 32, 1, 4, 64, 1e-6), "patch size 5", "28x28");
        expect(() -> new VitConfig(1, 28, 28, 1, 4, 1, 30, 1, 4, 64, 1e-6), "4 heads", "30");
        expect(() -> VitConfig.preset("huge", 1, 28, 28), "huge", "ref");
        VitConfig enc = new VitConfig(1, 16, 16, 1, 4, 1, 32, 1, 2, 64, 1e-6);
        expect(() -> new PredictorConfig(32, 30, 1, 4, 64, 1e-6, 1, 4, 4), "4 heads", "30");
        VitConfig other = new VitConfig(1, 8, 8, 1, 4, 1, 32, 1, 2, 64, 1e-6);
        expect(() -> MaskedJepaConfig.ijepa(enc, PredictorConfig.forEncoder(other, 16, 1, 2)), "4 tokens", "16");
    }

    @Test
    void wrongInputShape() {
        VitConfig enc = new VitConfig(1, 16, 16, 1, 4, 1, 32, 1, 2, 64, 1e-6);
        ParamStore s = new ParamStore(DataType.FLOAT);
        VisionTransformer vt = new VisionTransformer(enc, s, "");
        s.allocate(0);
        expect(() -> vt.forward(Nd4j.rand(DataType.FLOAT, 2, 3, 16, 16)), "1 channels", "3");
        expect(() -> vt.forward(Nd4j.rand(DataType.FLOAT, 2, 1, 18, 16)), "18", "patch 4");
        expect(() -> vt.forward(Nd4j.rand(DataType.FLOAT, 2, 1, 32, 32)), "64 tokens", "16");
        expect(() -> vt.forward(Nd4j.rand(DataType.FLOAT, 1, 16, 16)), "rank 3");
    }

    @Test
    void emptyTargetSet() {
        expect(() -> new MaskedBatch(Nd4j.rand(DataType.FLOAT, 2, 1, 16, 16), new int[][] {{0}, {1}}, new int[0][][], null),
                "empty target set");
        VitConfig enc = new VitConfig(1, 16, 16, 1, 4, 1, 32, 1, 2, 64, 1e-6);
        MaskedJepaTask task = new MaskedJepaTask(MaskedJepaConfig.ijepa(enc, PredictorConfig.forEncoder(enc, 16, 1, 2)),
                DataType.FLOAT, 0);
        MaskedBatch b = new MaskedBatch(Nd4j.rand(DataType.FLOAT, 2, 1, 16, 16), new int[][] {{0, 1}, {1, 2}},
                new int[][][] {{{}, {}}}, null);
        expect(() -> task.forwardBackward(b, new StepContext(0, 1, 1, 0)), "empty target set");
        MaskedBatch outOfRange = new MaskedBatch(Nd4j.rand(DataType.FLOAT, 2, 1, 16, 16), new int[][] {{0, 1}, {1, 99}},
                new int[][][] {{{3}, {4}}}, null);
        expect(() -> task.forwardBackward(outOfRange, new StepContext(0, 1, 1, 0)), "99");
    }
}
