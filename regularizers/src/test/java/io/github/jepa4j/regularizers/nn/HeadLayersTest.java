package io.github.jepa4j.regularizers.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.core.nn.ParamStore;
import io.github.jepa4j.core.testing.Close;
import io.github.jepa4j.core.testing.GradCheck;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class HeadLayersTest {
    private static INDArray randn(long seed, long... shape) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.DOUBLE, shape);
    }

    /** PyTorch train-mode BatchNorm1d on one group, straight from the definition in double loops. */
    private static double[][] reference(double[][] x, double[] gamma, double[] beta, double eps) {
        int n = x.length;
        int d = x[0].length;
        double[][] y = new double[n][d];
        for (int j = 0; j < d; j++) {
            double mean = 0;
            for (double[] r : x) {
                mean += r[j] / n;
            }
            double var = 0;
            for (double[] r : x) {
                var += (r[j] - mean) * (r[j] - mean) / n;       // biased
            }
            for (int i = 0; i < n; i++) {
                y[i][j] = gamma[j] * (x[i][j] - mean) / Math.sqrt(var + eps) + beta[j];
            }
        }
        return y;
    }

    @Test
    void batchNormForwardMatchesTheDefinitionPerGroup() {
        ParamStore store = new ParamStore(DataType.DOUBLE);
        BatchNorm1d bn = new BatchNorm1d(store, "bn", 3);
        store.allocate(1);
        double[] gamma = {0.5, -1.2, 2.0};
        double[] beta = {0.1, 0.0, -0.3};
        store.get("bn.weight").value().assign(Nd4j.createFromArray(gamma));
        store.get("bn.bias").value().assign(Nd4j.createFromArray(beta));
        INDArray x = randn(3, 8, 3).muli(2).addi(1);
        double[][] rows = x.toDoubleMatrix();

        INDArray y = bn.forward(x);
        Close.assertClose("one group", Nd4j.createFromArray(reference(rows, gamma, beta, 1e-5)), y, 1e-12);

        bn.setGroups(2);
        INDArray y2 = bn.forward(x).dup();
        double[][] top = java.util.Arrays.copyOfRange(rows, 0, 4);
        double[][] bottom = java.util.Arrays.copyOfRange(rows, 4, 8);
        Close.assertClose("group 0", Nd4j.createFromArray(reference(top, gamma, beta, 1e-5)),
                y2.get(NDArrayIndex.interval(0, 4), NDArrayIndex.all()), 1e-12);
        Close.assertClose("group 1", Nd4j.createFromArray(reference(bottom, gamma, beta, 1e-5)),
                y2.get(NDArrayIndex.interval(4, 8), NDArrayIndex.all()), 1e-12);
    }

    @Test
    void batchNormGradients() {
        ParamStore store = new ParamStore(DataType.DOUBLE);
        BatchNorm1d bn = new BatchNorm1d(store, "bn", 4);
        store.allocate(1);
        store.get("bn.weight").value().assign(randn(7, 4));
        store.get("bn.bias").value().assign(randn(8, 4));
        GradCheck.checkLayer("batchnorm", bn, store, randn(1, 5, 4), randn(2, 5, 4), 1e-7);
        bn.setGroups(2);
        GradCheck.checkLayer("batchnorm groups=2", bn, store, randn(3, 6, 4).muli(3), randn(4, 6, 4), 1e-7);
        BatchNorm1d plain = new BatchNorm1d(null, "plain", 4, 1e-3, false);
        GradCheck.checkLayer("batchnorm plain", plain, null, randn(5, 2, 3, 4), randn(6, 2, 3, 4), 1e-7);
    }

    @Test
    void batchNormNeedsTwoRowsPerGroup() {
        ParamStore store = new ParamStore(DataType.DOUBLE);
        BatchNorm1d bn = new BatchNorm1d(store, "bn", 3);
        store.allocate(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bn.forward(randn(1, 1, 3)));
        assertTrue(e.getMessage().contains("at least 2 rows per group") && e.getMessage().contains("[1, 3]"), e.getMessage());
        bn.setGroups(2);
        assertThrows(IllegalArgumentException.class, () -> bn.forward(randn(1, 5, 3)));   // 5 rows do not split in 2
        assertThrows(IllegalArgumentException.class, () -> bn.forward(randn(1, 4, 2)));   // wrong width
        assertThrows(IllegalArgumentException.class, () -> bn.setGroups(0));
    }

    @Test
    void reluForwardAndGradient() {
        INDArray x = Nd4j.createFromArray(new double[][] {{-1.5, 0.0, 2.0}, {0.25, -0.1, 3.0}});
        Relu relu = new Relu();
        Close.assertClose("relu", Nd4j.createFromArray(new double[][] {{0, 0, 2}, {0.25, 0, 3}}), relu.forward(x), 0);
        INDArray g = Nd4j.createFromArray(new double[][] {{1, 2, 3}, {4, 5, 6}});
        Close.assertClose("relu'", Nd4j.createFromArray(new double[][] {{0, 0, 3}, {4, 0, 6}}), relu.backward(g), 0);
        GradCheck.checkLayer("relu", new Relu(), null, randn(9, 3, 4, 5), randn(10, 3, 4, 5), 1e-7);
    }

    @Test
    void mlpHeadGradientsNamesAndBufferReuse() {
        ParamStore store = new ParamStore(DataType.DOUBLE);
        MlpHead head = new MlpHead(store, "head", 4, List.of(6, 5), 3, true);
        store.allocate(2);
        assertEquals("head.0.weight[6, 4];head.1.weight[6];head.1.bias[6];head.3.weight[5, 6];head.4.weight[5];"
                + "head.4.bias[5];head.6.weight[3, 5];head.6.bias[3];", store.layoutSignature());
        store.get("head.1.bias").value().assign(randn(11, 6).muli(0.3));
        GradCheck.checkLayer("mlp head", head, store, randn(12, 6, 4), randn(13, 6, 3), 1e-6);

        // Two views stacked: the same as two separate passes (per-view batch statistics).
        INDArray a = randn(14, 5, 4);
        INDArray b = randn(15, 5, 4).muli(2);
        INDArray ya = head.forward(a).dup();
        INDArray yb = head.forward(b).dup();
        INDArray both = head.forward(Nd4j.concat(0, a, b), 2);
        Close.assertClose("view a", ya, both.get(NDArrayIndex.interval(0, 5), NDArrayIndex.all()), 1e-12);
        Close.assertClose("view b", yb, both.get(NDArrayIndex.interval(5, 10), NDArrayIndex.all()), 1e-12);

        long first = head.forward(a, 1).data().address();
        assertEquals(first, head.forward(b, 1).data().address(), "the output buffer is reused between calls");
        assertThrows(IllegalArgumentException.class, () -> head.forward(randn(1, 5, 3)));
    }
}
