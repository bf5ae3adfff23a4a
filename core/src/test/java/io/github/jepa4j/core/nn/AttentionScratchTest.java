package io.github.jepa4j.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Buffer reuse across calls and input validation of attention and the transformer block. */
class AttentionScratchTest {
    private static INDArray randn(DataType dt, long seed, long... shape) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.DOUBLE, shape).castTo(dt);
    }

    private static void assertReusesBuffers(Layer layer, INDArray x, INDArray g) {
        INDArray y1 = layer.forward(x);
        long yAddr = y1.data().address();
        double[] yFirst = y1.dup().data().asDouble();
        long dxAddr = layer.backward(g).data().address();
        INDArray y2 = layer.forward(x);
        assertEquals(yAddr, y2.data().address(), "second forward must write into the same buffer");
        assertArrayEquals(yFirst, y2.dup().data().asDouble(), 0.0, "same input, same output");
        assertEquals(dxAddr, layer.backward(g).data().address(), "second backward must write into the same buffer");
        // A smaller batch fits in the existing scratch as well.
        INDArray small = x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 1)).dup();
        INDArray ys = layer.forward(small);
        assertEquals(yAddr, ys.data().address(), "a smaller input reuses the scratch");
    }

    @Test
    void attentionReusesScratch() {
        ParamStore store = new ParamStore(DataType.FLOAT);
        MultiHeadSelfAttention attn = new MultiHeadSelfAttention(store, "attn", 16, 4);
        store.allocate(3);
        assertReusesBuffers(attn, randn(DataType.FLOAT, 1, 3, 5, 16), randn(DataType.FLOAT, 2, 3, 5, 16));
    }

    @Test
    void blockReusesScratch() {
        ParamStore store = new ParamStore(DataType.FLOAT);
        TransformerBlock block = new TransformerBlock(store, "blocks.0", 16, 4, 64);
        store.allocate(3);
        assertReusesBuffers(block, randn(DataType.FLOAT, 1, 3, 5, 16), randn(DataType.FLOAT, 2, 3, 5, 16));
    }

    @Test
    void headsMustDivideWidth() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MultiHeadSelfAttention(new ParamStore(DataType.FLOAT), "attn", 10, 3));
        assertTrue(e.getMessage().contains("D=10") && e.getMessage().contains("H=3"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new TransformerBlock(new ParamStore(DataType.FLOAT), "blocks.0", 10, 4, 40));
    }

    @Test
    void rejectsWrongInputShapes() {
        ParamStore store = new ParamStore(DataType.FLOAT);
        MultiHeadSelfAttention attn = new MultiHeadSelfAttention(store, "attn", 8, 2);
        TransformerBlock block = new TransformerBlock(store, "blocks.0", 8, 2, 16);
        store.allocate(1);
        for (Layer layer : new Layer[] {attn, block}) {
            IllegalArgumentException rank2 = assertThrows(IllegalArgumentException.class,
                    () -> layer.forward(Nd4j.zeros(DataType.FLOAT, 5, 8)));
            assertTrue(rank2.getMessage().contains("[5, 8]"), rank2.getMessage());
            IllegalArgumentException width = assertThrows(IllegalArgumentException.class,
                    () -> layer.forward(Nd4j.zeros(DataType.FLOAT, 2, 5, 6)));
            assertTrue(width.getMessage().contains("[2, 5, 6]") && width.getMessage().contains("8"), width.getMessage());
        }
        attn.forward(Nd4j.zeros(DataType.FLOAT, 2, 5, 8));
        IllegalArgumentException grad = assertThrows(IllegalArgumentException.class,
                () -> attn.backward(Nd4j.zeros(DataType.FLOAT, 2, 4, 8)));
        assertTrue(grad.getMessage().contains("[2, 4, 8]"), grad.getMessage());
    }
}
