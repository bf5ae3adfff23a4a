package io.github.jepa4j.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.core.testing.Close;
import io.github.jepa4j.core.testing.GradCheck;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class TokenOpsTest {
    // x[b, n, d] = 100 b + 10 n + d, so every gathered row says where it came from.
    private static INDArray tokens(DataType dt, int b, int n, int d) {
        INDArray x = Nd4j.create(dt, b, n, d);
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < d; k++) {
                    x.putScalar(new long[] {i, j, k}, 100 * i + 10 * j + k);
                }
            }
        }
        return x;
    }

    private static final int[][] IDX = {{3, 0, 3}, {1, 1, 2}};
    private static final double[] GATHERED = {
        30, 31, 0, 1, 30, 31,
        110, 111, 110, 111, 120, 121};

    @Test
    void gatherByHand() {
        INDArray x = tokens(DataType.DOUBLE, 2, 4, 2);
        INDArray out = Nd4j.create(DataType.DOUBLE, 2, 3, 2);
        assertSame(out, TokenOps.gather(x, IDX, out));
        Close.assertClose("int[][]", GATHERED, out.dup().data().asDouble(), 0);
        for (DataType it : new DataType[] {DataType.INT, DataType.LONG}) {
            out.assign(-1);
            TokenOps.gather(x, Nd4j.createFromArray(IDX).castTo(it), out);
            Close.assertClose(it + " idx", GATHERED, out.dup().data().asDouble(), 0);
        }
        INDArray outF = Nd4j.create(DataType.FLOAT, 2, 3, 2);
        TokenOps.gather(tokens(DataType.FLOAT, 2, 4, 2), IDX, outF);
        Close.assertClose("float", GATHERED, outF.dup().data().asDouble(), 0);
    }

    @Test
    void scatterAddAccumulatesDuplicates() {
        INDArray g = Nd4j.createFromArray(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}).reshape(2, 3, 2);
        INDArray gBefore = g.dup();
        INDArray gradX = Nd4j.ones(DataType.DOUBLE, 2, 4, 2); // scatterAdd adds, never overwrites
        TokenOps.scatterAdd(g, IDX, gradX);
        double[] expected = {
            // batch 0: token 0 <- row 1, token 3 <- rows 0 and 2
            1 + 3, 1 + 4, 1, 1, 1, 1, 1 + 1 + 5, 1 + 2 + 6,
            // batch 1: token 1 <- rows 0 and 1, token 2 <- row 2
            1, 1, 1 + 7 + 9, 1 + 8 + 10, 1 + 11, 1 + 12, 1, 1};
        Close.assertClose("scatterAdd", expected, gradX.dup().data().asDouble(), 0);
        Close.assertClose("gradOut untouched", gBefore, g, 0);
        gradX.assign(1);
        TokenOps.scatterAdd(g, Nd4j.createFromArray(IDX).castTo(DataType.LONG), gradX);
        Close.assertClose("scatterAdd LONG idx", expected, gradX.dup().data().asDouble(), 0);
    }

    @Test
    void manyDuplicatesAccumulateExactly() {
        // All K rows go to one token: the serial scatter must not lose updates.
        int b = 3, n = 7, k = 500, d = 16;
        int[][] idx = new int[b][k];
        for (int i = 0; i < b; i++) {
            java.util.Arrays.fill(idx[i], i + 2);
        }
        INDArray g = Nd4j.ones(DataType.FLOAT, b, k, d);
        INDArray gradX = Nd4j.zeros(DataType.FLOAT, b, n, d);
        TokenOps.scatterAdd(g, idx, gradX);
        for (int i = 0; i < b; i++) {
            Close.assertClose("row sum", k * d, gradX.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i),
                    org.nd4j.linalg.indexing.NDArrayIndex.point(i + 2)).sumNumber().doubleValue(), 0);
        }
        Close.assertClose("total", b * k * d, gradX.sumNumber().doubleValue(), 0);
    }

    @Test
    void flatIndices() {
        INDArray flat = TokenOps.flatIndices(IDX, 4);
        assertArrayEquals(new int[] {3, 0, 3, 5, 5, 6}, flat.toIntVector());
    }

    @Test
    void outOfRangeIndexIsNamed() {
        INDArray x = tokens(DataType.DOUBLE, 2, 4, 2);
        INDArray out = Nd4j.create(DataType.DOUBLE, 2, 3, 2);
        int[][] bad = {{0, 1, 2}, {3, 0, 4}};
        assertMessage(() -> TokenOps.gather(x, bad, out), "token index 4 at batch 1, position 2 is out of range [0, 4)");
        assertMessage(() -> TokenOps.gather(x, Nd4j.createFromArray(new int[][] {{0, -1, 2}, {0, 0, 0}}), out),
                "token index -1 at batch 0, position 1");
        assertMessage(() -> TokenOps.scatterAdd(out, bad, x.dup()), "batch 1, position 2");
        assertMessage(() -> TokenOps.flatIndices(bad, 4), "out of range [0, 4)");
        assertMessage(() -> TokenOps.gather(x, new int[][] {{0, 1, 2}}, out), "batch size 2");
        assertMessage(() -> TokenOps.gather(x, IDX, Nd4j.create(DataType.DOUBLE, 2, 2, 2)), "[2, 3, 2]");
        assertMessage(() -> TokenOps.gather(x, IDX, Nd4j.create(DataType.FLOAT, 2, 3, 2)), "DOUBLE");
        assertMessage(() -> TokenOps.gather(x, Nd4j.createFromArray(new double[][] {{0, 1, 2}, {0, 0, 0}}), out), "integer");
        assertMessage(() -> TokenOps.gather(x, new int[][] {{0, 1, 2}, {0}}, out), "rectangular");
        INDArray notContiguous = Nd4j.create(DataType.DOUBLE, 2, 3, 4).get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2));
        assertMessage(() -> TokenOps.gather(x, IDX, notContiguous), "default strides");
    }

    @Test
    void tokenGatherLayer() {
        TokenGather layer = new TokenGather().setIndices(IDX);
        INDArray x = tokens(DataType.DOUBLE, 2, 4, 2);
        INDArray y = layer.forward(x);
        assertArrayEquals(new long[] {2, 3, 2}, y.shape());
        Close.assertClose("forward", GATHERED, y.dup().data().asDouble(), 0);
        INDArray g = Nd4j.ones(DataType.DOUBLE, 2, 3, 2);
        INDArray dx1 = layer.backward(g).dup();
        INDArray dx2 = layer.backward(g);
        Close.assertClose("backward starts from zero each call", dx1, dx2, 0);
        Close.assertClose("counts", new double[] {1, 1, 0, 0, 0, 0, 2, 2, 0, 0, 2, 2, 1, 1, 0, 0},
                dx2.dup().data().asDouble(), 0);
        assertThrows(IllegalStateException.class, () -> new TokenGather().forward(x));
        assertMessage(() -> layer.backward(Nd4j.ones(DataType.DOUBLE, 2, 4, 2)), "[2, 3, 2]");
    }

    @Test
    void tokenGatherGradients() {
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 2, 5, 3);
        INDArray up = Nd4j.randn(DataType.DOUBLE, 2, 4, 3);
        TokenGather layer = new TokenGather().setIndices(new int[][] {{4, 0, 4, 1}, {2, 2, 1, 3}});
        GradCheck.checkLayer("token gather", layer, null, x, up, 1e-8);
        layer.setIndices(Nd4j.createFromArray(new long[][] {{0, 0, 0, 0}, {4, 3, 2, 1}}));
        GradCheck.checkLayer("token gather (LONG idx)", layer, null, x, up, 1e-8);
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String part) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, call);
        assertTrue(ex.getMessage().contains(part), "message '" + ex.getMessage() + "' should contain '" + part + "'");
    }
}
