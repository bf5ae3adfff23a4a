package io.github.jepa4j.regularizers.loss;

import static io.github.jepa4j.regularizers.loss.LossGradCheck.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.core.testing.Close;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SigRegLossTest {
    private static INDArray normalSample(long seed, int n, int d) {
        Random r = new Random(seed);
        double[] v = new double[n * d];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextGaussian();
        }
        return Nd4j.createFromArray(v).reshape('c', n, d);
    }

    /** The statistic straight from its definition, one cos/sin per node (no recurrence). */
    private static double reference(INDArray z, INDArray a, int knots, double tMax) {
        INDArray x = z.mmul(a);
        int n = (int) x.rows();
        double dt = tMax / (knots - 1);
        double total = 0;
        for (int j = 0; j < x.columns(); j++) {
            double stat = 0;
            for (int k = 0; k < knots; k++) {
                double t = k * dt;
                double c = 0;
                double s = 0;
                for (int i = 0; i < n; i++) {
                    c += Math.cos(t * x.getDouble(i, j));
                    s += Math.sin(t * x.getDouble(i, j));
                }
                double phi = Math.exp(-t * t / 2);
                double trap = (k == 0 || k == knots - 1) ? dt / 2 : dt;   // plain trapezoid on [0, tMax]
                stat += 2 * trap * phi * (Math.pow(c / n - phi, 2) + Math.pow(s / n, 2));  // x2: even integrand
            }
            total += n * stat;
        }
        return total / x.columns();
    }

    @Test
    void weightsAreTheDoubledTrapezoidTimesTheGaussianWindow() {
        SigRegLoss loss = new SigRegLoss(0);
        double[] t = loss.nodes();
        double[] w = loss.weights();
        assertEquals(17, t.length);
        assertEquals(3.0, t[16], 0.0);
        assertEquals(3.0 / 16, w[0], 1e-15);
        assertEquals(2 * 3.0 / 16 * Math.exp(-t[5] * t[5] / 2), w[5], 1e-15);
        double integral = 0;                                          // ~ integral_{-3}^{3} exp(-t^2/2) dt
        for (double v : w) {
            integral += v;
        }
        assertEquals(Math.sqrt(2 * Math.PI) * 0.9973, integral, 5e-3);
    }

    @Test
    void matchesTheDefinitionOnFixedDirections() {
        INDArray z = randn(1, 9, 4).muli(1.7).addi(0.3);
        SigRegLoss loss = new SigRegLoss(5, 6, 17, 3.0);
        INDArray a = loss.directionsForCall(0, 4, DataType.DOUBLE);
        assertEquals(reference(z, a, 17, 3.0), loss.compute(z, a).total(), 1e-12);
        SigRegLoss coarse = new SigRegLoss(5, 6, 5, 2.0);
        assertEquals(reference(z, a, 5, 2.0), coarse.compute(z, a).total(), 1e-12);
    }

    @Test
    void gradientMatchesFiniteDifferencesWithFixedDirections() {
        SigRegLoss loss = new SigRegLoss(11, 5, 17, 3.0);
        INDArray z = randn(2, 7, 3).muli(0.8).addi(0.2);
        INDArray a = loss.directionsForCall(3, 3, DataType.DOUBLE);
        LossTerms r = loss.compute(z, a);
        LossGradCheck.check("sigreg dL/dz", z, () -> loss.compute(z, a).total(), r.gradA(), 1e-7);
        // A direction matrix that is not unit-norm is used as given, gradient included.
        INDArray b = randn(3, 3, 4).muli(1.5);
        LossGradCheck.check("sigreg dL/dz (raw directions)", z, () -> loss.compute(z, b).total(), loss.compute(z, b).gradA(), 1e-7);
    }

    @Test
    void standardNormalScoresLowAndCollapseScoresHigh() {
        SigRegLoss loss = new SigRegLoss(42);
        INDArray normal = normalSample(7, 2000, 16);
        double healthy = loss.compute(normal).total();
        // Expected value for a standard normal sample is sum_k w_k (1 - phi_k^2) ~ 1.05.
        assertTrue(healthy > 0.3 && healthy < 3.0, "standard-normal statistic " + healthy);

        INDArray collapsed = Nd4j.zeros(DataType.DOUBLE, 2000, 16).addiRowVector(normalSample(8, 1, 16).reshape(16));
        double dead = loss.compute(collapsed).total();
        assertTrue(dead > 100 * healthy, "collapsed " + dead + " vs normal " + healthy);

        INDArray shrunk = normal.mul(0.1);                           // dimensional/scale collapse
        double small = loss.compute(shrunk).total();
        assertTrue(small > 100 * healthy, "shrunk " + small + " vs normal " + healthy);

        INDArray lowRank = normal.dup();                             // half the dimensions dead
        lowRank.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(8, 16)).assign(0);
        double partial = loss.compute(lowRank).total();
        assertTrue(partial > 10 * healthy, "low-rank " + partial + " vs normal " + healthy);
    }

    @Test
    void directionsAreUnitDeterministicAndFreshPerCall() {
        SigRegLoss one = new SigRegLoss(123, 8, 17, 3.0);
        SigRegLoss two = new SigRegLoss(123, 8, 17, 3.0);
        INDArray a0 = one.directionsForCall(0, 5, DataType.DOUBLE);
        assertArrayEquals(new long[] {5, 8}, a0.shape());
        Close.assertClose("unit columns", Nd4j.ones(DataType.DOUBLE, 8), a0.norm2(0), 1e-14);
        Close.assertClose("same seed, same call", a0, two.directionsForCall(0, 5, DataType.DOUBLE), 0);
        assertFalse(a0.equalsWithEps(one.directionsForCall(1, 5, DataType.DOUBLE), 1e-3));
        assertFalse(a0.equalsWithEps(new SigRegLoss(124, 8, 17, 3.0).directionsForCall(0, 5, DataType.DOUBLE), 1e-3));

        INDArray z = randn(4, 10, 5);
        double first = one.compute(z).total();
        double second = one.compute(z).total();
        assertEquals(2, one.callCount());
        assertTrue(first != second, "each call draws new directions");
        assertEquals(first, two.compute(z).total(), 0.0);
        two.setCallCount(1);
        assertEquals(second, two.compute(z).total(), 0.0);
        assertEquals(first, one.compute(z, one.directionsForCall(0, 5, DataType.DOUBLE)).total(), 0.0);
        assertEquals(2, one.callCount(), "fixed directions do not advance the counter");
    }

    @Test
    void floatInputIsSupported() {
        SigRegLoss loss = new SigRegLoss(9, 16, 17, 3.0);
        INDArray z = randn(5, 20, 6);
        INDArray a = loss.directionsForCall(0, 6, DataType.DOUBLE);
        LossTerms d = loss.compute(z, a);
        LossTerms f = loss.compute(z.castTo(DataType.FLOAT), a);
        assertEquals(DataType.FLOAT, f.gradA().dataType());
        assertEquals(d.total(), f.total(), 1e-4 * (1 + d.total()));
        Close.assertClose("float grad", d.gradA(), f.gradA().castTo(DataType.DOUBLE), 1e-4);
    }
}
