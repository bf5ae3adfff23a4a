package io.github.jepa4j.regularizers.probe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.regularizers.probe.ProbeData4Test.Labeled;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Linear, kNN and ridge probes on data where the answer is known. */
class LinearProbesTest {
    private static void assertRejects(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' should contain '" + f + "'");
        }
    }

    @Test
    void lbfgsFindsTheMinimumOfAQuadraticAndOfRosenbrock() {
        // f(x) = 0.5 x^T A x - b^T x with A = [[3, 1], [1, 2]]: minimiser A^-1 b.
        double[] b = {1, -2};
        Lbfgs.Result q = Lbfgs.minimize((x, g) -> {
            g[0] = 3 * x[0] + x[1] - b[0];
            g[1] = x[0] + 2 * x[1] - b[1];
            return 0.5 * (3 * x[0] * x[0] + 2 * x[0] * x[1] + 2 * x[1] * x[1]) - b[0] * x[0] - b[1] * x[1];
        }, new double[] {5, 5}, 100, 1e-12);
        assertEquals(4.0 / 5, q.x()[0], 1e-9);
        assertEquals(-7.0 / 5, q.x()[1], 1e-9);
        Lbfgs.Result r = Lbfgs.minimize((x, g) -> {
            double a = 1 - x[0];
            double c = x[1] - x[0] * x[0];
            g[0] = -2 * a - 400 * x[0] * c;
            g[1] = 200 * c;
            return a * a + 100 * c * c;
        }, new double[] {-1.2, 1}, 1000, 1e-10);
        assertEquals(1.0, r.x()[0], 1e-6);
        assertEquals(1.0, r.x()[1], 1e-6);
    }

    @Test
    void linearProbeSeparatesLinearlySeparableClusters() {
        Labeled train = ProbeData4Test.clusters(1, 200, 8, 4, 6.0, 1.0);
        Labeled test = ProbeData4Test.clusters(2, 200, 8, 4, 6.0, 1.0);
        LinearProbe p = new LinearProbe().fit(train.x(), train.y());
        assertEquals(4, p.classes());
        assertEquals(1.0, p.accuracy(train.x(), train.y()), 0.0);
        double acc = p.accuracy(test.x(), test.y());
        assertTrue(acc >= 0.99, "held-out accuracy " + acc);
        assertTrue(p.trainObjective() < 0.1 * Math.log(4), "objective " + p.trainObjective() + " vs log C at zero weights");
        double[][] prob = p.predictProbabilities(test.x());
        for (double[] row : prob) {
            assertEquals(1.0, java.util.Arrays.stream(row).sum(), 1e-12);
        }
        // Deterministic: a second fit gives the same probabilities bit for bit; float input gives the same classes.
        assertArrayEquals(prob[7], new LinearProbe().fit(train.x(), train.y()).predictProbabilities(test.x())[7], 0.0);
        assertArrayEquals(p.predict(test.x()), new LinearProbe().fit(train.x().castTo(DataType.FLOAT), train.y())
                .predict(test.x().castTo(DataType.FLOAT)));
    }

    @Test
    void objectiveValueAndGradientMatchTheFormulaAndFiniteDifferences() {
        SplittableRandom r = new SplittableRandom(11);
        int n = 30, d = 5, c = 3;
        double l2 = 0.3;
        double[][] rows = new double[n][d];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                rows[i][j] = r.nextGaussian();
            }
            y[i] = r.nextInt(c);
        }
        double[] p = new double[c * (d + 1)];
        for (int i = 0; i < p.length; i++) {
            p[i] = 0.5 * r.nextGaussian();
        }
        LinearProbe.GemmObjective f = new LinearProbe.GemmObjective(rows, y, c, l2);
        double[] g = new double[p.length];
        double value = f.valueAndGradient(p, g);
        // The value from the formula, written out independently.
        double expected = 0;
        for (int i = 0; i < n; i++) {
            double[] z = new double[c];
            double lse = 0;
            for (int k = 0; k < c; k++) {
                z[k] = p[c * d + k];
                for (int j = 0; j < d; j++) {
                    z[k] += p[k * d + j] * rows[i][j];
                }
                lse += Math.exp(z[k]);
            }
            expected += (Math.log(lse) - z[y[i]]) / n;
        }
        for (int i = 0; i < c * d; i++) {
            expected += 0.5 * l2 * p[i] * p[i];
        }
        assertEquals(expected, value, 1e-12);
        double h = 1e-6;
        double[] scratch = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            double keep = p[i];
            p[i] = keep + h;
            double up = f.valueAndGradient(p, scratch);
            p[i] = keep - h;
            double down = f.valueAndGradient(p, scratch);
            p[i] = keep;
            assertEquals((up - down) / (2 * h), g[i], 1e-8, "d objective / d p[" + i + "]");
        }
    }

    @Test
    void selectingL2PicksTheBestHeldOutStrengthAndRefitsOnAllRows() {
        // Two classes told apart by x1 - x2 only: x1 = class sign + shared noise, x2 = the noise. A strong
        // l2 shrinks the weights toward the class-mean difference (x1 alone), which the noise swamps; a
        // weak one learns x1 - x2 and separates the classes.
        SplittableRandom r = new SplittableRandom(5);
        int n = 400;
        INDArray x = Nd4j.create(DataType.DOUBLE, n, 2);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 2;
            double noise = 3 * r.nextGaussian();
            x.putScalar(i, 0, (y[i] == 1 ? 1 : -1) + 0.1 * r.nextGaussian() + noise);
            x.putScalar(i, 1, noise);
        }
        double[] grid = {100, 1e-4};
        LinearProbe.Selection s = LinearProbe.fitSelectingL2(x, y, 2, grid, 0.25, 7, 500, 1e-6);
        assertEquals(1e-4, s.l2(), 0.0);
        assertArrayEquals(grid, s.grid(), 0.0);
        assertTrue(s.heldOutAccuracy()[1] > 0.95 && s.heldOutAccuracy()[0] < 0.8,
                "held-out accuracies " + java.util.Arrays.toString(s.heldOutAccuracy()));
        // The returned probe is refit on every row with the chosen l2.
        LinearProbe all = new LinearProbe(1e-4, 500, 1e-6).fit(x, y, 2);
        assertArrayEquals(all.predictProbabilities(x)[5], s.probe().predictProbabilities(x)[5], 0.0);
        // Deterministic in the seed; ties go to the earlier (stronger) strength.
        assertArrayEquals(s.heldOutAccuracy(), LinearProbe.fitSelectingL2(x, y, 2, grid, 0.25, 7, 500, 1e-6).heldOutAccuracy(), 0.0);
        LinearProbe.Selection tie = LinearProbe.fitSelectingL2(x, y, 2, new double[] {1e-3, 1e-3 * (1 + 1e-12)}, 0.25, 7, 500, 1e-6);
        assertEquals(tie.heldOutAccuracy()[0], tie.heldOutAccuracy()[1], 0.0);
        assertEquals(1e-3, tie.l2(), 0.0);
        assertRejects(() -> LinearProbe.fitSelectingL2(x, y, 2, new double[0], 0.25, 7, 500, 1e-6), "l2 grid is empty");
        assertRejects(() -> LinearProbe.fitSelectingL2(x, y, 2, grid, 1.0, 7, 500, 1e-6), "heldOutFraction", "1.0");
        assertRejects(() -> LinearProbe.fitSelectingL2(x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2),
                org.nd4j.linalg.indexing.NDArrayIndex.all()), new int[] {0, 1}, 2, grid, 0.25, 7, 500, 1e-6), "cannot hold out");
    }

    @Test
    void linearProbeOnShuffledLabelsIsNearChanceOnHeldOutData() {
        Labeled train = ProbeData4Test.noise(3, 400, 16, 4);
        Labeled test = ProbeData4Test.noise(4, 1000, 16, 4);
        LinearProbe p = new LinearProbe(1e-2, 500, 1e-6).fit(train.x(), train.y());
        double acc = p.accuracy(test.x(), test.y());
        // Chance is 1/4; the binomial std on 1000 examples is 0.014: allow 4 std either way.
        assertTrue(Math.abs(acc - 0.25) < 0.055, "held-out accuracy on labels unrelated to the features: " + acc);
        assertTrue(p.accuracy(train.x(), train.y()) > 0.3, "it can still fit some of the training noise");
    }

    @Test
    void knnVotesWithExponentialSimilarityWeights() {
        Labeled train = ProbeData4Test.clusters(5, 120, 6, 3, 8.0, 0.5);
        Labeled test = ProbeData4Test.clusters(6, 90, 6, 3, 8.0, 0.5);
        KnnProbe knn = new KnnProbe().fit(train.x(), train.y());
        assertEquals(20, knn.k());
        assertEquals(0.07, knn.temperature());
        assertEquals(1.0, knn.accuracy(test.x(), test.y()), 0.0);

        // One class-0 neighbour in the query's direction against two class-1 neighbours at 60 degrees:
        // exp(1/T) outweighs 2 exp(0.5/T) at T = 0.07, the count wins when T is large.
        INDArray pts = Nd4j.createFromArray(new double[][] {{2, 0}, {0.5, Math.sqrt(3) / 2}, {0.5, -Math.sqrt(3) / 2}, {-1, 0}});
        int[] labels = {0, 1, 1, 2};
        INDArray query = Nd4j.createFromArray(new double[][] {{3, 0}});
        assertEquals(0, new KnnProbe(3, 0.07).fit(pts, labels).predict(query)[0]);
        assertEquals(1, new KnnProbe(3, 100).fit(pts, labels).predict(query)[0]);
        assertEquals(0, new KnnProbe(50, 0.07).fit(pts, labels).predict(query)[0], "k larger than the training set");
        assertEquals(2, new KnnProbe(1, 0.07).fit(pts, labels).predict(Nd4j.createFromArray(new double[][] {{-5, 0.1}}))[0]);
    }

    @Test
    void ridgeRecoversALinearTargetAndFindsNothingInNoise() {
        SplittableRandom r = new SplittableRandom(7);
        int n = 600;
        int d = 10;
        double[][] x = new double[n][d];
        double[][] y = new double[n][2];
        double[] noise = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i][j] = 3 * ProbeData4Test.gaussian(r) + j;
            }
            y[i][0] = 1.5 * x[i][0] - 2 * x[i][3] + 0.5 * x[i][9] + 3 + 0.05 * ProbeData4Test.gaussian(r);
            y[i][1] = -x[i][2] + 0.01 * ProbeData4Test.gaussian(r);
            noise[i] = ProbeData4Test.gaussian(r);
        }
        INDArray xs = Nd4j.createFromArray(x);
        INDArray train = xs.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 400), org.nd4j.linalg.indexing.NDArrayIndex.all());
        INDArray test = xs.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(400, 600), org.nd4j.linalg.indexing.NDArrayIndex.all());
        INDArray ys = Nd4j.createFromArray(y);
        LinearRegressionProbe ridge = new LinearRegressionProbe().fit(train, ys.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 400), org.nd4j.linalg.indexing.NDArrayIndex.all()));
        double[] r2 = ridge.r2(test, ys.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(400, 600), org.nd4j.linalg.indexing.NDArrayIndex.all()));
        assertTrue(r2[0] > 0.99 && r2[1] > 0.99, "R² of linear targets " + java.util.Arrays.toString(r2));
        INDArray pred = ridge.predict(test);
        assertArrayEquals(new long[] {200, 2}, pred.shape());

        INDArray nz = Nd4j.createFromArray(noise);
        LinearRegressionProbe noiseFit = new LinearRegressionProbe().fit(train, nz.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 400)));
        double heldOut = noiseFit.r2(test, nz.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(400, 600)))[0];
        assertTrue(heldOut < 0.05, "held-out R² of pure noise " + heldOut);
        assertTrue(noiseFit.r2(train, nz.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 400)))[0] >= 0,
                "in-sample R² of least squares with an intercept is never negative");
    }

    @Test
    void ridgeMatchesTheNormalEquations() {
        // Small exact case: standardised features, lambda = 0.5, solved independently with ND4J's inverse.
        Labeled data = ProbeData4Test.clusters(8, 30, 3, 3, 1.0, 1.0);
        INDArray x = data.x();
        INDArray y = Nd4j.createFromArray(new SplittableRandom(9).doubles(30).toArray()).reshape(30, 1);
        INDArray xs = x.subRowVector(x.mean(0)).diviRowVector(x.std(false, 0));
        INDArray w = org.nd4j.linalg.inverse.InvertMatrix.invert(xs.transpose().mmul(xs).addi(Nd4j.eye(3).muli(0.5)), false)
                .mmul(xs.transpose()).mmul(y.sub(y.meanNumber()));
        INDArray expected = xs.mmul(w).addi(y.meanNumber());
        io.github.jepa4j.core.testing.Close.assertClose("ridge", expected, new LinearRegressionProbe(0.5).fit(x, y).predict(x), 1e-10);
    }

    @Test
    void badInputIsRejectedClearly() {
        Labeled data = ProbeData4Test.clusters(1, 20, 4, 2, 3, 1);
        INDArray bad = data.x().dup();
        bad.putScalar(3, 1, Double.NaN);
        assertRejects(() -> new LinearProbe().fit(bad, data.y()), "LinearProbe", "NaN", "[3, 1]");
        assertRejects(() -> new LinearProbe().fit(data.x(), new int[5]), "20 examples but 5 labels");
        assertRejects(() -> new LinearProbe().fit(data.x(), new int[20]), "at least 2 classes");
        int[] neg = data.y().clone();
        neg[2] = -1;
        assertRejects(() -> new KnnProbe().fit(data.x(), neg), "label -1 of example 2");
        LinearProbe p = new LinearProbe().fit(data.x(), data.y());
        assertRejects(() -> p.predict(Nd4j.zeros(DataType.DOUBLE, 2, 5)), "width 4", "[2, 5]");
        assertRejects(() -> new LinearProbe().fit(data.x().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 1),
                org.nd4j.linalg.indexing.NDArrayIndex.all()), new int[] {0}), "batch size 1");
        assertRejects(() -> new LinearRegressionProbe().fit(data.x(), Nd4j.zeros(DataType.DOUBLE, 19, 1)), "N = 20", "[19, 1]");
        assertRejects(() -> new LinearRegressionProbe(-1), "lambda", "-1");
        assertRejects(() -> new KnnProbe(0, 0.07), "k must be >= 1");
        assertThrows(IllegalStateException.class, () -> new KnnProbe().predict(data.x()));
    }
}
