package io.github.jepa4j.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.core.nn.ParamStore;
import io.github.jepa4j.core.nn.TokenOps;
import io.github.jepa4j.core.testing.Close;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link VisionTransformer#forwardAt}: the full forward's output at the given tokens. */
class VisionTransformerTest {
    /** 8x8 images, patch 2: 16 tokens of width 16, three blocks of 2 heads. */
    static final VitConfig ENC = new VitConfig(1, 8, 8, 1, 2, 1, 16, 3, 2, 32, 1e-6);

    @Test
    void outputAtSomeTokensEqualsTheFullForwardGathered() {
        for (DataType dt : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            ParamStore store = new ParamStore(dt);
            VisionTransformer vit = new VisionTransformer(ENC, store, "encoder.");
            store.allocate(4);
            Nd4j.getRandom().setSeed(5);
            INDArray x = Nd4j.randn(dt, 3, 1, 8, 8);
            // Unsorted, repeated (padding to one R) and differing per input.
            int[][] rows = {{0, 5, 15, 7, 7}, {3, 2, 1, 0, 9}, {12, 12, 12, 12, 4}};
            INDArray full = vit.forward(x).dup();
            INDArray expected = Nd4j.create(dt, 3, 5, ENC.dim());
            TokenOps.gather(full, rows, expected);
            INDArray at = vit.forwardAt(x, rows);
            assertArrayEquals(new long[] {3, 5, ENC.dim()}, at.shape());
            // Float: the products see fewer rows, so OpenBLAS may round differently.
            Close.assertClose(dt + ": forwardAt vs forward gathered", expected, at, dt == DataType.DOUBLE ? 1e-12 : 1e-5);
            // The full forward still works after it (no state left behind that changes it).
            Close.assertClose(dt + ": forward after forwardAt", full, vit.forward(x), 0);
        }
    }

    @Test
    void noBackwardAfterForwardAtAndRowsMustMatchTheBatch() {
        ParamStore store = new ParamStore(DataType.DOUBLE);
        VisionTransformer vit = new VisionTransformer(ENC, store, "encoder.");
        store.allocate(4);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 2, 1, 8, 8);
        vit.forward(x); // a full forward first: forwardAt must not leave its state usable by backward
        INDArray out = vit.forwardAt(x, new int[][] {{1, 2}, {3, 4}});
        assertThrows(IllegalStateException.class, () -> vit.backward(out), "backward after forwardAt");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> vit.forwardAt(x, new int[][] {{1, 2}}));
        assertTrue(e.getMessage().contains("1 inputs") && e.getMessage().contains("batch has 2"), e.getMessage());
    }
}
