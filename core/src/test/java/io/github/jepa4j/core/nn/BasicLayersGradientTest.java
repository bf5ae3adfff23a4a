package io.github.jepa4j.core.nn;

import io.github.jepa4j.core.testing.GradCheck;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class BasicLayersGradientTest {
    static {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    private static INDArray randn(long seed, long... shape) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.DOUBLE, shape);
    }

    @Test
    void linearGradients() {
        ParamStore store = new ParamStore(DataType.DOUBLE);
        Linear lin = new Linear(store, "fc", 5, 3, true, Init.truncNormal(0.5));
        store.allocate(1);
        store.get("fc.bias").value().assign(randn(9, 3));
        GradCheck.checkLayer("linear", lin, store, randn(2, 2, 4, 5), randn(3, 2, 4, 3), 1e-7);
    }

    @Test
    void layerNormGradients() {
        ParamStore store = new ParamStore(DataType.DOUBLE);
        LayerNorm ln = new LayerNorm(store, "ln", 6, 1e-5, true);
        store.allocate(1);
        store.get("ln.weight").value().assign(randn(7, 6));
        store.get("ln.bias").value().assign(randn(8, 6));
        GradCheck.checkLayer("layernorm", ln, store, randn(2, 3, 6), randn(3, 3, 6), 1e-7);
        GradCheck.checkLayer("layernorm-plain", LayerNorm.plain(6, 1e-6), null, randn(4, 5, 6), randn(5, 5, 6), 1e-7);
    }

    @Test
    void geluGradients() {
        GradCheck.checkLayer("gelu", new Gelu(), null, randn(2, 3, 7).muli(2), randn(3, 3, 7), 1e-7);
    }
}
