package io.github.jepa4j.regularizers;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.regularizers.loss.BarlowTwinsLoss;
import io.github.jepa4j.regularizers.loss.ByolLoss;
import io.github.jepa4j.regularizers.loss.SigRegLoss;
import io.github.jepa4j.regularizers.loss.VicRegLoss;
import io.github.jepa4j.regularizers.metrics.CollapseMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Bad inputs fail with an IllegalArgumentException that names the problem and the values. */
class BadInputTest {
    private static INDArray ones(long... shape) {
        return Nd4j.ones(DataType.DOUBLE, shape).muli(Nd4j.rand(DataType.DOUBLE, shape));
    }

    private static void assertRejects(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' should contain '" + f + "'");
        }
    }

    @Test
    void batchOfOneHasNoVariance() {
        INDArray one = ones(1, 4);
        assertRejects(() -> new VicRegLoss().compute(one, one.dup()), "VicRegLoss", "batch size 1", "[1, 4]", "N >= 2");
        assertRejects(() -> new VicRegLoss().varianceCovariance(one), "VicRegLoss", "batch size 1", "[1, 4]");
        assertRejects(() -> new BarlowTwinsLoss().compute(one, one.dup()), "BarlowTwinsLoss", "batch size 1", "[1, 4]");
        assertRejects(() -> CollapseMetrics.compute(one), "CollapseMetrics", "batch size 1");
    }

    @Test
    void branchShapesMustMatch() {
        INDArray a = ones(5, 4);
        INDArray b = ones(5, 3);
        assertRejects(() -> new VicRegLoss().compute(a, b), "VicRegLoss", "same shape", "[5, 4]", "[5, 3]");
        assertRejects(() -> new BarlowTwinsLoss().compute(a, b), "BarlowTwinsLoss", "same shape", "[5, 4]", "[5, 3]");
        assertRejects(() -> new ByolLoss().compute(a, ones(6, 4)), "ByolLoss", "same shape", "[5, 4]", "[6, 4]");
        assertRejects(() -> new VicRegLoss().compute(a, a.castTo(DataType.FLOAT)), "same data type", "DOUBLE", "FLOAT");
        assertRejects(() -> new SigRegLoss(1).compute(a, ones(3, 8)), "SigRegLoss", "[D, M]", "D = 4", "[3, 8]");
    }

    @Test
    void nonFiniteEmbeddingsAreRejected() {
        INDArray x = ones(4, 3);
        INDArray bad = x.dup();
        bad.putScalar(2, 1, Double.NaN);
        assertRejects(() -> new VicRegLoss().compute(x, bad), "VicRegLoss", "y", "NaN", "[2, 1]", "[4, 3]");
        assertRejects(() -> new VicRegLoss().varianceCovariance(bad), "NaN", "[2, 1]");
        assertRejects(() -> new BarlowTwinsLoss().compute(bad, x), "BarlowTwinsLoss", "za", "NaN");
        assertRejects(() -> new ByolLoss().compute(bad, x), "ByolLoss", "p", "NaN");
        assertRejects(() -> new SigRegLoss(1).compute(bad), "SigRegLoss", "NaN");
        assertRejects(() -> CollapseMetrics.rankMe(bad), "CollapseMetrics", "NaN");
        INDArray inf = x.dup();
        inf.putScalar(0, 0, Double.POSITIVE_INFINITY);
        inf.putScalar(3, 2, Double.NEGATIVE_INFINITY);
        assertRejects(() -> new VicRegLoss().compute(inf, x), "2 non-finite", "Infinity", "[0, 0]");
        // Huge but finite values whose sum overflows are accepted by the check.
        INDArray huge = Nd4j.valueArrayOf(new long[] {3, 2}, 1e308, DataType.DOUBLE);
        Embeddings.requireFinite("test", "huge", huge);
    }

    @Test
    void wrongRankTypeOrArgumentsAreRejected() {
        assertRejects(() -> new VicRegLoss().compute(ones(2, 3, 4), ones(2, 3, 4)), "matrix [N, D]", "[2, 3, 4]");
        assertRejects(() -> new ByolLoss().compute(null, ones(2, 2)), "p is null");
        INDArray ints = Nd4j.createFromArray(new int[][] {{1, 2}, {3, 4}});
        assertRejects(() -> new BarlowTwinsLoss().compute(ints, ints), "floating-point", "INT");
        assertRejects(() -> new VicRegLoss(25, -1, 1, 1e-4), "stdCoeff", "-1");
        assertRejects(() -> new VicRegLoss(25, 25, 1, 0), "eps", "0.0");
        assertRejects(() -> new BarlowTwinsLoss(Double.NaN, 1e-5), "lambda", "NaN");
        assertRejects(() -> new SigRegLoss(1, 0, 17, 3), "direction", "0");
        assertRejects(() -> new SigRegLoss(1, 8, 1, 3), "knots", "1");
        assertRejects(() -> CollapseMetrics.rankMe(new double[] {1, -2}, 1e-7), "singular values", "-2");
        assertRejects(() -> CollapseMetrics.alphaReQ(new double[] {1, Double.NaN}), "eigenvalues", "NaN");
    }
}
