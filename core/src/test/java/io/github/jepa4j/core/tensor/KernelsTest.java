package io.github.jepa4j.core.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.core.testing.Close;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.same.Max;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Special-function accuracy, direct kernel calls on views, softmax, and input validation. */
class KernelsTest {

    private static void assertRel(String what, double expected, double actual, double rel) {
        double err = Math.abs(actual - expected) / Math.max(Math.abs(expected), Double.MIN_NORMAL);
        assertTrue(err <= rel, what + ": got " + actual + ", expected " + expected + " (relative error " + err + ")");
    }

    @Test
    void erfMatchesHighPrecisionValues() {
        double[][] cases = {
            {0.5, 0.5204998778130465}, {1, 0.8427007929497149}, {2, 0.9953222650189527},
            {-3, -0.9999779095030014}, {1e-3, 0.0011283787909692363}, {1.9999, 0.99532019790702939169},
            {2.0001, 0.99532433130419666017}, {0.1, 0.1124629160182848984}, {3.7, 0.99999983284894209085},
            {5.5, 0.99999999999999264215}, {-0.75, -0.7111556336535151316}, {1e-10, 1.128379167095512615e-10},
            {0, 0}, {7, 1}, {-40, -1},
        };
        for (double[] c : cases) {
            assertRel("erf(" + c[0] + ")", c[1], Kernels.erf(c[0]), 2e-15);
        }
        double[][] comp = {
            {3, 2.2090496998585441373e-05}, {5, 1.5374597944280348502e-12}, {10, 2.088487583762544757e-45},
            {-1, 1.8427007929497148693}, {0.3, 0.67137324054087258381}, {2.5, 0.00040695201744495893956},
            {20, 5.3958656116079009289e-176},
        };
        for (double[] c : comp) {
            assertRel("erfc(" + c[0] + ")", c[1], Kernels.erfc(c[0]), 5e-15);
        }
        assertEquals(0.0, Kernels.erfc(40), 0.0);
        assertTrue(Double.isNaN(Kernels.erf(Double.NaN)));
        assertRel("Phi(-5)", 2.866515718791939e-07, Kernels.normalCdf(-5), 5e-15);
    }

    @Test
    void floatApproximationsStayWithinAFewUlps() {
        double worstCdf = 0;
        double worstGrad = 0;
        for (int i = -20000; i <= 20000; i++) {
            float x = i * 5e-4f;
            double cdf = Kernels.normalCdf(x);
            double pdf = Math.exp(-0.5 * (double) x * x) / Math.sqrt(2 * Math.PI);
            worstCdf = Math.max(worstCdf, Math.abs(Kernels.cdfMinusHalfFloat(x) - (cdf - 0.5)));
            worstGrad = Math.max(worstGrad, Math.abs(Kernels.geluGradMinusHalfFloat(x) - (cdf + x * pdf - 0.5)));
        }
        assertTrue(worstCdf < 2.5e-7, "Phi(x) - 1/2 absolute error " + worstCdf);
        assertTrue(worstGrad < 2.5e-7, "GELU'(x) - 1/2 absolute error " + worstGrad);
        // Relative accuracy near 0 (GELU of small inputs).
        for (float x : new float[] {1e-6f, -3e-4f, 0.01f}) {
            double exact = Kernels.normalCdf(x) - 0.5;
            assertRel("Phi(" + x + ") - 1/2", exact, Kernels.cdfMinusHalfFloat(x), 3e-7);
        }
        double worstExp = 0;
        for (int i = 0; i <= 87000; i++) {
            float t = -i * 1e-3f;
            double rel = Math.abs(Kernels.expNonPositiveFloat(t) - Math.exp(t)) / Math.exp(t);
            worstExp = Math.max(worstExp, rel / (1 + Math.abs(t)));
        }
        assertTrue(worstExp < 2e-7, "exp relative error / (1 + |t|) " + worstExp);
        assertEquals(1.0f, Kernels.expNonPositiveFloat(0f));
    }

    /** A c-order [rows, cols] view starting {@code lead} elements into a bigger random buffer. */
    private static INDArray offsetView(DataType dt, long seed, long lead, long rows, long cols) {
        Nd4j.getRandom().setSeed(seed);
        INDArray buf = Nd4j.randn(dt, lead + rows * cols + 7).muli(2);
        return buf.get(NDArrayIndex.interval(lead, lead + rows * cols)).reshape('c', rows, cols);
    }

    @Test
    void geluKernelWritesOnlyItsViewAndMatchesScalarReference() {
        for (DataType dt : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray x = offsetView(dt, 1, 13, 5, 9);
            INDArray outBuf = Nd4j.valueArrayOf(new long[] {60}, -7.0, dt);
            INDArray y = outBuf.get(NDArrayIndex.interval(5, 50)).reshape('c', 5, 9);
            INDArray g = offsetView(dt, 2, 3, 5, 9);
            Kernels.geluForward(x, y);
            double[] xs = x.dup().data().asDouble();
            double[] gs = g.dup().data().asDouble();
            double[] ys = y.dup().data().asDouble();
            double tol = dt == DataType.FLOAT ? 3e-7 : 1e-14;
            for (int i = 0; i < xs.length; i++) {
                Close.assertClose(dt + " gelu(" + xs[i] + ")", xs[i] * Kernels.normalCdf(xs[i]), ys[i], tol);
            }
            assertEquals(-7.0, outBuf.getDouble(4), 0.0);
            assertEquals(-7.0, outBuf.getDouble(50), 0.0);

            INDArray dx = Nd4j.create(dt, 5, 9);
            Kernels.geluBackward(x, g, dx);
            double[] ds = dx.dup().data().asDouble();
            for (int i = 0; i < xs.length; i++) {
                double v = xs[i];
                double d = Kernels.normalCdf(v) + v * Math.exp(-0.5 * v * v) / Math.sqrt(2 * Math.PI);
                Close.assertClose(dt + " gelu'(" + v + ")", gs[i] * d, ds[i], tol * (1 + Math.abs(gs[i])));
            }
        }
    }

    @Test
    void geluKernelSplitsLargeTensorsAcrossThreadsConsistently() {
        INDArray x = offsetView(DataType.FLOAT, 3, 1, 300, 257);   // > 2 * PARALLEL_MIN elements
        INDArray y = Nd4j.create(DataType.FLOAT, 300, 257);
        Kernels.geluForward(x, y);
        INDArray yInPlace = x.dup();
        Kernels.geluForward(yInPlace, yInPlace);
        Close.assertClose("in place == out of place", y, yInPlace, 0.0);
        // Reference: the same kernel element by element (no threads, no tiles).
        float[] xs = x.dup().data().asFloat();
        float[] ys = y.dup().data().asFloat();
        for (int i = 0; i < xs.length; i += 97) {
            float expected = xs[i] * (0.5f + Kernels.cdfMinusHalfFloat(xs[i]));
            assertEquals(expected, ys[i], 0f, "element " + i);
        }
    }

    /** The composed-ops softmax the attention layer uses, as the reference. */
    private static INDArray softmaxNd4j(INDArray x) {
        long n = x.size(1);
        INDArray s = x.dup();
        INDArray rowMax = Nd4j.create(x.dataType(), x.size(0));
        Nd4j.exec(new Max(s, rowMax, 1));
        s.subiColumnVector(rowMax);
        Transforms.exp(s, false);
        s.diviColumnVector(s.sum(1));
        return s.reshape('c', x.size(0), n);
    }

    @Test
    void softmaxRowsMatchesComposedOps() {
        for (DataType dt : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            // 130 and 1568: rows that take their maxima with maxF (from 128), one with a tail of 2.
            for (long[] shape : new long[][] {{7, 5}, {1400, 49}, {3, 1}, {2, 3000}, {9, 130}, {5, 1568}}) {
                INDArray x = offsetView(dt, 4, 11, shape[0], shape[1]).muli(3);
                INDArray p = Nd4j.create(dt, shape);
                Kernels.softmaxRows(x, p);
                double tol = dt == DataType.FLOAT ? 2e-6 : 1e-13;
                Close.assertClose(dt + " softmax " + shape[0] + "x" + shape[1], softmaxNd4j(x), p, tol);

                INDArray g = offsetView(dt, 5, 2, shape[0], shape[1]);
                INDArray dx = Nd4j.create(dt, shape);
                Kernels.softmaxRowsBackward(p, g, dx);
                // Reference in double from the same inputs (FLOAT rounding of g - sum(g p) is the limit).
                INDArray pd = p.castTo(DataType.DOUBLE);
                INDArray gd = g.castTo(DataType.DOUBLE);
                INDArray expected = gd.dup().subiColumnVector(pd.mul(gd).sum(1)).muli(pd);
                Close.assertClose(dt + " softmax backward", expected, dx, dt == DataType.FLOAT ? 1e-6 : 1e-13);
            }
        }
        // Extreme logits: no overflow, far entries become (almost) zero.
        INDArray x = Nd4j.createFromArray(new float[][] {{1000f, 0f, -1000f}, {-1e30f, -1e30f, -1e30f}});
        INDArray p = Nd4j.create(DataType.FLOAT, 2, 3);
        Kernels.softmaxRows(x, p);
        assertEquals(1f, p.getFloat(0, 0), 1e-7f);
        assertTrue(p.getFloat(0, 1) < 1e-30f);
        assertEquals(1f / 3, p.getFloat(1, 2), 1e-7f);
    }

    @Test
    void rowMaximumEqualsTheSerialMaximumForEveryLengthAndOffset() {
        java.util.Random rnd = new java.util.Random(3);
        float[] a = new float[300];
        for (int n = 1; n <= 140; n++) {
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (rnd.nextGaussian() * 100);
            }
            a[rnd.nextInt(a.length)] = Float.NEGATIVE_INFINITY;
            int from = rnd.nextInt(a.length - n + 1);
            float serial = Float.NEGATIVE_INFINITY;
            for (int j = from; j < from + n; j++) {
                serial = Math.max(serial, a[j]);
            }
            assertEquals(serial, Kernels.maxF(a, from, n), "n=" + n + " from=" + from);
        }
        float[] flat = {-5f, -5f, -5f, -5f, -5f};
        assertEquals(-5f, Kernels.maxF(flat, 0, 5));
        float[] last = {1f, 2f, 3f, 4f, 9f};
        assertEquals(9f, Kernels.maxF(last, 0, 5), "the maximum in the tail after the groups of four");
    }

    @Test
    void adamWStepRefusesMismatchedOrNonFloatBuffers() {
        INDArray p = Nd4j.zeros(DataType.FLOAT, 10);
        INDArray shortM = Nd4j.zeros(DataType.FLOAT, 9);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Kernels.adamWStep(p, p.dup(), p.dup(), shortM, p.dup(), 0, 1e-3, 0.9, 0.999, 1, 1e-8));
        assertTrue(e.getMessage().contains("adamWStep"), e.getMessage());
        INDArray d = Nd4j.zeros(DataType.DOUBLE, 10);
        e = assertThrows(IllegalArgumentException.class,
                () -> Kernels.adamWStep(d, d.dup(), d.dup(), d.dup(), d.dup(), 0, 1e-3, 0.9, 0.999, 1, 1e-8));
        assertTrue(e.getMessage().contains("FLOAT") && e.getMessage().contains("DOUBLE"), e.getMessage());
    }

    @Test
    void aNanInALongRowStillMakesItsSoftmaxNan() {
        // maxF skips a NaN where Math.max would return it; the row must come out NaN all the same.
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 200);
        x.putScalar(0, 17, Float.NaN);
        INDArray p = Nd4j.create(DataType.FLOAT, 2, 200);
        Kernels.softmaxRows(x, p);
        for (int j = 0; j < 200; j++) {
            assertTrue(Float.isNaN(p.getFloat(0, j)), "entry " + j);
        }
        assertEquals(1.0, p.getRow(1).sumNumber().doubleValue(), 1e-5, "the other row is untouched");
    }

    @Test
    void layerNormBackwardWithAnAddendEqualsTheSeparateAddBitForBit() {
        for (DataType dt : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            // The second size has rows longer than a kernel tile (2048 elements).
            for (int[] size : new int[][] {{300, 128}, {3, 2500}}) {
                int rows = size[0], dim = size[1];
                INDArray x = Nd4j.randn(dt, rows, dim);
                INDArray mean = x.mean(1);
                INDArray rstd = x.var(false, 1).addi(1e-6);
                rstd = Nd4j.ones(dt, rows).divi(org.nd4j.linalg.ops.transforms.Transforms.sqrt(rstd, true));
                INDArray gamma = Nd4j.randn(dt, dim);
                INDArray g = Nd4j.randn(dt, rows, dim);
                INDArray residual = Nd4j.randn(dt, rows, dim);
                INDArray dx = Nd4j.create(dt, rows, dim);
                INDArray dgA = Nd4j.zeros(dt, dim), dbA = Nd4j.zeros(dt, dim);
                Kernels.layerNormBackward(x, mean, rstd, gamma, g, dx, dgA, dbA);
                INDArray separate = residual.add(dx);
                INDArray fused = Nd4j.create(dt, rows, dim);
                INDArray dgB = Nd4j.zeros(dt, dim), dbB = Nd4j.zeros(dt, dim);
                Kernels.layerNormBackward(x, mean, rstd, gamma, g, residual, fused, dgB, dbB);
                assertEquals(separate, fused, dt + " " + rows + "x" + dim);
                assertTrue(java.util.Arrays.equals(separate.data().asDouble(), fused.data().asDouble()), "bits, " + dt);
                assertEquals(dgA, dgB);
                assertEquals(dbA, dbB);
            }
        }
    }

    @Test
    void layerNormKernelHandlesOffsetsAndAccumulatesParameterGradients() {
        // The second size has rows longer than a kernel tile (2048 elements).
        for (int[] size : new int[][] {{11, 6}, {3, 2500}})
        for (DataType dt : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            int rows = size[0], dim = size[1];
            INDArray x = offsetView(dt, 6, 17, rows, dim).addi(1.5);
            INDArray gamma = offsetView(dt, 7, 3, 1, dim).reshape(dim);
            INDArray beta = offsetView(dt, 8, 5, 1, dim).reshape(dim);
            INDArray y = Nd4j.create(dt, rows, dim);
            INDArray mean = Nd4j.create(dt, rows);
            INDArray rstd = Nd4j.create(dt, rows);
            Kernels.layerNormForward(x, gamma, beta, 1e-5, y, mean, rstd);

            // Reference in double from the same inputs.
            INDArray xd = x.castTo(DataType.DOUBLE);
            INDArray gd = gamma.castTo(DataType.DOUBLE);
            INDArray bd = beta.castTo(DataType.DOUBLE);
            INDArray xm = xd.dup().subiColumnVector(xd.mean(1));
            INDArray rs = Transforms.sqrt(xm.mul(xm).mean(1).addi(1e-5), true).rdivi(1.0);
            INDArray xhat = xm.mulColumnVector(rs);
            double tol = dt == DataType.FLOAT ? 2e-6 : 1e-13;
            Close.assertClose(dt + " y", xhat.mulRowVector(gd).addRowVector(bd), y, tol);
            Close.assertClose(dt + " mean", xd.mean(1), mean, tol);
            Close.assertClose(dt + " rstd", rs, rstd, tol);

            INDArray g = offsetView(dt, 9, 1, rows, dim);
            INDArray dgamma = Nd4j.valueArrayOf(new long[] {dim}, 0.25, dt);
            INDArray dbeta = Nd4j.valueArrayOf(new long[] {dim}, -0.5, dt);
            INDArray dx = Nd4j.create(dt, rows, dim);
            Kernels.layerNormBackward(x, mean, rstd, gamma, g, dx, dgamma, dbeta);
            INDArray g64 = g.castTo(DataType.DOUBLE);
            INDArray gh = g64.mulRowVector(gd);
            INDArray expDx = gh.subColumnVector(gh.mean(1))
                    .subi(xhat.mulColumnVector(gh.mul(xhat).mean(1))).muliColumnVector(rs);
            Close.assertClose(dt + " dx", expDx, dx, dt == DataType.FLOAT ? 5e-6 : 1e-12);
            Close.assertClose(dt + " dgamma", g64.mul(xhat).sum(0).addi(0.25), dgamma, tol);
            Close.assertClose(dt + " dbeta", g64.sum(0).subi(0.5), dbeta, tol);
        }
    }

    @Test
    void rejectsUnsupportedInputs() {
        INDArray ints = Nd4j.create(DataType.INT, 4, 4);
        assertFalse(Kernels.supports(ints));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Kernels.geluForward(ints, ints));
        assertTrue(e.getMessage().contains("INT"), e.getMessage());

        INDArray f = Nd4j.rand(DataType.FLOAT, 4, 6);
        INDArray cols = f.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 3));
        assertFalse(Kernels.supports(cols));
        e = assertThrows(IllegalArgumentException.class, () -> Kernels.geluForward(cols, Nd4j.create(DataType.FLOAT, 4, 2)));
        assertTrue(e.getMessage().contains("contiguous"), e.getMessage());
        assertFalse(Kernels.supports(f.transpose()));

        INDArray d = Nd4j.rand(DataType.DOUBLE, 4, 6);
        assertFalse(Kernels.supports(f, d));
        assertThrows(IllegalArgumentException.class, () -> Kernels.geluForward(f, d));
        assertThrows(IllegalArgumentException.class, () -> Kernels.geluForward(f, Nd4j.create(DataType.FLOAT, 5)));
        assertThrows(IllegalArgumentException.class, () -> Kernels.layerNormForward(f, null, null, 1e-5,
                Nd4j.create(DataType.FLOAT, 4, 6), Nd4j.create(DataType.FLOAT, 3), Nd4j.create(DataType.FLOAT, 4)));

        assertTrue(Kernels.supports(f, null, f.get(NDArrayIndex.interval(1, 3), NDArrayIndex.all())));
        Kernels.setEnabled(false);
        try {
            assertFalse(Kernels.supports(f));
        } finally {
            Kernels.setEnabled(true);
        }
    }

    @Test
    void fillRowsWritesTheVectorIntoEveryRowOfAView() {
        for (DataType dt : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            // Big enough to split over threads; the view starts 3 elements in and ends 5 before the buffer's end.
            int rows = 4000, cols = 24;
            INDArray buf = Nd4j.zeros(dt, 3 + (long) rows * cols + 5).addi(-7);
            INDArray out = buf.get(NDArrayIndex.interval(3, 3 + (long) rows * cols)).reshape('c', 2, rows / 2, cols);
            INDArray v = Nd4j.createFromArray(java.util.stream.IntStream.rangeClosed(1, cols).asDoubleStream().toArray()).castTo(dt);
            Kernels.fillRows(v, out);
            for (int r : new int[] {0, 1, 1999, 2000, 3999}) {
                for (int c = 0; c < cols; c++) {
                    assertEquals(c + 1.0, out.getDouble(r / 2000, r % 2000, c), 0.0, dt + " row " + r + " col " + c);
                }
            }
            assertEquals(-7.0, buf.getDouble(2), 0.0, "nothing written before the view");
            assertEquals(-7.0, buf.getDouble(3 + (long) rows * cols), 0.0, "nothing written after the view");
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Kernels.fillRows(Nd4j.zeros(DataType.FLOAT, 5), Nd4j.zeros(DataType.FLOAT, 3, 4)));
        assertTrue(e.getMessage().contains("[3, 4]") && e.getMessage().contains("5"), e.getMessage());
    }

    @Test
    void inlinePiecesGiveTheSameBitsAsThePool() {
        // [2048, 64]: 131,072 elements, above the size at which kernels split work across threads.
        Nd4j.getRandom().setSeed(21);
        INDArray x = Nd4j.randn(DataType.FLOAT, 2048, 64);
        INDArray g = Nd4j.randn(DataType.FLOAT, 2048, 64);
        INDArray gamma = Nd4j.rand(DataType.FLOAT, 64).addi(0.5);
        INDArray beta = Nd4j.randn(DataType.FLOAT, 64);
        float[][] runs = new float[2][];
        for (int r = 0; r < 2; r++) {
            Kernels.setInline(r == 1);
            try {
                INDArray y = Nd4j.create(DataType.FLOAT, 2048, 64);
                INDArray mean = Nd4j.create(DataType.FLOAT, 2048);
                INDArray rstd = Nd4j.create(DataType.FLOAT, 2048);
                Kernels.layerNormForward(x, gamma, beta, 1e-6, y, mean, rstd);
                INDArray dx = Nd4j.create(DataType.FLOAT, 2048, 64);
                INDArray dgamma = Nd4j.create(DataType.FLOAT, 64);
                INDArray dbeta = Nd4j.create(DataType.FLOAT, 64);
                Kernels.layerNormBackward(x, mean, rstd, gamma, g, dx, dgamma, dbeta);
                INDArray act = Nd4j.create(DataType.FLOAT, 2048, 64);
                Kernels.geluForward(x, act);
                INDArray p = Nd4j.create(DataType.FLOAT, 2048, 64);
                Kernels.softmaxRows(x, p);
                runs[r] = Nd4j.concat(0, y.reshape(-1), dx.reshape(-1), dgamma, dbeta, act.reshape(-1), p.reshape(-1))
                        .toFloatVector();
            } finally {
                Kernels.setInline(false);
            }
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(runs[0], runs[1]);
        assertTrue(runs[0][0] != 0 && Float.isFinite(runs[0][0]));
    }
}
