package io.github.jepa4j.regularizers.loss;

import static io.github.jepa4j.regularizers.loss.LossGradCheck.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.core.testing.Close;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class VicRegLossTest {
    /** Columns scaled so some dimensions sit inside the variance hinge (std < 1) and some outside. */
    private static INDArray mixedScale(long seed, int n, int d) {
        INDArray z = randn(seed, n, d);
        for (int j = 0; j < d; j++) {
            z.getColumn(j).muli(j % 2 == 0 ? 0.4 : 2.5);
        }
        return z;
    }

    @Test
    void twoBranchGradientsMatchFiniteDifferences() {
        VicRegLoss loss = new VicRegLoss(3.0, 5.0, 2.0, 1e-4);
        INDArray x = mixedScale(1, 6, 4);
        INDArray y = mixedScale(2, 6, 4);
        LossTerms r = loss.compute(x, y);
        LossGradCheck.check("vicreg dL/dx", x, () -> loss.compute(x, y).total(), r.gradA(), 1e-7);
        LossGradCheck.check("vicreg dL/dy", y, () -> loss.compute(x, y).total(), r.gradB(), 1e-7);
    }

    @Test
    void singleBranchGradientsMatchFiniteDifferences() {
        VicRegLoss loss = new VicRegLoss();
        INDArray z = mixedScale(3, 5, 6);
        LossTerms r = loss.varianceCovariance(z);
        assertNull(r.gradB());
        assertEquals(List.of("variance", "covariance"), List.copyOf(r.terms().keySet()));
        LossGradCheck.check("vicreg single-branch dL/dz", z, () -> loss.varianceCovariance(z).total(), r.gradA(), 1e-7);
    }

    @Test
    void handComputedCase() {
        // Columns (1,-1,0,0) and (0,0,2,-2): zero mean, unbiased variances 2/3 and 8/3, uncorrelated.
        INDArray z = Nd4j.createFromArray(new double[][] {{1, 0}, {-1, 0}, {0, 2}, {0, -2}});
        VicRegLoss loss = new VicRegLoss();
        LossTerms same = loss.compute(z, z.dup());
        double v = (1 - Math.sqrt(2.0 / 3 + 1e-4)) / 2;     // second column is outside the hinge
        assertEquals(0.0, same.term("invariance"), 0.0);
        assertEquals(v, same.term("variance"), 1e-15);
        assertEquals(0.0, same.term("covariance"), 1e-15);
        assertEquals(25 * v, same.total(), 1e-14);

        // Shift y by a constant: invariance 1, the regularisers do not see a shift.
        LossTerms shifted = loss.compute(z, z.add(1.0));
        assertEquals(1.0, shifted.term("invariance"), 1e-15);
        assertEquals(v, shifted.term("variance"), 1e-15);

        // Perfectly correlated columns (b = 2a): Cov = [[s, 2s], [2s, 4s]], off-diagonal sum 2*(2s)^2 / D.
        INDArray a = Nd4j.createFromArray(new double[][] {{1, 2}, {-1, -2}, {3, 6}, {-3, -6}});
        double s = 20.0 / 3;
        assertEquals(2 * Math.pow(2 * s, 2) / 2, loss.varianceCovariance(a).term("covariance"), 1e-12);
    }

    @Test
    void coefficientsWeightTheTerms() {
        INDArray x = mixedScale(4, 7, 3);
        INDArray y = mixedScale(5, 7, 3);
        LossTerms unit = new VicRegLoss(1, 1, 1, 1e-4).compute(x, y);
        LossTerms weighted = new VicRegLoss(2, 3, 0.5, 1e-4).compute(x, y);
        assertEquals(2 * unit.term("invariance") + 3 * unit.term("variance") + 0.5 * unit.term("covariance"),
                weighted.total(), 1e-12);
        LossTerms invOnly = new VicRegLoss(1, 0, 0, 1e-4).compute(x, y);
        Close.assertClose("invariance-only gradient", x.sub(y).muli(2.0 / (7 * 3)), invOnly.gradA(), 1e-14);
    }

    @Test
    void floatInputsGiveFloatGradientsCloseToDouble() {
        INDArray x = mixedScale(6, 8, 5);
        INDArray y = mixedScale(7, 8, 5);
        LossTerms d = new VicRegLoss().compute(x, y);
        LossTerms f = new VicRegLoss().compute(x.castTo(DataType.FLOAT), y.castTo(DataType.FLOAT));
        assertEquals(DataType.FLOAT, f.gradA().dataType());
        assertEquals(d.total(), f.total(), 1e-4 * (1 + Math.abs(d.total())));
        Close.assertClose("float grad", d.gradA(), f.gradA().castTo(DataType.DOUBLE), 1e-4);
    }

    @Test
    void viewsAndFortranOrderGiveTheSameResult() {
        INDArray x = mixedScale(8, 6, 4);
        INDArray y = mixedScale(9, 6, 4);
        LossTerms ref = new VicRegLoss().compute(x, y);
        LossTerms other = new VicRegLoss().compute(x.dup('f'), y.transpose().dup().transpose());
        assertEquals(ref.total(), other.total(), 1e-13);
        Close.assertClose("grad from f-order inputs", ref.gradB(), other.gradB(), 1e-13);
        assertTrue(ref.terms().values().stream().allMatch(Double::isFinite));

        // Row and column windows of larger arrays (offset views, non-default strides).
        INDArray big = Nd4j.zeros(DataType.DOUBLE, 10, 7);
        big.get(NDArrayIndex.interval(3, 9), NDArrayIndex.interval(2, 6)).assign(y);
        INDArray rows = Nd4j.zeros(DataType.DOUBLE, 9, 4);
        rows.get(NDArrayIndex.interval(2, 8), NDArrayIndex.all()).assign(x);
        LossTerms views = new VicRegLoss().compute(rows.get(NDArrayIndex.interval(2, 8), NDArrayIndex.all()),
                big.get(NDArrayIndex.interval(3, 9), NDArrayIndex.interval(2, 6)));
        assertEquals(ref.total(), views.total(), 1e-13);
        Close.assertClose("grad from views", ref.gradA(), views.gradA(), 1e-13);
    }
}
