package io.github.jepa4j.regularizers.anticollapse;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.core.nn.Init;
import io.github.jepa4j.core.nn.ParamStore;
import io.github.jepa4j.core.task.AntiCollapse;
import io.github.jepa4j.core.train.StepContext;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Bad embeddings reach every module as an IllegalArgumentException naming the module, the problem and the values. */
class ModuleBadInputTest {
    private static final StepContext CTX = new StepContext(0, 10, 5, 0);

    private static AntiCollapse registered(String name) {
        AntiCollapse m = name.equals("vicreg")
                ? new VicReg(VicRegConfig.defaults().withExpander(6, 5))   // the expander must not be reached by bad input
                : AntiCollapseRegistry.create(name);
        ParamStore store = new ParamStore(DataType.DOUBLE);
        store.add("encoder.w", new long[] {1}, true, Init.ones());
        m.register(store, 4);
        store.allocate(0);
        return m;
    }

    private static INDArray rand(long... shape) {
        return Nd4j.rand(DataType.DOUBLE, shape).addi(0.1);
    }

    private static void assertRejects(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' should contain '" + f + "'");
        }
    }

    private static String owner(AntiCollapse m) {
        return m.getClass().getSimpleName();
    }

    @ParameterizedTest
    @ValueSource(strings = {"vicreg", "sigreg", "barlow", "ema"})
    void nanEmbeddings(String name) {
        AntiCollapse m = registered(name);
        INDArray a = rand(5, 4);
        INDArray bad = a.dup();
        bad.putScalar(3, 2, Double.NaN);
        assertRejects(() -> m.apply(bad, a, Nd4j.zeros(DataType.DOUBLE, 5, 4), Nd4j.zeros(DataType.DOUBLE, 5, 4), 1, CTX),
                owner(m), "a contains 1 non-finite", "NaN", "[3, 2]");
        assertRejects(() -> m.apply(a, bad, Nd4j.zeros(DataType.DOUBLE, 5, 4), Nd4j.zeros(DataType.DOUBLE, 5, 4), 1, CTX),
                owner(m), "b contains", "NaN");
    }

    @ParameterizedTest
    @ValueSource(strings = {"vicreg", "sigreg", "barlow", "ema"})
    void batchOfOne(String name) {
        AntiCollapse m = registered(name);
        INDArray one = rand(1, 4);
        assertRejects(() -> m.apply(one, one.dup(), Nd4j.zeros(DataType.DOUBLE, 1, 4), Nd4j.zeros(DataType.DOUBLE, 1, 4), 1, CTX),
                owner(m), "batch size 1", "[1, 4]", "N >= 2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"vicreg", "sigreg", "barlow", "ema"})
    void mismatchedBranchesAndBuffers(String name) {
        AntiCollapse m = registered(name);
        INDArray a = rand(5, 4);
        assertRejects(() -> m.apply(a, rand(5, 3), Nd4j.zeros(DataType.DOUBLE, 5, 4), Nd4j.zeros(DataType.DOUBLE, 5, 3), 1, CTX),
                owner(m), "same shape", "[5, 4]", "[5, 3]");
        assertRejects(() -> m.apply(a, rand(6, 4), Nd4j.zeros(DataType.DOUBLE, 5, 4), Nd4j.zeros(DataType.DOUBLE, 6, 4), 1, CTX),
                owner(m), "same shape", "[6, 4]");
        assertRejects(() -> m.apply(rand(5, 3), rand(5, 3), Nd4j.zeros(DataType.DOUBLE, 5, 3), Nd4j.zeros(DataType.DOUBLE, 5, 3), 1, CTX),
                owner(m), "registered for embeddings of width 4", "[5, 3]");
        assertRejects(() -> m.apply(a, a.dup(), Nd4j.zeros(DataType.DOUBLE, 4, 4), Nd4j.zeros(DataType.DOUBLE, 5, 4), 1, CTX),
                owner(m), "gradA must match", "[4, 4]");
        assertRejects(() -> m.apply(a, a.dup(), Nd4j.zeros(DataType.DOUBLE, 5, 4), Nd4j.zeros(DataType.DOUBLE, 5, 4), -1, CTX),
                owner(m), "weight", "-1");
        assertRejects(() -> m.apply(rand(2, 5, 4), a, Nd4j.zeros(DataType.DOUBLE, 5, 4), Nd4j.zeros(DataType.DOUBLE, 5, 4), 1, CTX),
                owner(m), "matrix [N, D]", "[2, 5, 4]");
    }
}
