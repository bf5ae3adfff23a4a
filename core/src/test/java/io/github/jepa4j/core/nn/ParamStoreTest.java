package io.github.jepa4j.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.core.model.VisionTransformer;
import io.github.jepa4j.core.model.VitConfig;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** A store that shares another's buffers: a second model instance over the same weights. */
class ParamStoreTest {
    static final VitConfig ENC = new VitConfig(1, 8, 8, 1, 4, 1, 16, 1, 2, 32, 1e-6);

    @Test
    void aSharingStoreSeesAndMakesEveryUpdate() {
        ParamStore a = new ParamStore(DataType.FLOAT);
        VisionTransformer first = new VisionTransformer(ENC, a, "encoder.");
        a.allocate(1);
        ParamStore b = new ParamStore(DataType.FLOAT);
        VisionTransformer second = new VisionTransformer(ENC, b, "encoder.");
        b.shareFrom(a);
        INDArray x = Nd4j.rand(DataType.FLOAT, 3, 1, 8, 8);
        assertArrayEquals(first.forward(x).dup().data().asFloat(), second.forward(x).dup().data().asFloat());
        // An update through either store (EMA, checkpoint load) reaches both models.
        a.params().addi(0.25);
        float[] afterA = first.forward(x).dup().data().asFloat();
        assertArrayEquals(afterA, second.forward(x).dup().data().asFloat());
        b.get("encoder.norm.weight").value().muli(2);
        assertArrayEquals(first.forward(x).dup().data().asFloat(), second.forward(x).dup().data().asFloat());
        assertEquals(a.size(), b.size());
    }

    @Test
    void sharingIsRefusedForAnotherLayoutOrAnAllocatedStore() {
        ParamStore a = new ParamStore(DataType.FLOAT);
        new VisionTransformer(ENC, a, "encoder.");
        ParamStore unallocated = new ParamStore(DataType.FLOAT);
        new VisionTransformer(ENC, unallocated, "encoder.");
        assertThrows(IllegalStateException.class, () -> unallocated.shareFrom(a), "the source must be allocated");
        a.allocate(1);
        ParamStore other = new ParamStore(DataType.FLOAT);
        new VisionTransformer(new VitConfig(1, 8, 8, 1, 4, 1, 16, 2, 2, 32, 1e-6), other, "encoder.");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> other.shareFrom(a));
        assertTrue(e.getMessage().contains("another layout"), e.getMessage());
        ParamStore doubles = new ParamStore(DataType.DOUBLE);
        new VisionTransformer(ENC, doubles, "encoder.");
        assertThrows(IllegalArgumentException.class, () -> doubles.shareFrom(a));
        ParamStore allocated = new ParamStore(DataType.FLOAT);
        new VisionTransformer(ENC, allocated, "encoder.");
        allocated.allocate(2);
        assertThrows(IllegalStateException.class, () -> allocated.shareFrom(a));
    }
    /** A second instance of the leading models shares their weights but keeps gradients of its own. */
    @Test
    void sharingTheLeadingParametersKeepsOwnGradients() {
        ParamStore a = new ParamStore(DataType.FLOAT);
        VisionTransformer first = new VisionTransformer(ENC, a, "encoder.");
        a.add("extra.weight", new long[] {4, 3}, true, Init.ones()); // e.g. a regularizer's, after the encoder
        a.allocate(1);
        ParamStore b = new ParamStore(DataType.FLOAT);
        VisionTransformer second = new VisionTransformer(ENC, b, "encoder.");
        b.shareParamsOf(a);
        assertEquals(a.size() - 12, b.size());
        INDArray x = Nd4j.rand(DataType.FLOAT, 3, 1, 8, 8);
        assertArrayEquals(first.forward(x).dup().data().asFloat(), second.forward(x).dup().data().asFloat());
        a.params().addi(0.25); // an AdamW or EMA update of the source reaches the second instance
        assertArrayEquals(first.forward(x).dup().data().asFloat(), second.forward(x).dup().data().asFloat());
        assertArrayEquals(a.decayMask().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, b.size())).toFloatVector(),
                b.decayMask().toFloatVector());
        // Gradients stay apart: a backward through the second instance writes only its own buffer.
        a.zeroGrads();
        second.forward(x);
        second.backward(Nd4j.onesLike(second.forward(x)));
        assertEquals(0.0, a.grads().norm1Number().doubleValue(), "the source's gradients are untouched");
        assertTrue(b.grads().norm1Number().doubleValue() > 0, "the second instance has gradients");

        ParamStore other = new ParamStore(DataType.FLOAT);
        new VisionTransformer(new VitConfig(1, 8, 8, 1, 4, 1, 16, 2, 2, 32, 1e-6), other, "encoder.");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> other.shareParamsOf(a));
        assertTrue(e.getMessage().contains("not the leading layout"), e.getMessage());
        ParamStore longer = new ParamStore(DataType.FLOAT);
        new VisionTransformer(ENC, longer, "encoder.");
        longer.add("extra.weight", new long[] {4, 3}, true, Init.ones());
        longer.add("more", new long[] {2}, false, Init.zeros());
        assertThrows(IllegalArgumentException.class, () -> longer.shareParamsOf(a), "a store longer than the source");
    }
}
