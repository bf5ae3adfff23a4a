package io.github.jepa4j.core.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Products through direct OpenBLAS calls and through ND4J, both against a plain triple loop in
 * double precision, on the kinds of arrays layers pass: views at an offset into a larger buffer
 * (parameter views, Scratch prefixes, q/k/v slices), every transpose combination, alpha and beta.
 */
class GemmTest {

    @AfterEach
    void restore() {
        Gemm.setDirect(true);
    }

    /** Random values written into a [rows, cols] view that starts {@code offset} elements into a bigger buffer. */
    private static INDArray viewAt(DataType dt, long offset, Random r, long... shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        INDArray flat = Nd4j.createUninitializedDetached(dt, offset + n + 7);
        flat.assign(Double.NaN); // anything read outside the view poisons the result
        INDArray v = flat.get(NDArrayIndex.interval(offset, offset + n)).reshape('c', shape);
        double[] vals = new double[(int) n];
        for (int i = 0; i < n; i++) {
            vals[i] = r.nextGaussian();
        }
        v.assign(Nd4j.createFromArray(vals).castTo(dt).reshape('c', shape));
        return v;
    }

    private static double at(INDArray x, boolean trans, long i, long j) {
        return trans ? x.getDouble(j, i) : x.getDouble(i, j);
    }

    /** alpha op(a) op(b) + beta c0 by a triple loop in double. */
    private static double[][] reference(INDArray a, INDArray b, double[][] c0, boolean ta, boolean tb, double alpha, double beta) {
        int m = c0.length;
        int n = c0[0].length;
        long k = ta ? a.size(0) : a.size(1);
        double[][] out = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (long p = 0; p < k; p++) {
                    s += at(a, ta, i, p) * at(b, tb, p, j);
                }
                out[i][j] = alpha * s + beta * c0[i][j];
            }
        }
        return out;
    }

    private static double[][] read(INDArray c) {
        double[][] r = new double[(int) c.size(0)][(int) c.size(1)];
        for (int i = 0; i < r.length; i++) {
            for (int j = 0; j < r[0].length; j++) {
                r[i][j] = c.getDouble(i, j);
            }
        }
        return r;
    }

    private static void assertClose(String what, double[][] expected, INDArray actual, double tol) {
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < expected[0].length; j++) {
                double e = expected[i][j];
                double a = actual.getDouble(i, j);
                assertTrue(Math.abs(a - e) <= tol * (1 + Math.abs(e)), what + " at (" + i + ", " + j + "): " + a + " vs " + e);
            }
        }
    }

    /** One case of the product tests: type, path (direct or ND4J), transposes, and the tolerance for the type. */
    private interface Case {
        void run(DataType dt, boolean direct, boolean ta, boolean tb, double tol);
    }

    /** Runs {@code c} for FLOAT and DOUBLE, direct and through ND4J, and every transpose combination. */
    private static void forEveryCase(Case c) {
        for (DataType dt : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (boolean direct : new boolean[] {true, false}) {
                Gemm.setDirect(direct);
                for (int t = 0; t < 4; t++) {
                    c.run(dt, direct, (t & 1) != 0, (t & 2) != 0, dt == DataType.FLOAT ? 1e-5 : 1e-12);
                }
            }
        }
    }

    @Test
    void mmMatchesALoopForEveryTransposeOnViewsDirectAndThroughNd4j() {
        Random r = new Random(3);
        long m = 13, n = 7, k = 9;
        forEveryCase((dt, direct, ta, tb, tol) -> {
            INDArray a = ta ? viewAt(dt, 5, r, k, m) : viewAt(dt, 5, r, m, k);
            INDArray b = tb ? viewAt(dt, 11, r, n, k) : viewAt(dt, 11, r, k, n);
            INDArray c = viewAt(dt, 3, r, m, n);
            double[][] c0 = read(c);
            double[][] want = reference(a, b, c0, ta, tb, 0.7, -1.3);
            Gemm.mm(a, b, c, ta, tb, 0.7, -1.3);
            assertClose(dt + (direct ? " direct" : " nd4j") + " ta=" + ta + " tb=" + tb, want, c, tol);
        });
    }

    @Test
    void bmmMatchesALoopPerBatchOnSlicesOfOneBuffer() {
        Random r = new Random(5);
        long batch = 6, m = 5, n = 4, k = 3;
        forEveryCase((dt, direct, ta, tb, tol) -> {
            // Slices 1 and 2 of one [3, batch, r, c] buffer, as attention's q/k/v views.
            INDArray qkv = viewAt(dt, 2, r, 3, batch, Math.max(m, k), Math.max(k, Math.max(m, n)));
            INDArray a = viewAt(dt, 0, r, batch, ta ? k : m, ta ? m : k);
            INDArray b = viewAt(dt, 0, r, batch, tb ? n : k, tb ? k : n);
            INDArray a3 = qkv.slice(1).get(NDArrayIndex.all(), NDArrayIndex.interval(0, a.size(1)), NDArrayIndex.interval(0, a.size(2)));
            a3.assign(a);
            INDArray c = viewAt(dt, 9, r, batch, m, n);
            INDArray c0 = c.dup();
            Gemm.bmm(a3, b, c, ta, tb, 1.5, 0.5);
            for (int i = 0; i < batch; i++) {
                double[][] want = reference(a.slice(i), b.slice(i), read(c0.slice(i)), ta, tb, 1.5, 0.5);
                assertClose(dt + (direct ? " direct" : " nd4j") + " batch " + i + " ta=" + ta + " tb=" + tb, want, c.slice(i), tol);
            }
        });
    }

    @Test
    void columnSumsAccumulateIntoAPrefixView() {
        Random r = new Random(7);
        for (DataType dt : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (boolean direct : new boolean[] {true, false}) {
                Gemm.setDirect(direct);
                INDArray m = viewAt(dt, 4, r, 37, 6);
                INDArray out = viewAt(dt, 1, r, 6);
                double[] want = new double[6];
                for (int j = 0; j < 6; j++) {
                    want[j] = out.getDouble(j);
                    for (int i = 0; i < 37; i++) {
                        want[j] += m.getDouble(i, j);
                    }
                }
                Gemm.addColumnSums(m, out);
                // The ones vector is cached per thread; a shorter matrix afterwards uses its prefix.
                INDArray m2 = viewAt(dt, 0, r, 5, 6);
                for (int j = 0; j < 6; j++) {
                    for (int i = 0; i < 5; i++) {
                        want[j] += m2.getDouble(i, j);
                    }
                }
                Gemm.addColumnSums(m2, out);
                for (int j = 0; j < 6; j++) {
                    assertEquals(want[j], out.getDouble(j), (dt == DataType.FLOAT ? 1e-5 : 1e-12) * (1 + Math.abs(want[j])),
                            dt + (direct ? " direct" : " nd4j") + " column " + j);
                }
            }
        }
    }

    @Test
    void paddedRowsGoDirectAndColumnMajorFallsBackBothCorrect() {
        Random r = new Random(11);
        INDArray big = viewAt(DataType.FLOAT, 0, r, 8, 10);
        INDArray padded = big.get(NDArrayIndex.all(), NDArrayIndex.interval(2, 7)); // [8, 5], row stride 10: lda = 10
        INDArray colMajor = Nd4j.createUninitializedDetached(DataType.FLOAT, 'f', 8, 5).assign(padded); // strides [1, 8]
        INDArray b = viewAt(DataType.FLOAT, 0, r, 5, 4);
        double[][] want = reference(padded, b, new double[8][4], false, false, 1, 0);
        for (INDArray x : new INDArray[] {padded, colMajor}) {
            INDArray c = Nd4j.zeros(DataType.FLOAT, 8, 4);
            Gemm.mm(x, b, c, false, false);
            assertClose("strides " + java.util.Arrays.toString(x.stride()), want, c, 1e-5);
        }
    }

    @Test
    void mismatchedShapesAreNamed() {
        INDArray a = Nd4j.zeros(DataType.FLOAT, 3, 4);
        INDArray b = Nd4j.zeros(DataType.FLOAT, 5, 2);
        INDArray c = Nd4j.zeros(DataType.FLOAT, 3, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Gemm.mm(a, b, c, false, false));
        assertTrue(e.getMessage().contains("[3, 4]") && e.getMessage().contains("[5, 2]"), e.getMessage());
        IllegalArgumentException e3 = assertThrows(IllegalArgumentException.class,
                () -> Gemm.bmm(Nd4j.zeros(DataType.FLOAT, 2, 3, 4), Nd4j.zeros(DataType.FLOAT, 2, 3, 4), Nd4j.zeros(DataType.FLOAT, 2, 3, 3), false, false, 1, 0));
        assertTrue(e3.getMessage().contains("[2, 3, 4]"), e3.getMessage());
        IllegalArgumentException e4 = assertThrows(IllegalArgumentException.class,
                () -> Gemm.addColumnSums(Nd4j.zeros(DataType.FLOAT, 4, 3), Nd4j.zeros(DataType.FLOAT, 4)));
        assertTrue(e4.getMessage().contains("[4, 3]"), e4.getMessage());
    }
}
