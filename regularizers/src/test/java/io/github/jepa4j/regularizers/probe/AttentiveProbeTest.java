package io.github.jepa4j.regularizers.probe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.core.testing.Close;
import io.github.jepa4j.regularizers.probe.ProbeData4Test.Tokens;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The attentive probe finds the one informative token among noise tokens, where mean pooling
 * dilutes it; its hand-written gradients match finite differences.
 */
class AttentiveProbeTest {
    private static final int T = 8;
    private static final int D = 8;

    private static INDArray head(INDArray x, int n) {
        return x.get(NDArrayIndex.interval(0, n), NDArrayIndex.all(), NDArrayIndex.all());
    }

    private static INDArray tail(INDArray x, int from) {
        return x.get(NDArrayIndex.interval(from, x.size(0)), NDArrayIndex.all(), NDArrayIndex.all());
    }

    @Test
    void classifiesByTheMarkedTokenWhereMeanPoolingFails() {
        Tokens data = ProbeData4Test.markedTokens(1, 700, T, D, 3);
        INDArray train = head(data.x(), 400);
        INDArray test = tail(data.x(), 400);
        int[] yTrain = Arrays.copyOfRange(data.y(), 0, 400);
        int[] yTest = Arrays.copyOfRange(data.y(), 400, 700);
        AttentiveProbe probe = new AttentiveProbe(AttentiveProbeConfig.defaults().withHeads(2).withEpochs(40).withLr(1e-2).withSeed(3))
                .fitClassifier(train, yTrain);
        double acc = probe.accuracy(test, yTest);
        double meanPooled = new LinearProbe().fit(train.mean(1), yTrain).accuracy(test.mean(1), yTest);
        System.out.printf("attentive probe %.3f vs linear probe on mean-pooled tokens %.3f%n", acc, meanPooled);
        assertTrue(acc >= 0.95, "attentive probe accuracy " + acc);
        assertTrue(acc > meanPooled + 0.1, "attention beats mean pooling: " + acc + " vs " + meanPooled);
        double[] loss = probe.epochLoss();
        assertTrue(loss[loss.length - 1] < 0.2 * loss[0], "training loss falls: " + Arrays.toString(loss));

        // It attends to the marked token.
        double[][][] att = probe.attention(test);
        double onMarked = 0;
        for (int i = 0; i < att.length; i++) {
            double best = 0;
            for (double[] h : att[i]) {
                best = Math.max(best, h[data.marked()[400 + i]]);
            }
            onMarked += best / att.length;
        }
        assertTrue(onMarked > 0.6, "mean attention on the marked token (best head) " + onMarked + " (uniform: " + 1.0 / T + ")");

        // Deterministic given the seed.
        int[] again = new AttentiveProbe(probe.config()).fitClassifier(train, yTrain).predict(test);
        assertArrayEquals(probe.predict(test), again);
    }

    @Test
    void regressesAValueCarriedByTheMarkedToken() {
        Tokens data = ProbeData4Test.markedTokens(2, 700, T, D, 3);
        INDArray y = data.target().reshape(700, 1);
        AttentiveProbe probe = new AttentiveProbe(AttentiveProbeConfig.defaults().withHeads(1).withEpochs(60).withLr(1e-2))
                .fitRegressor(head(data.x(), 400), y.get(NDArrayIndex.interval(0, 400), NDArrayIndex.all()));
        double[] r2 = probe.r2(tail(data.x(), 400), y.get(NDArrayIndex.interval(400, 700), NDArrayIndex.all()));
        System.out.printf("attentive regression R² %.4f%n", r2[0]);
        assertTrue(r2[0] > 0.9, "held-out R² " + r2[0]);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> probe.accuracy(data.x(), data.y()));
        assertTrue(e.getMessage().contains("regressor"), e.getMessage());
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        for (boolean classifier : new boolean[] {true, false}) {
            Tokens data = ProbeData4Test.markedTokens(4, 5, 4, 6, 3);
            AttentiveProbe probe = new AttentiveProbe(AttentiveProbeConfig.defaults().withHeads(2).withEpochs(2).withLr(0.05));
            double[][] y;
            if (classifier) {
                probe.fitClassifier(data.x(), data.y());
                y = new double[5][3];
                for (int i = 0; i < 5; i++) {
                    y[i][data.y()[i]] = 1;
                }
            } else {
                INDArray t = Nd4j.concat(1, data.target().reshape(5, 1), data.target().reshape(5, 1).mul(-0.5).addi(1));
                probe.fitRegressor(data.x(), t);
                y = t.toDoubleMatrix();
            }
            double[][] params = probe.parameters();
            double[][] grads = {new double[params[0].length], new double[params[1].length], new double[params[2].length]};
            probe.objective(data.x(), y, grads[0], grads[1], grads[2]);
            for (int g = 0; g < 3; g++) {
                double[] p = params[g];
                double[] num = new double[p.length];
                for (int i = 0; i < p.length; i++) {
                    double orig = p[i];
                    p[i] = orig + 1e-6;
                    double plus = probe.objective(data.x(), y, new double[params[0].length], new double[params[1].length], new double[params[2].length]);
                    p[i] = orig - 1e-6;
                    double minus = probe.objective(data.x(), y, new double[params[0].length], new double[params[1].length], new double[params[2].length]);
                    p[i] = orig;
                    num[i] = (plus - minus) / 2e-6;
                }
                Close.assertClose((classifier ? "classifier" : "regressor") + " grad " + "umc".charAt(g), num, grads[g], 1e-7);
            }
        }
    }

    @Test
    void badTokensAreRejectedClearly() {
        AttentiveProbe p = new AttentiveProbe();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.fitClassifier(Nd4j.zeros(DataType.DOUBLE, 4, 3), new int[4]));
        assertTrue(e.getMessage().contains("[N, T, D]") && e.getMessage().contains("[4, 3]"), e.getMessage());
        INDArray nan = Nd4j.zeros(DataType.DOUBLE, 4, 2, 3);
        nan.putScalar(new long[] {1, 1, 2}, Double.NaN);
        e = assertThrows(IllegalArgumentException.class, () -> p.fitClassifier(nan, new int[] {0, 1, 0, 1}));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> p.fitRegressor(Nd4j.ones(DataType.DOUBLE, 4, 2, 3), Nd4j.ones(DataType.DOUBLE, 3)));
        assertTrue(e.getMessage().contains("N = 4"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> p.predict(Nd4j.ones(DataType.DOUBLE, 4, 2, 3)));
    }
}
