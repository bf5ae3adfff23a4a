package io.github.jepa4j.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.core.testing.Close;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class GradClipTest {

    @Test
    void scalesDownToMaxNormWhenAbove() {
        INDArray g = Nd4j.createFromArray(3.0, -4.0, 0.0, 12.0); // norm 13
        double norm = GradClip.clipGlobalNorm(g, 1.0);
        assertEquals(13.0, norm, 1e-12);
        double c = 1.0 / (13.0 + 1e-6); // PyTorch's coefficient
        Close.assertClose("clipped", new double[] {3 * c, -4 * c, 0, 12 * c}, g.data().asDouble(), 1e-15);
        assertEquals(1.0, g.norm2Number().doubleValue(), 1e-6);
    }

    @Test
    void leavesSmallGradientsAlone() {
        INDArray g = Nd4j.createFromArray(0.3, -0.4).reshape(1, 2);
        double norm = GradClip.clipGlobalNorm(g, 1.0);
        assertEquals(0.5, norm, 1e-15);
        Close.assertClose("unchanged", new double[] {0.3, -0.4}, g.data().asDouble(), 0.0);
        INDArray z = Nd4j.zeros(DataType.FLOAT, 5);
        assertEquals(0.0, GradClip.clipGlobalNorm(z, 1.0), 0.0);
        assertEquals(0.0, z.sumNumber().doubleValue(), 0.0);
    }

    @Test
    void clipsAStoreSizedFloatBuffer() {
        Nd4j.getRandom().setSeed(5);
        INDArray g = Nd4j.randn(DataType.FLOAT, 1000).muli(3);
        double before = g.norm2Number().doubleValue();
        assertEquals(before, GradClip.clipGlobalNorm(g, 10.0), 1e-3);
        assertEquals(10.0, g.norm2Number().doubleValue(), 1e-4);
    }

    @Test
    void nonFiniteNormIsReportedAndNothingScaled() {
        INDArray g = Nd4j.createFromArray(1.0, Double.NaN, 2.0);
        assertTrue(Double.isNaN(GradClip.clipGlobalNorm(g, 1.0)));
        assertEquals(1.0, g.getDouble(0), 0.0);
        assertEquals(2.0, g.getDouble(2), 0.0);
    }

    @Test
    void rejectsBadMaxNorm() {
        INDArray g = Nd4j.ones(DataType.DOUBLE, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GradClip.clipGlobalNorm(g, 0.0));
        assertTrue(e.getMessage().contains("0.0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GradClip.clipGlobalNorm(g, -1.0));
        assertThrows(IllegalArgumentException.class, () -> GradClip.clipGlobalNorm(g, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> GradClip.clipGlobalNorm(Nd4j.ones(DataType.INT, 3), 1.0));
    }
}
