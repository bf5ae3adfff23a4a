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
}
