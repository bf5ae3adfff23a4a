package io.github.jepa4j.regularizers.loss;

import static io.github.jepa4j.regularizers.loss.LossGradCheck.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.core.testing.Close;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ByolLossTest {
    private final ByolLoss loss = new ByolLoss();

    @Test
    void gradientMatchesFiniteDifferences() {
        INDArray p = randn(1, 5, 4);
        INDArray z = randn(2, 5, 4);
        LossTerms r = loss.compute(p, z);
        LossGradCheck.check("byol dL/dp", p, () -> loss.compute(p, z).total(), r.gradA(), 1e-7);
    }

    @Test
    void alignedOppositeAndOrthogonalRows() {
        INDArray z = Nd4j.createFromArray(new double[][] {{3, 4}, {1, 0}, {0, 2}});
        LossTerms aligned = loss.compute(z.mul(2.5), z);
        assertEquals(0.0, aligned.total(), 1e-15);
        Close.assertClose("zero gradient at the optimum", Nd4j.zeros(3, 2), aligned.gradA(), 1e-15);
        assertEquals(4.0, loss.compute(z.neg(), z).total(), 1e-15);
        INDArray orth = Nd4j.createFromArray(new double[][] {{-4, 3}, {0, 5}, {7, 0}});
        assertEquals(2.0, loss.compute(orth, z).total(), 1e-15);
        // Hand-computed gradient for an orthogonal pair: -(2/N) zhat / |p|.
        Close.assertClose("orthogonal row gradient", Nd4j.createFromArray(new double[] {-2.0 / 3 * 0.6 / 5, -2.0 / 3 * 0.8 / 5}),
                loss.compute(orth, z).gradA().getRow(0), 1e-15);
    }

    @Test
    void zeroPredictionRowStaysFinite() {
        INDArray p = Nd4j.createFromArray(new double[][] {{0, 0}, {1, 1}});
        INDArray z = Nd4j.createFromArray(new double[][] {{1, 0}, {1, 1}});
        LossTerms r = loss.compute(p, z);
        assertEquals(1.0, r.total(), 1e-15);                        // (2 + 0) / 2
        assertTrue(Double.isFinite(r.gradA().sumNumber().doubleValue()));
    }

    @Test
    void symmetricIsTheSumOfBothDirections() {
        INDArray p1 = randn(3, 4, 6);
        INDArray p2 = randn(4, 4, 6);
        INDArray z1 = randn(5, 4, 6);
        INDArray z2 = randn(6, 4, 6);
        LossTerms s = loss.symmetric(p1, z2, p2, z1);
        assertEquals(loss.compute(p1, z2).total(), s.term("view1"), 0.0);
        assertEquals(loss.compute(p2, z1).total(), s.term("view2"), 0.0);
        assertEquals(s.term("view1") + s.term("view2"), s.total(), 1e-15);
        LossGradCheck.check("symmetric d/dp1", p1, () -> loss.symmetric(p1, z2, p2, z1).total(), s.gradA(), 1e-7);
        LossGradCheck.check("symmetric d/dp2", p2, () -> loss.symmetric(p1, z2, p2, z1).total(), s.gradB(), 1e-7);
    }
}
