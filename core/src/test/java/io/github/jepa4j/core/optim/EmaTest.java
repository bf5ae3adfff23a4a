package io.github.jepa4j.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.core.nn.Init;
import io.github.jepa4j.core.nn.ParamStore;
import io.github.jepa4j.core.testing.Close;
import io.github.jepa4j.core.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class EmaTest {

    @Test
    void matchesIJepaFixture() {
        EmaFixture.check(Fixtures.load("ema.json"));
    }

    @Test
    void updatesInPlaceAndLeavesOnlineAlone() {
        Nd4j.getRandom().setSeed(3);
        INDArray target = Nd4j.randn(DataType.DOUBLE, 2, 3, 4);
        INDArray online = Nd4j.randn(DataType.DOUBLE, 2, 3, 4);
        INDArray t0 = target.dup();
        INDArray o0 = online.dup();
        INDArray same = target;
        Ema.update(target, online, 0.7);
        assertTrue(same == target);
        Close.assertClose("ema", t0.mul(0.7).add(o0.mul(0.3)), target, 1e-15);
        Close.assertClose("online untouched", o0, online, 0.0);
        Ema.update(target, online, 1.0);
        Close.assertClose("m=1 keeps target", t0.mul(0.7).add(o0.mul(0.3)), target, 1e-15);
        Ema.update(target, online, 0.0);
        Close.assertClose("m=0 copies online", o0, target, 0.0);
    }

    @Test
    void worksOnStoreSlicesAndFloat() {
        // The target store mirrors a slice of the online store (e.g. the encoder's range).
        ParamStore onlineStore = new ParamStore(DataType.FLOAT);
        onlineStore.add("enc.w", new long[] {3, 5}, true, Init.truncNormal(1.0));
        onlineStore.add("pred.w", new long[] {4}, true, Init.truncNormal(1.0));
        onlineStore.allocate(1);
        ParamStore targetStore = new ParamStore(DataType.FLOAT);
        targetStore.add("enc.w", new long[] {3, 5}, true, Init.truncNormal(1.0));
        targetStore.allocate(2);
        INDArray onlineEnc = onlineStore.paramRange(0, 15);
        double[] t = targetStore.params().castTo(DataType.DOUBLE).dup().data().asDouble();
        double[] o = onlineEnc.castTo(DataType.DOUBLE).dup().data().asDouble();
        double[] pred = onlineStore.paramRange(15, 19).castTo(DataType.DOUBLE).dup().data().asDouble();
        Ema.update(targetStore.params(), onlineEnc, 0.9);
        double[] expected = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            expected[i] = 0.9 * t[i] + 0.1 * o[i];
        }
        Close.assertClose("ema float", expected, targetStore.params().castTo(DataType.DOUBLE).dup().data().asDouble(), 1e-6);
        Close.assertClose("rest of online untouched", pred,
                onlineStore.paramRange(15, 19).castTo(DataType.DOUBLE).dup().data().asDouble(), 0.0);
    }

    @Test
    void rejectsBadArguments() {
        INDArray a = Nd4j.zeros(DataType.DOUBLE, 6);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ema.update(a, Nd4j.zeros(DataType.DOUBLE, 5), 0.9));
        assertTrue(e.getMessage().contains("[6]") && e.getMessage().contains("[5]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Ema.update(a, Nd4j.zeros(DataType.DOUBLE, 6), 1.5));
        assertTrue(e.getMessage().contains("1.5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Ema.update(a, Nd4j.zeros(DataType.DOUBLE, 6), Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Ema.update(a, Nd4j.zeros(DataType.FLOAT, 6), 0.5));
        assertThrows(IllegalArgumentException.class, () -> Ema.update(a, Nd4j.zeros(DataType.DOUBLE, 2, 3), 0.5));
        assertEquals(0.0, a.sumNumber().doubleValue(), 0.0);
    }
}
