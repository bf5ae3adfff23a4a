package io.github.jepa4j.regularizers.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.core.testing.Close;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.eigen.Eigen;
import org.nd4j.linalg.factory.Nd4j;

class CollapseMetricsTest {
    private static double[][] gaussian(long seed, int n, int d) {
        Random r = new Random(seed);
        double[][] v = new double[n][d];
        for (double[] row : v) {
            for (int j = 0; j < d; j++) {
                row[j] = r.nextGaussian();
            }
        }
        return v;
    }

    @Test
    void isotropicGaussianLooksHealthy() {
        int d = 16;
        CollapseStats s = CollapseMetrics.compute(Nd4j.createFromArray(gaussian(1, 4000, d)));
        assertEquals(4000, s.batch());
        assertEquals(d, s.dim());
        assertEquals(1.0, s.meanStd(), 0.03);
        assertTrue(s.minStd() > 0.9, "min std " + s.minStd());
        assertEquals(1 / Math.sqrt(d), s.stdOfL2Normalized(), 0.01);
        assertTrue(s.rankMe() > 0.98 * d && s.rankMe() <= d, "rankMe " + s.rankMe());
        assertEquals(d, s.eigenvalues().length);
        assertTrue(Math.abs(s.alphaReQ()) < 0.15, "alpha " + s.alphaReQ());
    }

    @Test
    void collapsedBatchIsDetected() {
        // Every row a positive multiple of one vector: complete collapse of direction.
        double[][] g = gaussian(2, 200, 8);
        double[] v = g[0];
        double[][] rows = new double[200][8];
        for (int i = 0; i < 200; i++) {
            for (int j = 0; j < 8; j++) {
                rows[i][j] = (1.5 + 0.5 * Math.sin(i)) * v[j];
            }
        }
        CollapseStats s = CollapseMetrics.compute(Nd4j.createFromArray(rows));
        assertEquals(0.0, s.stdOfL2Normalized(), 1e-12);
        assertEquals(1.0, s.rankMe(), 1e-4);
        assertTrue(Double.isNaN(s.alphaReQ()), "one positive eigenvalue cannot fit a power law");
        assertTrue(s.eigenvalues()[0] > 0 && s.eigenvalues()[1] < 1e-20 * s.eigenvalues()[0]);
    }

    @Test
    void perDimensionStdByHand() {
        INDArray z = Nd4j.createFromArray(new double[][] {{1, 10, 5}, {3, 10, 5}, {5, 40, 5}});
        double[] std = CollapseMetrics.perDimensionStd(z);
        assertEquals(2.0, std[0], 1e-14);
        assertEquals(Math.sqrt(300), std[1], 1e-12);
        assertEquals(0.0, std[2], 0.0);
        CollapseStats s = CollapseMetrics.compute(z);
        assertEquals(0.0, s.minStd(), 0.0);
        assertEquals((2 + Math.sqrt(300)) / 3, s.meanStd(), 1e-12);
    }

    @Test
    void rankMeFromSingularValues() {
        assertEquals(2.0, CollapseMetrics.rankMe(new double[] {3, 3, 0, 0}, 0), 1e-14);
        assertEquals(4.0, CollapseMetrics.rankMe(new double[] {1, 1, 1, 1}, 0), 1e-14);
        double withEps = CollapseMetrics.rankMe(new double[] {3, 3, 0, 0}, 1e-7);
        assertTrue(withEps > 2.0 && withEps < 2.0001, "eps adds a little mass to every value: " + withEps);
        assertEquals(Math.exp(-4 * 1e-7 * Math.log(1e-7)), CollapseMetrics.rankMe(Nd4j.zeros(DataType.DOUBLE, 5, 4)), 1e-15);
    }

    @Test
    void singularValuesOfWideAndTallMatrices() {
        INDArray wide = Nd4j.createFromArray(gaussian(3, 5, 9));
        double[] sw = CollapseMetrics.singularValues(wide);
        double[] st = CollapseMetrics.singularValues(wide.transpose());
        assertEquals(5, sw.length);
        Close.assertClose("sv(X) = sv(X^T)", sw, st, 1e-13);
        // Cross-check against the eigenvalues of X X^T.
        double[] eig = Eigen.symmetricGeneralizedEigenvalues(wide.mmul(wide.transpose())).data().asDouble();
        Arrays.sort(eig);
        for (int k = 0; k < 5; k++) {
            assertEquals(Math.sqrt(eig[4 - k]), sw[k], 1e-10);
        }
        double[] sf = CollapseMetrics.singularValues(wide.castTo(DataType.FLOAT));
        Close.assertClose("float input", sw, sf, 1e-5);
    }

    @Test
    void covarianceEigenvaluesMatchASymmetricEigensolver() {
        INDArray z = Nd4j.createFromArray(gaussian(4, 30, 6)).muliRowVector(Nd4j.createFromArray(1.0, 2, 3, 0.5, 0.1, 1));
        double[] ours = CollapseMetrics.covarianceEigenvalues(z);
        INDArray zc = z.subRowVector(z.mean(0));
        double[] ref = Eigen.symmetricGeneralizedEigenvalues(zc.transpose().mmul(zc).divi(29)).data().asDouble();
        Arrays.sort(ref);
        for (int k = 0; k < 6; k++) {
            assertEquals(ref[5 - k], ours[k], 1e-12 * (1 + ref[5]));
        }
        // Fewer samples than dimensions: rank N - 1, zero-padded to D.
        double[] few = CollapseMetrics.covarianceEigenvalues(Nd4j.createFromArray(gaussian(5, 4, 7)));
        assertEquals(7, few.length);
        assertTrue(few[2] > 0 && few[3] < 1e-25 && few[6] == 0.0, Arrays.toString(few));
    }

    @Test
    void alphaReQRecoversAPowerLaw() {
        // Centred orthonormal columns scaled so the covariance eigenvalues are exactly k^-alpha.
        int n = 64;
        int d = 12;
        double alpha = 1.3;
        double[][] q = gaussian(6, n, d);
        for (int j = 0; j < d; j++) {                                 // centre + Gram-Schmidt on columns
            for (int pass = 0; pass < 2; pass++) {
                double mean = 0;
                for (double[] row : q) {
                    mean += row[j] / n;
                }
                for (double[] row : q) {
                    row[j] -= mean;
                }
                for (int i = 0; i < j; i++) {
                    double dot = 0;
                    for (double[] row : q) {
                        dot += row[i] * row[j];
                    }
                    for (double[] row : q) {
                        row[j] -= dot * row[i];
                    }
                }
            }
            double norm = 0;
            for (double[] row : q) {
                norm += row[j] * row[j];
            }
            for (double[] row : q) {
                row[j] /= Math.sqrt(norm);
            }
        }
        for (double[] row : q) {
            for (int j = 0; j < d; j++) {
                row[j] *= Math.sqrt((n - 1) * Math.pow(j + 1, -alpha));
            }
        }
        CollapseStats s = CollapseMetrics.compute(Nd4j.createFromArray(q));
        for (int k = 0; k < d; k++) {
            assertEquals(Math.pow(k + 1, -alpha), s.eigenvalues()[k], 1e-12);
        }
        assertEquals(alpha, s.alphaReQ(), 1e-10);
        assertEquals(alpha, CollapseMetrics.alphaReQ(new double[] {Math.pow(3, -alpha), 1, Math.pow(2, -alpha), 0, -1e-17}), 1e-12);
        assertTrue(Double.isNaN(CollapseMetrics.alphaReQ(new double[] {1, 0, 0})));
    }

    @Test
    void statsAreImmutableValues() {
        INDArray z = Nd4j.createFromArray(gaussian(7, 10, 3));
        CollapseStats a = CollapseMetrics.compute(z);
        double[] e = a.eigenvalues();
        e[0] = -1;
        assertTrue(a.eigenvalues()[0] > 0);
        assertEquals(a, CollapseMetrics.compute(z.dup()));
        assertEquals(a.hashCode(), CollapseMetrics.compute(z.dup()).hashCode());
        assertTrue(a.toString().contains("rankMe="));
    }
}
