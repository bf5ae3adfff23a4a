package io.github.jepa4j.regularizers.loss;

import static io.github.jepa4j.regularizers.loss.LossGradCheck.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class BarlowTwinsLossTest {
    @Test
    void gradientsMatchFiniteDifferences() {
        // A larger lambda than the default so the off-diagonal gradient is well above the FD noise.
        BarlowTwinsLoss loss = new BarlowTwinsLoss(0.3, 1e-5);
        INDArray za = randn(1, 6, 4);
        INDArray zb = randn(2, 6, 4).addi(za.mul(0.5));
        LossTerms r = loss.compute(za, zb);
        LossGradCheck.check("barlow dL/dza", za, () -> loss.compute(za, zb).total(), r.gradA(), 1e-6);
        LossGradCheck.check("barlow dL/dzb", zb, () -> loss.compute(za, zb).total(), r.gradB(), 1e-6);
        BarlowTwinsLoss paper = new BarlowTwinsLoss();
        LossTerms p = paper.compute(za, zb);
        LossGradCheck.check("barlow (default lambda) dL/dza", za, () -> paper.compute(za, zb).total(), p.gradA(), 1e-6);
    }

    @Test
    void identicalDecorrelatedBranchesHaveNearZeroLoss() {
        // Orthogonal zero-mean +-1 columns: standardised exactly to themselves / sqrt(1 + eps).
        INDArray z = Nd4j.createFromArray(new double[][] {{1, 1, 1}, {-1, 1, -1}, {1, -1, -1}, {-1, -1, 1}});
        BarlowTwinsLoss loss = new BarlowTwinsLoss();
        // A per-dimension affine change is normalised away (up to eps: the variance of 3z is 9).
        LossTerms r = loss.compute(z, z.mul(3).addi(7));
        double cii = 1 / Math.sqrt((1 + 1e-5) * (1 + 1e-5 / 9));
        assertEquals(3 * (1 - cii) * (1 - cii), r.term("on_diagonal"), 1e-18);
        assertTrue(r.term("on_diagonal") < 1e-9);
        assertEquals(0.0, r.term("off_diagonal"), 1e-28);
        assertEquals(r.term("on_diagonal"), r.total(), 1e-18);
    }

    @Test
    void anticorrelatedAndRedundantBranches() {
        INDArray z = Nd4j.createFromArray(new double[][] {{1, 1}, {-1, 1}, {1, -1}, {-1, -1}});
        BarlowTwinsLoss loss = new BarlowTwinsLoss(0.5, 1e-5);
        double cii = 1 / (1 + 1e-5);
        assertEquals(2 * Math.pow(1 + cii, 2), loss.compute(z, z.neg()).term("on_diagonal"), 1e-12);
        // Both columns of zb equal column 0 of za: C = [[c, c], [0, 0]], on = (1-c)^2 + 1, off = c^2.
        INDArray zb = Nd4j.createFromArray(new double[][] {{1, 1}, {-1, -1}, {1, 1}, {-1, -1}});
        LossTerms r = loss.compute(z, zb);
        assertEquals(Math.pow(1 - cii, 2) + 1, r.term("on_diagonal"), 1e-12);
        assertEquals(cii * cii, r.term("off_diagonal"), 1e-12);
        assertEquals(r.term("on_diagonal") + 0.5 * r.term("off_diagonal"), r.total(), 1e-12);
    }
}
