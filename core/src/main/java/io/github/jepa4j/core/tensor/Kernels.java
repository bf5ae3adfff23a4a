package io.github.jepa4j.core.tensor;

import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Fused host kernels for the element-wise and per-row operations that dominate a training step
 * outside the GEMMs: exact GELU, layer normalisation and row softmax, forward and backward.
 *
 * <p>Each kernel reads and writes the arrays' host memory directly (through a direct NIO view of
 * the ND4J buffer), in tiles copied to per-thread heap arrays so that HotSpot's C2 compiler turns
 * the inner loops into SIMD code; large tensors are split over a small fixed pool of threads
 * ({@code jepa4j.kernels.threads}, default: the number of processors). Each tile body is its own
 * static method, so C2 compiles it as a hot method rather than as on-stack replacement code.
 * Measured on 2 shared AVX-512 cores ({@code benchmarks/run-jmh.sh}), FLOAT, best of 150 calls:
 * GELU [3136, 512] forward 0.8 ms and backward 0.9 ms instead of 14 ms and 6.5 ms for composed
 * ND4J ops (whose {@code Erf} alone takes 12-25 ms); LayerNorm [3136, 128] 0.4 / 0.7 ms instead of
 * 1.0 / 2.6 ms; row softmax [12544, 49] 1.6 / 0.5 ms instead of 2.1 / 0.6 ms. DOUBLE kernels
 * favour accuracy and are scalar (GELU DOUBLE is about 2x slower than ND4J's ops).
 *
 * <p>Arrays must be FLOAT or DOUBLE (all of one call alike), c-order and contiguous; any view
 * offset is fine. {@link #supports} tells whether a set of arrays qualifies and whether kernels
 * are usable at all: they need the CPU backend (host memory) and {@link #enabled()}. Layers call
 * {@code supports} and fall back to composed ND4J ops otherwise (e.g. on the CUDA backend).
 * Kernels throw {@link IllegalArgumentException} for arrays that do not qualify.
 *
 * <p>Accuracy. DOUBLE kernels use {@link #erf}/{@link #erfc} (series and continued fraction,
 * about 1e-15 relative) and {@link Math#exp}. FLOAT kernels use only operations C2 can vectorise:
 * GELU's {@code Phi(x) - 1/2} and its derivative's odd part {@code Phi(x) - 1/2 + x phi(x)} are
 * minimax rational functions {@code x P(x^2) / Q(x^2)} on a clamped range (absolute error about
 * 1.5e-7, a few float ulps at 1), and softmax's exp uses range reduction by 2^-7 followed by seven
 * squarings in double-float arithmetic (relative error about 1e-7 (1 + |x - max|)).
 */
public final class Kernels {
    private Kernels() {}

    /** Elements per tile of the element-wise kernels (fits L1 with its companions). */
    private static final int TILE = 2048;
    /** Below this many elements a kernel runs on the calling thread only. */
    private static final int PARALLEL_MIN = 1 << 15;
    private static final int THREADS = Math.max(1,
            Integer.getInteger("jepa4j.kernels.threads", Runtime.getRuntime().availableProcessors()));
    private static final ForkJoinPool POOL = THREADS > 1 ? new ForkJoinPool(THREADS - 1) : null;
    private static final boolean HOST = detectHost();
    private static volatile boolean inline = false;
    private static volatile boolean enabled = !"false".equalsIgnoreCase(System.getProperty("jepa4j.kernels"));

    private static final int TILES = 7;
    private static final ThreadLocal<float[][]> FTILES = ThreadLocal.withInitial(() -> new float[TILES][TILE]);
    private static final ThreadLocal<double[][]> DTILES = ThreadLocal.withInitial(() -> new double[TILES][TILE]);
    /** LayerNorm backward folds its tile-shaped column-sum accumulators into double this often. */
    private static final int FLUSH_TILES = 16;

    /** This thread's tile arrays, or fresh ones when a single row is longer than a tile. */
    private static float[][] ftiles(int size) {
        return size <= TILE ? FTILES.get() : new float[TILES][size];
    }

    /**
     * Repeats a [dim] vector over the rows of a tile. C2 (JDK 17) vectorises a loop only when its
     * arrays share one index, so per-column factors are laid out like the data.
     */
    private static void tileRows(float[] v, float[] tile, int rows) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(v, 0, tile, r * v.length, v.length);
        }
    }

    private static boolean detectHost() {
        try {
            return Nd4j.getEnvironment().isCPU();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    // ------------------------------------------------------------------------------------------
    // Selection
    // ------------------------------------------------------------------------------------------

    /**
     * Whether layers use these kernels (default true; system property {@code jepa4j.kernels=false}
     * turns them off). Meant for benchmarks and tests that compare against the composed ND4J ops.
     */
    public static boolean enabled() {
        return enabled;
    }

    /** Turns kernel use by layers on or off for the whole JVM (see {@link #enabled()}). */
    public static void setEnabled(boolean on) {
        enabled = on;
    }

    /** Whether ND4J's backend keeps arrays in host memory (the CPU backend). */
    public static boolean hostBackend() {
        return HOST;
    }

    /**
     * True when kernels are enabled, the backend is the CPU one and every non-null array is
     * FLOAT or DOUBLE (all the same), c-order contiguous and addressable through NIO.
     */
    public static boolean supports(INDArray... arrays) {
        if (!enabled || !HOST) {
            return false;
        }
        return problem(arrays) == null;
    }

    private static String problem(INDArray... arrays) {
        DataType dt = null;
        for (INDArray a : arrays) {
            if (a == null) {
                continue;
            }
            DataType t = a.dataType();
            if (t != DataType.FLOAT && t != DataType.DOUBLE) {
                return "kernels support FLOAT and DOUBLE arrays, got " + t;
            }
            if (dt == null) {
                dt = t;
            } else if (t != dt) {
                return "kernel arrays must share one data type, got " + dt + " and " + t;
            }
            if (!contiguousC(a)) {
                return "kernels need c-order contiguous arrays, got shape " + Arrays.toString(a.shape())
                        + " strides " + Arrays.toString(a.stride()) + " order " + a.ordering();
            }
            long end = (a.offset() + a.length()) * t.width();
            if (end > Integer.MAX_VALUE) {
                return "kernels address at most 2 GiB per buffer, array ends at byte " + end;
            }
        }
        return null;
    }

    private static void check(INDArray... arrays) {
        if (!HOST) {
            throw new IllegalArgumentException("kernels need host memory (the CPU backend), backend is "
                    + Nd4j.getBackend().getClass().getSimpleName());
        }
        String p = problem(arrays);
        if (p != null) {
            throw new IllegalArgumentException(p);
        }
    }

    private static boolean contiguousC(INDArray a) {
        long[] shape = a.shape();
        long[] stride = a.stride();
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && stride[i] != expected) {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }

    private static void sameLength(String what, INDArray a, INDArray b) {
        if (a.length() != b.length()) {
            throw new IllegalArgumentException(what + ": lengths differ, " + Arrays.toString(a.shape())
                    + " vs " + Arrays.toString(b.shape()));
        }
    }

    private static FloatBuffer floats(INDArray a) {
        return a.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private static DoubleBuffer doubles(INDArray a) {
        return a.data().asNio().order(ByteOrder.nativeOrder()).asDoubleBuffer();
    }

    private static int off(INDArray a) {
        return (int) a.offset();
    }

    /** A small array's elements as a heap copy (toFloatVector would dup a view natively). */
    private static float[] readF(INDArray a) {
        float[] r = new float[(int) a.length()];
        floats(a).get(off(a), r, 0, r.length);
        return r;
    }

    private static double[] readD(INDArray a) {
        double[] r = new double[(int) a.length()];
        doubles(a).get(off(a), r, 0, r.length);
        return r;
    }

    // ------------------------------------------------------------------------------------------
    // Threads
    // ------------------------------------------------------------------------------------------

    @FunctionalInterface
    private interface Range {
        void run(int from, int to, int chunk);
    }

    /** Number of chunks {@link #parallel} splits {@code n} items into, each at least {@code grain}. */
    private static int chunks(int n, int grain) {
        if (POOL == null || n < 2 * grain) {
            return 1;
        }
        return Math.min(THREADS, n / grain);
    }

    /**
     * Whether kernels run their pieces one after another on the calling thread instead of on the
     * pool: for stretches where the caller already keeps both cores busy with two threads. The
     * pieces are the same either way, so are the results.
     */
    public static void setInline(boolean on) {
        inline = on;
    }

    /** Whether kernels currently run inline (see {@link #setInline}). */
    public static boolean inline() {
        return inline;
    }

    /** Runs {@code body} over [0, n) in {@code chunks} contiguous pieces; piece 0 on this thread. */
    private static void parallel(int n, int chunks, Range body) {
        if (chunks <= 1) {
            body.run(0, n, 0);
            return;
        }
        if (inline) {
            for (int c = 0; c < chunks; c++) {
                body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks), c);
            }
            return;
        }
        ForkJoinTask<?>[] rest = new ForkJoinTask<?>[chunks - 1];
        for (int c = 1; c < chunks; c++) {
            int from = (int) ((long) n * c / chunks);
            int to = (int) ((long) n * (c + 1) / chunks);
            int chunk = c;
            rest[c - 1] = POOL.submit(() -> body.run(from, to, chunk));
        }
        RuntimeException failure = null;
        try {
            body.run(0, (int) ((long) n / chunks), 0);
        } catch (RuntimeException e) {
            failure = e;
        }
        for (ForkJoinTask<?> t : rest) {
            try {
                t.join();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    // ------------------------------------------------------------------------------------------
    // Scalar special functions (double precision)
    // ------------------------------------------------------------------------------------------

    private static final double TWO_OVER_SQRT_PI = 2.0 / Math.sqrt(Math.PI);
    private static final double INV_SQRT_PI = 1.0 / Math.sqrt(Math.PI);
    private static final double INV_SQRT2 = 1.0 / Math.sqrt(2.0);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);
    /** 1 / (2n + 1) for the erf series. */
    private static final double[] INV_ODD = new double[40];
    private static final int SERIES_TERMS = 34;
    private static final int CF_DEPTH = 40;

    static {
        for (int n = 0; n < INV_ODD.length; n++) {
            INV_ODD[n] = 1.0 / (2 * n + 1);
        }
    }

    /** exp(-x^2), with the rounding error of x^2 compensated (matters for x^2 of order 10). */
    private static double expNegSquare(double x) {
        double hi = x * x;
        double lo = Math.fma(x, x, -hi);
        return Math.exp(-hi) * (1.0 - lo);
    }

    /**
     * The error function, relative error about 1e-15. For |x| < 2 the series
     * {@code erf x = 2/sqrt(pi) exp(-x^2) sum_n (2x^2)^n x / (1*3*...*(2n+1))} (positive terms,
     * no cancellation); beyond, {@code 1 - erfc x}.
     */
    public static double erf(double x) {
        double a = Math.abs(x);
        double r;
        if (a < 2.0) {
            r = erfSeries(a);
        } else if (a < 6.0) {
            r = 1.0 - erfcFraction(a);
        } else {
            r = Double.isNaN(a) ? Double.NaN : 1.0;
        }
        return x < 0 ? -r : r;
    }

    /**
     * The complementary error function {@code 1 - erf x}, accurate relative to its own value (for
     * x >= 2 by the continued fraction
     * {@code erfc x = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))}).
     */
    public static double erfc(double x) {
        if (Double.isNaN(x)) {
            return Double.NaN;
        }
        if (x < 2.0) {
            return x > -6.0 ? 1.0 - erf(x) : 2.0;
        }
        return x < 27.3 ? erfcFraction(x) : 0.0;
    }

    private static double erfSeries(double a) {
        double x2 = 2.0 * a * a;
        double term = a;
        double sum = a;
        for (int n = 1; n < SERIES_TERMS; n++) {
            term *= x2 * INV_ODD[n];
            sum += term;
        }
        return TWO_OVER_SQRT_PI * expNegSquare(a) * sum;
    }

    private static double erfcFraction(double a) {
        double t = a;
        for (int k = CF_DEPTH; k > 0; k--) {
            t = a + 0.5 * k / t;
        }
        return INV_SQRT_PI * expNegSquare(a) / t;
    }

    /** Standard normal CDF {@code Phi(x) = (1 + erf(x / sqrt 2)) / 2}, accurate for negative x too. */
    public static double normalCdf(double x) {
        return 0.5 * erfc(-x * INV_SQRT2);
    }

    // ------------------------------------------------------------------------------------------
    // GELU
    // ------------------------------------------------------------------------------------------

    // FLOAT: Phi(x) - 1/2 = x P(t) / Q(t), t = x^2, |x| clamped to GELU_CDF_CLAMP (beyond it
    // Phi is within 3.3e-9 of 0 or 1). Minimax fit of relative error 1.9e-8 (own fit, degrees 7/4).
    private static final float GELU_CDF_CLAMP = 5.8f;
    private static final float CP0 = 0.3989422619342804f, CP1 = 0.026696350425481796f,
            CP2 = 0.004005833528935909f, CP3 = 8.570878708269447e-05f, CP4 = 3.012387878698064e-06f,
            CP5 = -3.728942843395089e-08f, CP6 = 3.8773834143412955e-10f, CP7 = -1.8931050303760966e-12f;
    private static final float CQ1 = 0.2335841953754425f, CQ2 = 0.023972632363438606f,
            CQ3 = 0.0013460058253258467f, CQ4 = 3.889877552865073e-05f;
    // FLOAT: GELU'(x) - 1/2 = Phi(x) - 1/2 + x phi(x) = x P(t) / Q(t), |x| clamped to 6.2 (beyond it
    // GELU' is within 3e-8 of 0 or 1). Minimax fit of relative error 3.7e-8 (degrees 8/5).
    private static final float GELU_GRAD_CLAMP = 6.2f;
    private static final float DP0 = 0.7978845834732056f, DP1 = -0.05335458368062973f,
            DP2 = 0.015230583027005196f, DP3 = -0.0003598826879169792f, DP4 = 3.6197918234393e-05f,
            DP5 = -4.853051791542384e-07f, DP6 = 9.524396382687428e-09f, DP7 = -9.280625573593326e-11f,
            DP8 = 3.9323096645213496e-13f;
    private static final float DQ1 = 0.2664638161659241f, DQ2 = 0.03290824219584465f,
            DQ3 = 0.0024405834265053272f, DQ4 = 0.00011464082490419969f, DQ5 = 3.5477692108543124e-06f;

    /** FLOAT approximation of {@code Phi(x) - 1/2} used by the FLOAT GELU kernel (for tests). */
    static float cdfMinusHalfFloat(float x) {
        float c = Math.min(Math.max(x, -GELU_CDF_CLAMP), GELU_CDF_CLAMP);
        float t = c * c;
        float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(
                CP7, t, CP6), t, CP5), t, CP4), t, CP3), t, CP2), t, CP1), t, CP0);
        float q = Math.fma(Math.fma(Math.fma(Math.fma(CQ4, t, CQ3), t, CQ2), t, CQ1), t, 1f);
        return c * (p / q);
    }

    /** FLOAT approximation of {@code GELU'(x) - 1/2} used by the FLOAT GELU kernel (for tests). */
    static float geluGradMinusHalfFloat(float x) {
        float c = Math.min(Math.max(x, -GELU_GRAD_CLAMP), GELU_GRAD_CLAMP);
        float t = c * c;
        float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(
                DP8, t, DP7), t, DP6), t, DP5), t, DP4), t, DP3), t, DP2), t, DP1), t, DP0);
        float q = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(DQ5, t, DQ4), t, DQ3), t, DQ2), t, DQ1), t, 1f);
        return c * (p / q);
    }

    /**
     * Exact GELU {@code y = x Phi(x) = 0.5 x (1 + erf(x / sqrt 2))}, element-wise; {@code y} may
     * be {@code x} itself. Any shapes of equal length.
     */
    public static void geluForward(INDArray x, INDArray y) {
        check(x, y);
        sameLength("geluForward", x, y);
        int n = (int) x.length();
        if (n == 0) {
            return;
        }
        if (x.dataType() == DataType.FLOAT) {
            FloatBuffer xb = floats(x), yb = floats(y);
            int xo = off(x), yo = off(y);
            parallel(n, chunks(n, PARALLEL_MIN), (from, to, c) -> {
                float[] xt = FTILES.get()[0];
                for (int s = from; s < to; s += TILE) {
                    int m = Math.min(TILE, to - s);
                    xb.get(xo + s, xt, 0, m);
                    geluTileF(xt, m);
                    yb.put(yo + s, xt, 0, m);
                }
            });
        } else {
            DoubleBuffer xb = doubles(x), yb = doubles(y);
            int xo = off(x), yo = off(y);
            parallel(n, chunks(n, PARALLEL_MIN / 8), (from, to, c) -> {
                double[] xt = DTILES.get()[0];
                for (int s = from; s < to; s += TILE) {
                    int m = Math.min(TILE, to - s);
                    xb.get(xo + s, xt, 0, m);
                    for (int i = 0; i < m; i++) {
                        xt[i] = xt[i] * normalCdf(xt[i]);
                    }
                    yb.put(yo + s, xt, 0, m);
                }
            });
        }
    }

    private static void geluTileF(float[] xt, int m) {
        for (int i = 0; i < m; i++) {
            float v = xt[i];
            float c = Math.min(Math.max(v, -GELU_CDF_CLAMP), GELU_CDF_CLAMP);
            float t = c * c;
            float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(
                    CP7, t, CP6), t, CP5), t, CP4), t, CP3), t, CP2), t, CP1), t, CP0);
            float q = Math.fma(Math.fma(Math.fma(Math.fma(CQ4, t, CQ3), t, CQ2), t, CQ1), t, 1f);
            xt[i] = v * (0.5f + c * (p / q));
        }
    }

    /**
     * GELU backward {@code dx = gradOut * (Phi(x) + x phi(x))} from the forward input {@code x};
     * {@code dx} may alias {@code gradOut} or {@code x}. Any shapes of equal length.
     */
    public static void geluBackward(INDArray x, INDArray gradOut, INDArray dx) {
        check(x, gradOut, dx);
        sameLength("geluBackward", x, gradOut);
        sameLength("geluBackward", x, dx);
        int n = (int) x.length();
        if (n == 0) {
            return;
        }
        if (x.dataType() == DataType.FLOAT) {
            FloatBuffer xb = floats(x), gb = floats(gradOut), db = floats(dx);
            int xo = off(x), go = off(gradOut), dxo = off(dx);
            parallel(n, chunks(n, PARALLEL_MIN), (from, to, c) -> {
                float[][] tiles = FTILES.get();
                float[] xt = tiles[0], gt = tiles[1];
                for (int s = from; s < to; s += TILE) {
                    int m = Math.min(TILE, to - s);
                    xb.get(xo + s, xt, 0, m);
                    gb.get(go + s, gt, 0, m);
                    geluGradTileF(xt, gt, m);
                    db.put(dxo + s, gt, 0, m);
                }
            });
        } else {
            DoubleBuffer xb = doubles(x), gb = doubles(gradOut), db = doubles(dx);
            int xo = off(x), go = off(gradOut), dxo = off(dx);
            parallel(n, chunks(n, PARALLEL_MIN / 8), (from, to, c) -> {
                double[][] tiles = DTILES.get();
                double[] xt = tiles[0], gt = tiles[1];
                for (int s = from; s < to; s += TILE) {
                    int m = Math.min(TILE, to - s);
                    xb.get(xo + s, xt, 0, m);
                    gb.get(go + s, gt, 0, m);
                    for (int i = 0; i < m; i++) {
                        double v = xt[i];
                        double pdf = Math.exp(-0.5 * v * v) * INV_SQRT_2PI;
                        gt[i] *= normalCdf(v) + v * pdf;
                    }
                    db.put(dxo + s, gt, 0, m);
                }
            });
        }
    }

    private static void geluGradTileF(float[] xt, float[] gt, int m) {
        for (int i = 0; i < m; i++) {
            float c = Math.min(Math.max(xt[i], -GELU_GRAD_CLAMP), GELU_GRAD_CLAMP);
            float t = c * c;
            float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(
                    DP8, t, DP7), t, DP6), t, DP5), t, DP4), t, DP3), t, DP2), t, DP1), t, DP0);
            float q = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(DQ5, t, DQ4), t, DQ3), t, DQ2), t, DQ1), t, 1f);
            gt[i] *= 0.5f + c * (p / q);
        }
    }

    // ------------------------------------------------------------------------------------------
    // LayerNorm
    // ------------------------------------------------------------------------------------------

    private static int rowsPerTile(int dim) {
        return Math.max(1, TILE / dim);
    }

    private static void checkLayerNorm(String what, INDArray x, int dim, INDArray mean, INDArray rstd,
                                       INDArray gamma, INDArray beta) {
        if (dim <= 0 || x.length() % dim != 0 || x.size(x.rank() - 1) != dim) {
            throw new IllegalArgumentException(what + ": input shape " + Arrays.toString(x.shape())
                    + " does not end in dim " + dim);
        }
        long rows = x.length() / dim;
        if (mean.length() != rows || rstd.length() != rows) {
            throw new IllegalArgumentException(what + ": mean/rstd need " + rows + " elements, got "
                    + mean.length() + " and " + rstd.length());
        }
        if (gamma != null && gamma.length() != dim || beta != null && beta.length() != dim) {
            throw new IllegalArgumentException(what + ": gamma/beta need " + dim + " elements, got "
                    + (gamma == null ? "none" : gamma.length()) + " and " + (beta == null ? "none" : beta.length()));
        }
    }

    /**
     * Layer normalisation over the last dimension of {@code x [..., dim]}:
     * {@code y = (x - mean) * rstd * gamma + beta} with {@code rstd = 1 / sqrt(var + eps)} and the
     * biased variance; writes the per-row {@code mean} and {@code rstd} (each {@code rows}
     * elements) for {@link #layerNormBackward}. {@code gamma} and {@code beta} ([dim]) may be null
     * (no affine part; both or neither). {@code y} may alias {@code x}.
     */
    public static void layerNormForward(INDArray x, INDArray gamma, INDArray beta, double eps,
                                        INDArray y, INDArray mean, INDArray rstd) {
        check(x, gamma, beta, y, mean, rstd);
        int dim = (int) x.size(x.rank() - 1);
        checkLayerNorm("layerNormForward", x, dim, mean, rstd, gamma, beta);
        sameLength("layerNormForward", x, y);
        if ((gamma == null) != (beta == null)) {
            throw new IllegalArgumentException("layerNormForward: give both gamma and beta or neither");
        }
        int rows = (int) (x.length() / dim);
        if (rows == 0) {
            return;
        }
        int rpt = rowsPerTile(dim);
        if (x.dataType() == DataType.FLOAT) {
            FloatBuffer xb = floats(x), yb = floats(y), mb = floats(mean), rb = floats(rstd);
            int xo = off(x), yo = off(y), mo = off(mean), ro = off(rstd);
            float[] g = gamma == null ? null : readF(gamma);
            float[] b = beta == null ? null : readF(beta);
            float epsF = (float) eps;
            parallel(rows, chunks(rows, Math.max(1, PARALLEL_MIN / dim)), (from, to, c) -> {
                float[][] tiles = ftiles(rpt * dim);
                float[] t = tiles[0], gT = tiles[1], bT = tiles[2];
                if (g != null) {
                    tileRows(g, gT, rpt);
                    tileRows(b, bT, rpt);
                }
                float[] ms = new float[rpt], rs = new float[rpt];
                for (int r0 = from; r0 < to; r0 += rpt) {
                    int nr = Math.min(rpt, to - r0);
                    xb.get(xo + r0 * dim, t, 0, nr * dim);
                    layerNormTileF(t, gT, bT, g != null, nr, dim, epsF, ms, rs);
                    yb.put(yo + r0 * dim, t, 0, nr * dim);
                    mb.put(mo + r0, ms, 0, nr);
                    rb.put(ro + r0, rs, 0, nr);
                }
            });
        } else {
            DoubleBuffer xb = doubles(x), yb = doubles(y), mb = doubles(mean), rb = doubles(rstd);
            int xo = off(x), yo = off(y), mo = off(mean), ro = off(rstd);
            double[] g = gamma == null ? null : readD(gamma);
            double[] b = beta == null ? null : readD(beta);
            parallel(rows, chunks(rows, Math.max(1, PARALLEL_MIN / dim)), (from, to, c) -> {
                double[] t = dim <= TILE ? DTILES.get()[0] : new double[dim];
                double[] ms = new double[rpt], rs = new double[rpt];
                for (int r0 = from; r0 < to; r0 += rpt) {
                    int nr = Math.min(rpt, to - r0);
                    xb.get(xo + r0 * dim, t, 0, nr * dim);
                    layerNormTileD(t, g, b, nr, dim, eps, ms, rs);
                    yb.put(yo + r0 * dim, t, 0, nr * dim);
                    mb.put(mo + r0, ms, 0, nr);
                    rb.put(ro + r0, rs, 0, nr);
                }
            });
        }
    }

    /**
     * Layer-norm backward from the forward input {@code x} and its per-row {@code mean},
     * {@code rstd}: with {@code xhat = (x - mean) rstd} and {@code gh = gradOut * gamma},
     * {@code dx = rstd (gh - mean(gh) - xhat mean(gh xhat))}; {@code dgamma += sum_rows(gradOut xhat)}
     * and {@code dbeta += sum_rows(gradOut)} (accumulated, column sums in double). {@code gamma},
     * {@code dgamma}, {@code dbeta} may be null for the non-affine form (all three or none).
     * {@code dx} may alias {@code gradOut}.
     */
    public static void layerNormBackward(INDArray x, INDArray mean, INDArray rstd, INDArray gamma,
                                         INDArray gradOut, INDArray dx, INDArray dgamma, INDArray dbeta) {
        layerNormBackward(x, mean, rstd, gamma, gradOut, null, dx, dgamma, dbeta);
    }

    /**
     * {@link #layerNormBackward(INDArray, INDArray, INDArray, INDArray, INDArray, INDArray, INDArray, INDArray)}
     * with {@code addend} (null: none) added to {@code dx} in the same pass: a pre-norm block's
     * residual gradient, {@code dh = g + LN'(...)}, without a separate add over the rows. The sum
     * is the same single float addition, so the bits equal those of the separate add.
     */
    public static void layerNormBackward(INDArray x, INDArray mean, INDArray rstd, INDArray gamma,
                                         INDArray gradOut, INDArray addend, INDArray dx, INDArray dgamma, INDArray dbeta) {
        check(x, mean, rstd, gamma, gradOut, addend, dx, dgamma, dbeta);
        if (addend != null) {
            sameLength("layerNormBackward", x, addend);
        }
        int dim = (int) x.size(x.rank() - 1);
        checkLayerNorm("layerNormBackward", x, dim, mean, rstd, gamma, null);
        sameLength("layerNormBackward", x, gradOut);
        sameLength("layerNormBackward", x, dx);
        boolean affine = gamma != null;
        if (affine != (dgamma != null) || affine != (dbeta != null)) {
            throw new IllegalArgumentException("layerNormBackward: give gamma, dgamma and dbeta together or none");
        }
        if (affine && (dgamma.length() != dim || dbeta.length() != dim)) {
            throw new IllegalArgumentException("layerNormBackward: dgamma/dbeta need " + dim + " elements, got "
                    + dgamma.length() + " and " + dbeta.length());
        }
        int rows = (int) (x.length() / dim);
        if (rows == 0) {
            return;
        }
        int rpt = rowsPerTile(dim);
        int nChunks = chunks(rows, Math.max(1, PARALLEL_MIN / dim));
        // Per-chunk column sums of g * xhat and g, reduced in double once all chunks are done.
        double[][] colSums = affine ? new double[nChunks][2 * dim] : null;
        if (x.dataType() == DataType.FLOAT) {
            FloatBuffer xb = floats(x), gb = floats(gradOut), db = floats(dx), mb = floats(mean), rb = floats(rstd);
            FloatBuffer ab = addend == null ? null : floats(addend);
            int xo = off(x), go = off(gradOut), dxo = off(dx), mo = off(mean), ro = off(rstd);
            int ao = addend == null ? 0 : off(addend);
            float[] gam = affine ? readF(gamma) : null;
            parallel(rows, nChunks, (from, to, c) -> {
                float[][] tiles = ftiles(rpt * dim);
                float[] xt = tiles[0], gt = tiles[1], ght = tiles[2], gT = tiles[3];
                // Column sums of g * xhat and g kept in tile layout (same index as the data, so
                // the loop vectorises), folded into double every FLUSH_TILES tiles.
                float[] accGx = tiles[4], accG = tiles[5], at = tiles[6];
                float[] ms = new float[rpt], rs = new float[rpt];
                double[] sums = affine ? colSums[c] : null;
                if (affine) {
                    tileRows(gam, gT, rpt);
                    Arrays.fill(accGx, 0, rpt * dim, 0f);
                    Arrays.fill(accG, 0, rpt * dim, 0f);
                }
                int pending = 0;
                for (int r0 = from; r0 < to; r0 += rpt) {
                    int nr = Math.min(rpt, to - r0);
                    int m = nr * dim;
                    xb.get(xo + r0 * dim, xt, 0, m);
                    gb.get(go + r0 * dim, gt, 0, m);
                    mb.get(mo + r0, ms, 0, nr);
                    rb.get(ro + r0, rs, 0, nr);
                    layerNormBackwardTileF(xt, gt, ght, gT, accGx, accG, affine, nr, dim, ms, rs);
                    if (ab != null) {
                        ab.get(ao + r0 * dim, at, 0, m);
                        addTile(gt, at, m);
                    }
                    db.put(dxo + r0 * dim, gt, 0, m);
                    if (affine && (++pending == FLUSH_TILES || r0 + rpt >= to)) {
                        flushColumns(accGx, accG, rpt, dim, sums);
                        pending = 0;
                    }
                }
            });
        } else {
            DoubleBuffer xb = doubles(x), gb = doubles(gradOut), db = doubles(dx), mb = doubles(mean), rb = doubles(rstd);
            DoubleBuffer ab = addend == null ? null : doubles(addend);
            int xo = off(x), go = off(gradOut), dxo = off(dx), mo = off(mean), ro = off(rstd);
            int ao = addend == null ? 0 : off(addend);
            double[] gam = affine ? readD(gamma) : null;
            parallel(rows, nChunks, (from, to, c) -> {
                double[][] tiles = DTILES.get();
                boolean big = dim > TILE;
                double[] xt = big ? new double[dim] : tiles[0];
                double[] gt = big ? new double[dim] : tiles[1];
                double[] ght = big ? new double[dim] : tiles[2];
                double[] at = big ? new double[dim] : tiles[3];
                double[] ms = new double[rpt], rs = new double[rpt];
                double[] sums = affine ? colSums[c] : null;
                for (int r0 = from; r0 < to; r0 += rpt) {
                    int nr = Math.min(rpt, to - r0);
                    xb.get(xo + r0 * dim, xt, 0, nr * dim);
                    gb.get(go + r0 * dim, gt, 0, nr * dim);
                    mb.get(mo + r0, ms, 0, nr);
                    rb.get(ro + r0, rs, 0, nr);
                    layerNormBackwardTileD(xt, gt, ght, gam, sums, affine, nr, dim, ms, rs);
                    if (ab != null) {
                        ab.get(ao + r0 * dim, at, 0, nr * dim);
                        addTile(gt, at, nr * dim);
                    }
                    db.put(dxo + r0 * dim, gt, 0, nr * dim);
                }
            });
        }
        if (affine) {
            double[] total = colSums[0];
            for (int c = 1; c < nChunks; c++) {
                for (int j = 0; j < 2 * dim; j++) {
                    total[j] += colSums[c][j];
                }
            }
            addInto(dgamma, total, 0, dim);
            addInto(dbeta, total, dim, dim);
        }
    }

    /** {@code t[i] = a[i] + t[i]}: the operand order of {@code a.add(t)}, though addition commutes anyway. */
    private static void addTile(float[] t, float[] a, int m) {
        for (int i = 0; i < m; i++) {
            t[i] = a[i] + t[i];
        }
    }

    private static void addTile(double[] t, double[] a, int m) {
        for (int i = 0; i < m; i++) {
            t[i] = a[i] + t[i];
        }
    }

    /** Adds tile-layout column accumulators into {@code sums[0, dim)} and {@code sums[dim, 2 dim)}, then clears them. */
    private static void flushColumns(float[] accGx, float[] accG, int rows, int dim, double[] sums) {
        for (int r = 0; r < rows; r++) {
            int base = r * dim;
            for (int j = 0; j < dim; j++) {
                sums[j] += accGx[base + j];
                sums[dim + j] += accG[base + j];
            }
        }
        Arrays.fill(accGx, 0, rows * dim, 0f);
        Arrays.fill(accG, 0, rows * dim, 0f);
    }

    /** {@code target[j] += src[from + j]} for a small contiguous vector. */
    private static void addInto(INDArray target, double[] src, int from, int n) {
        int o = off(target);
        if (target.dataType() == DataType.FLOAT) {
            FloatBuffer b = floats(target);
            for (int j = 0; j < n; j++) {
                b.put(o + j, (float) (b.get(o + j) + src[from + j]));
            }
        } else {
            DoubleBuffer b = doubles(target);
            for (int j = 0; j < n; j++) {
                b.put(o + j, b.get(o + j) + src[from + j]);
            }
        }
    }

    // Row reductions with 4 independent accumulators (a single one would serialise on add latency).

    /** Row length from which softmax takes its row maxima with {@link #maxF}. */
    private static final int SPLIT_MAX_MIN = 128;

    /**
     * The largest of {@code a[from, from + n)}, with four independent running maxima and a
     * comparison rather than {@link Math#max}: on C2 (JDK 17) a {@code Math.max} chain over a row
     * is a serial dependency of its NaN- and signed-zero-handling sequence. The softmax tile
     * (compute only, one thread) ran 18 % faster with it on 1,568-wide rows (video attention),
     * 6-8 % on 196- to 472-wide ones, and 3-13 % slower on rows of 24-66, so softmax uses it from
     * {@value #SPLIT_MAX_MIN} on. The maximum is exact either way; a NaN entry is skipped here, but
     * it still turns the row's softmax into NaN through the sum.
     */
    static float maxF(float[] a, int from, int n) {
        float s0 = Float.NEGATIVE_INFINITY, s1 = s0, s2 = s0, s3 = s0;
        int j = from, end = from + n, end4 = from + (n & ~3);
        for (; j < end4; j += 4) {
            float x0 = a[j], x1 = a[j + 1], x2 = a[j + 2], x3 = a[j + 3];
            s0 = x0 > s0 ? x0 : s0;
            s1 = x1 > s1 ? x1 : s1;
            s2 = x2 > s2 ? x2 : s2;
            s3 = x3 > s3 ? x3 : s3;
        }
        for (; j < end; j++) {
            float x = a[j];
            s0 = x > s0 ? x : s0;
        }
        return Math.max(Math.max(s0, s1), Math.max(s2, s3));
    }

    private static float sumF(float[] a, int from, int n) {
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        int j = from, end = from + n, end4 = from + (n & ~3);
        for (; j < end4; j += 4) {
            s0 += a[j];
            s1 += a[j + 1];
            s2 += a[j + 2];
            s3 += a[j + 3];
        }
        for (; j < end; j++) {
            s0 += a[j];
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static float sumSqDevF(float[] a, int from, int n, float mu) {
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        int j = from, end = from + n, end4 = from + (n & ~3);
        for (; j < end4; j += 4) {
            float d0 = a[j] - mu, d1 = a[j + 1] - mu, d2 = a[j + 2] - mu, d3 = a[j + 3] - mu;
            s0 = Math.fma(d0, d0, s0);
            s1 = Math.fma(d1, d1, s1);
            s2 = Math.fma(d2, d2, s2);
            s3 = Math.fma(d3, d3, s3);
        }
        for (; j < end; j++) {
            float d = a[j] - mu;
            s0 = Math.fma(d, d, s0);
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static float dotF(float[] a, float[] b, int from, int n) {
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        int j = from, end = from + n, end4 = from + (n & ~3);
        for (; j < end4; j += 4) {
            s0 = Math.fma(a[j], b[j], s0);
            s1 = Math.fma(a[j + 1], b[j + 1], s1);
            s2 = Math.fma(a[j + 2], b[j + 2], s2);
            s3 = Math.fma(a[j + 3], b[j + 3], s3);
        }
        for (; j < end; j++) {
            s0 = Math.fma(a[j], b[j], s0);
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static double sumD(double[] a, int from, int n) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int j = from, end = from + n, end4 = from + (n & ~3);
        for (; j < end4; j += 4) {
            s0 += a[j];
            s1 += a[j + 1];
            s2 += a[j + 2];
            s3 += a[j + 3];
        }
        for (; j < end; j++) {
            s0 += a[j];
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static double sumSqDevD(double[] a, int from, int n, double mu) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int j = from, end = from + n, end4 = from + (n & ~3);
        for (; j < end4; j += 4) {
            double d0 = a[j] - mu, d1 = a[j + 1] - mu, d2 = a[j + 2] - mu, d3 = a[j + 3] - mu;
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (; j < end; j++) {
            double d = a[j] - mu;
            s0 += d * d;
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static double dotD(double[] a, double[] b, int from, int n) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int j = from, end = from + n, end4 = from + (n & ~3);
        for (; j < end4; j += 4) {
            s0 += a[j] * b[j];
            s1 += a[j + 1] * b[j + 1];
            s2 += a[j + 2] * b[j + 2];
            s3 += a[j + 3] * b[j + 3];
        }
        for (; j < end; j++) {
            s0 += a[j] * b[j];
        }
        return (s0 + s1) + (s2 + s3);
    }

    // ------------------------------------------------------------------------------------------
    // AdamW
    // ------------------------------------------------------------------------------------------

    /**
     * One AdamW step over flat FLOAT buffers in a single pass (see {@code optim.AdamW} for the
     * equations): {@code p -= decay * mask * p}, then {@code m = beta1 m + (1 - beta1) g},
     * {@code v = beta2 v + (1 - beta2) g^2}, {@code p -= lr * scale * m / (sqrt(v) + epsHat)}, with
     * the step's constants {@code scale = sqrt(1 - beta2^t) / (1 - beta1^t)} and
     * {@code epsHat = eps sqrt(1 - beta2^t)} computed by the caller. The four ND4J ops this replaces
     * (masked decay, decay axpy, {@code adam_updater}, update axpy) read and wrote the buffers 15
     * times; this reads five and writes three. {@code g} and {@code mask} are not written.
     */
    public static void adamWStep(INDArray p, INDArray g, INDArray mask, INDArray m, INDArray v, double decay, double lr,
                                 double beta1, double beta2, double scale, double epsHat) {
        check(p, g, mask, m, v);
        sameLength("adamWStep", p, g);
        sameLength("adamWStep", p, mask);
        sameLength("adamWStep", p, m);
        sameLength("adamWStep", p, v);
        if (p.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("adamWStep: FLOAT buffers only, got " + p.dataType());
        }
        int n = (int) p.length();
        FloatBuffer pb = floats(p), gb = floats(g), kb = floats(mask), mb = floats(m), vb = floats(v);
        int po = off(p), go = off(g), ko = off(mask), mo = off(m), vo = off(v);
        float fDecay = (float) decay, fLr = (float) lr, b1 = (float) beta1, b2 = (float) beta2;
        float c1 = (float) (1 - beta1), c2 = (float) (1 - beta2), fScale = (float) scale, fEps = (float) epsHat;
        parallel(n, chunks(n, PARALLEL_MIN), (from, to, c) -> {
            float[][] tiles = FTILES.get();
            float[] pt = tiles[0], gt = tiles[1], kt = tiles[2], mt = tiles[3], vt = tiles[4];
            for (int i0 = from; i0 < to; i0 += TILE) {
                int len = Math.min(TILE, to - i0);
                pb.get(po + i0, pt, 0, len);
                gb.get(go + i0, gt, 0, len);
                kb.get(ko + i0, kt, 0, len);
                mb.get(mo + i0, mt, 0, len);
                vb.get(vo + i0, vt, 0, len);
                adamWTileF(pt, gt, kt, mt, vt, len, fDecay, fLr, b1, b2, c1, c2, fScale, fEps);
                pb.put(po + i0, pt, 0, len);
                mb.put(mo + i0, mt, 0, len);
                vb.put(vo + i0, vt, 0, len);
            }
        });
    }

    private static void adamWTileF(float[] pt, float[] gt, float[] kt, float[] mt, float[] vt, int len, float decay, float lr,
                                   float b1, float b2, float c1, float c2, float scale, float eps) {
        for (int i = 0; i < len; i++) {
            float gi = gt[i];
            float pi = pt[i] - decay * (kt[i] * pt[i]);
            float mi = b1 * mt[i] + c1 * gi;
            float vi = b2 * vt[i] + c2 * (gi * gi);
            mt[i] = mi;
            vt[i] = vi;
            pt[i] = pi - lr * (scale * mi / ((float) Math.sqrt(vi) + eps));
        }
    }

    // ------------------------------------------------------------------------------------------
    // Softmax over rows
    // ------------------------------------------------------------------------------------------

    /** exp(v) - 1 = v E(v) on [-87/128, 0]: fitted polynomial E, relative error 2e-10. */
    private static final float E1 = 0.4999999701976776f, E2 = 0.16666613519191742f,
            E3 = 0.041661955416202545f, E4 = 0.008313204161822796f, E5 = 0.001344239804893732f,
            E6 = 0.00014795079187024385f;
    /** Arguments below this underflow float's normal range. */
    private static final float EXP_MIN = -87f;

    /** FLOAT exp for arguments {@code <= 0}, as in the softmax kernel (for tests). */
    static float expNonPositiveFloat(float v) {
        float[] t = {v};
        expNonPositiveTile(t, new float[1], 1);
        return t[0];
    }

    /**
     * exp(t) for t <= 0 in place ({@code lo} is work space): v = t / 128, 1 + q = exp(v) from a
     * polynomial, then seven squarings of the double-float pair (h, l) so that the squarings add
     * no error of their own (plain float squaring would multiply the relative error by 128).
     * Split into short passes because C2 does not vectorise a loop body this long.
     */
    private static void expNonPositiveTile(float[] t, float[] lo, int m) {
        for (int i = 0; i < m; i++) {
            float v = Math.max(t[i], EXP_MIN) * (1f / 128f);
            float q = v * Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(
                    E6, v, E5), v, E4), v, E3), v, E2), v, E1), v, 1f);
            float h = 1f + q;
            t[i] = h;
            lo[i] = q - (h - 1f);
        }
        squareTwice(t, lo, m);
        squareTwice(t, lo, m);
        squareTwice(t, lo, m);
        for (int i = 0; i < m; i++) {
            float h = t[i];
            float p = h * h;
            t[i] = p + Math.fma(h + h, lo[i], Math.fma(h, h, -p));
        }
    }

    /** (h + l) := (h + l)^4 in double-float arithmetic, element-wise. */
    private static void squareTwice(float[] hs, float[] ls, int m) {
        for (int i = 0; i < m; i++) {
            float h = hs[i], l = ls[i];
            float p = h * h;
            float e = Math.fma(h + h, l, Math.fma(h, h, -p));
            h = p + e;
            l = e - (h - p);
            p = h * h;
            e = Math.fma(h + h, l, Math.fma(h, h, -p));
            h = p + e;
            hs[i] = h;
            ls[i] = e - (h - p);
        }
    }

    /**
     * Softmax over the last dimension of {@code x [..., n]} into {@code y} (may alias x):
     * {@code y_ij = exp(x_ij - max_j x_ij) / sum_j exp(x_ij - max_j x_ij)}. Entries below max - 87
     * get probability exp(-87)-ish rather than 0 in FLOAT.
     */
    public static void softmaxRows(INDArray x, INDArray y) {
        check(x, y);
        sameLength("softmaxRows", x, y);
        int n = (int) x.size(x.rank() - 1);
        if (n <= 0 || x.length() == 0) {
            return;
        }
        int rows = (int) (x.length() / n);
        int rpt = rowsPerTile(n);
        if (x.dataType() == DataType.FLOAT) {
            FloatBuffer xb = floats(x), yb = floats(y);
            int xo = off(x), yo = off(y);
            parallel(rows, chunks(rows, Math.max(1, PARALLEL_MIN / n)), (from, to, c) -> {
                float[][] tiles = ftiles(rpt * n);
                float[] t = tiles[0], lo = tiles[1];
                for (int r0 = from; r0 < to; r0 += rpt) {
                    int nr = Math.min(rpt, to - r0);
                    int m = nr * n;
                    xb.get(xo + r0 * n, t, 0, m);
                    softmaxTileF(t, lo, nr, n, m);
                    yb.put(yo + r0 * n, t, 0, m);
                }
            });
        } else {
            DoubleBuffer xb = doubles(x), yb = doubles(y);
            int xo = off(x), yo = off(y);
            parallel(rows, chunks(rows, Math.max(1, PARALLEL_MIN / 8 / n)), (from, to, c) -> {
                double[] t = n <= TILE ? DTILES.get()[0] : new double[n];
                for (int r0 = from; r0 < to; r0 += rpt) {
                    int nr = Math.min(rpt, to - r0);
                    xb.get(xo + r0 * n, t, 0, nr * n);
                    softmaxTileD(t, nr, n);
                    yb.put(yo + r0 * n, t, 0, nr * n);
                }
            });
        }
    }

    /**
     * Writes the vector {@code v [cols]} into every row of {@code out} (any shape whose last dim
     * is {@code cols}). Linear layers fill their output with the bias this way and let the GEMM
     * add the product ({@code beta = 1}): that replaces both OpenBLAS' zeroing pass of
     * {@code beta = 0} and a broadcast add over the output (a Linear [3136, 128] -> 512 forward:
     * 1.48 ms against 1.84 ms with ND4J's {@code addiRowVector} after the GEMM; JMH,
     * {@code GemmBenchmark} in benchmarks/).
     */
    public static void fillRows(INDArray v, INDArray out) {
        check(v, out);
        int cols = (int) v.length();
        if (cols == 0 || out.length() % cols != 0 || out.size(out.rank() - 1) != cols) {
            throw new IllegalArgumentException("fillRows: rows of " + Arrays.toString(out.shape()) + " do not have the "
                    + cols + " elements of the vector");
        }
        int rows = (int) (out.length() / cols);
        int oo = off(out);
        if (v.dataType() == DataType.FLOAT) {
            float[] vals = readF(v);
            FloatBuffer ob = floats(out);
            parallel(rows, chunks(rows, Math.max(1, PARALLEL_MIN / cols)), (from, to, c) -> {
                for (int r = from; r < to; r++) {
                    ob.put(oo + r * cols, vals, 0, cols);
                }
            });
        } else {
            double[] vals = readD(v);
            DoubleBuffer ob = doubles(out);
            parallel(rows, chunks(rows, Math.max(1, PARALLEL_MIN / cols)), (from, to, c) -> {
                for (int r = from; r < to; r++) {
                    ob.put(oo + r * cols, vals, 0, cols);
                }
            });
        }
    }

    /**
     * Attention's head split: {@code src [B, N, P, H, hd]} (token rows of P projections of H heads,
     * c-order) into {@code dst [P, B, H, N, hd]}, or back when {@code toHeads} is false, as a copy
     * of contiguous {@code hd}-element runs. Measured on [64, 49, 3, 4, 32] float: 0.5-1.0 ms
     * against 0.9-2.1 ms for ND4J's assign from the permuted view.
     */
    public static void permuteHeads(INDArray src, INDArray dst, long b, long n, long parts, long heads, boolean toHeads) {
        check(src, dst);
        sameLength("permuteHeads", src, dst);
        if (src.length() % (b * n * parts * heads) != 0) {
            throw new IllegalArgumentException("permuteHeads: " + Arrays.toString(src.shape()) + " is not [" + b + ", " + n
                    + ", " + parts + ", " + heads + ", hd]");
        }
        int hd = (int) (src.length() / (b * n * parts * heads));
        int nb = (int) b;
        int so = off(src), dof = off(dst);
        int grain = Math.max(1, PARALLEL_MIN / (int) (src.length() / b));
        if (src.dataType() == DataType.FLOAT) {
            FloatBuffer sb = floats(src), db = floats(dst);
            parallel(nb, chunks(nb, grain), (from, to, c) -> {
                float[] run = new float[hd];
                headRuns(from, to, nb, (int) n, (int) parts, (int) heads, hd, toHeads, (s, d) -> {
                    sb.get(so + s, run, 0, hd);
                    db.put(dof + d, run, 0, hd);
                });
            });
        } else {
            DoubleBuffer sb = doubles(src), db = doubles(dst);
            parallel(nb, chunks(nb, grain), (from, to, c) -> {
                double[] run = new double[hd];
                headRuns(from, to, nb, (int) n, (int) parts, (int) heads, hd, toHeads, (s, d) -> {
                    sb.get(so + s, run, 0, hd);
                    db.put(dof + d, run, 0, hd);
                });
            });
        }
    }

    @FunctionalInterface
    private interface RunCopy {
        void copy(int srcOffset, int dstOffset);
    }

    /** The hd-element runs of batch items [from, to) of {@link #permuteHeads}: source and destination offsets. */
    private static void headRuns(int from, int to, int b, int n, int parts, int heads, int hd, boolean toHeads, RunCopy copy) {
        int rowLen = parts * heads * hd;
        for (int bb = from; bb < to; bb++) {
            for (int t = 0; t < n; t++) {
                for (int p = 0; p < parts; p++) {
                    for (int h = 0; h < heads; h++) {
                        int token = (bb * n + t) * rowLen + (p * heads + h) * hd;
                        int head = (((p * b + bb) * heads + h) * n + t) * hd;
                        if (toHeads) {
                            copy.copy(token, head);
                        } else {
                            copy.copy(head, token);
                        }
                    }
                }
            }
        }
    }

    /**
     * Softmax backward over the last dimension: {@code dx = p * (g - sum_j(g * p))} per row, from
     * the forward output {@code p} and {@code gradOut}; {@code dx} may alias {@code gradOut}.
     */
    public static void softmaxRowsBackward(INDArray p, INDArray gradOut, INDArray dx) {
        check(p, gradOut, dx);
        sameLength("softmaxRowsBackward", p, gradOut);
        sameLength("softmaxRowsBackward", p, dx);
        int n = (int) p.size(p.rank() - 1);
        if (n <= 0 || p.length() == 0) {
            return;
        }
        int rows = (int) (p.length() / n);
        int rpt = rowsPerTile(n);
        if (p.dataType() == DataType.FLOAT) {
            FloatBuffer pb = floats(p), gb = floats(gradOut), db = floats(dx);
            int po = off(p), go = off(gradOut), dxo = off(dx);
            parallel(rows, chunks(rows, Math.max(1, PARALLEL_MIN / n)), (from, to, c) -> {
                float[][] tiles = FTILES.get();
                boolean big = n > TILE;
                float[] pt = big ? new float[n] : tiles[0];
                float[] gt = big ? new float[n] : tiles[1];
                for (int r0 = from; r0 < to; r0 += rpt) {
                    int nr = Math.min(rpt, to - r0);
                    pb.get(po + r0 * n, pt, 0, nr * n);
                    gb.get(go + r0 * n, gt, 0, nr * n);
                    softmaxBackwardTileF(pt, gt, nr, n);
                    db.put(dxo + r0 * n, gt, 0, nr * n);
                }
            });
        } else {
            DoubleBuffer pb = doubles(p), gb = doubles(gradOut), db = doubles(dx);
            int po = off(p), go = off(gradOut), dxo = off(dx);
            parallel(rows, chunks(rows, Math.max(1, PARALLEL_MIN / n)), (from, to, c) -> {
                double[][] tiles = DTILES.get();
                boolean big = n > TILE;
                double[] pt = big ? new double[n] : tiles[0];
                double[] gt = big ? new double[n] : tiles[1];
                for (int r0 = from; r0 < to; r0 += rpt) {
                    int nr = Math.min(rpt, to - r0);
                    pb.get(po + r0 * n, pt, 0, nr * n);
                    gb.get(go + r0 * n, gt, 0, nr * n);
                    softmaxBackwardTileD(pt, gt, nr, n);
                    db.put(dxo + r0 * n, gt, 0, nr * n);
                }
            });
        }
    }

    // Tile bodies (kept out of the lambdas so that C2 compiles them as hot methods).

    /** LayerNorm forward of {@code nr} rows in a tile (separate method: C2 compiles it fully, not OSR). */
    private static void layerNormTileF(float[] t, float[] gT, float[] bT, boolean affine, int nr, int dim,
                                       float epsF, float[] ms, float[] rs) {
        for (int r = 0; r < nr; r++) {
            int base = r * dim, end = base + dim;
            float mu = sumF(t, base, dim) / dim;
            float var = sumSqDevF(t, base, dim, mu) / dim;
            float inv = (float) (1.0 / Math.sqrt((double) var + epsF));
            ms[r] = mu;
            rs[r] = inv;
            if (!affine) {
                for (int j = base; j < end; j++) {
                    t[j] = (t[j] - mu) * inv;
                }
            } else {
                for (int j = base; j < end; j++) {
                    t[j] = Math.fma((t[j] - mu) * inv, gT[j], bT[j]);
                }
            }
        }
    }

    private static void layerNormTileD(double[] t, double[] g, double[] b, int nr, int dim, double eps,
                                       double[] ms, double[] rs) {
        for (int r = 0; r < nr; r++) {
            int base = r * dim;
            double mu = sumD(t, base, dim) / dim;
            double var = sumSqDevD(t, base, dim, mu) / dim;
            double inv = 1.0 / Math.sqrt(var + eps);
            ms[r] = mu;
            rs[r] = inv;
            if (g == null) {
                for (int j = 0; j < dim; j++) {
                    t[base + j] = (t[base + j] - mu) * inv;
                }
            } else {
                for (int j = 0; j < dim; j++) {
                    t[base + j] = (t[base + j] - mu) * inv * g[j] + b[j];
                }
            }
        }
    }

    /** LayerNorm backward of {@code nr} rows in a tile; dx replaces {@code gt}. */
    private static void layerNormBackwardTileF(float[] xt, float[] gt, float[] ght, float[] gT, float[] accGx,
                                               float[] accG, boolean affine, int nr, int dim, float[] ms, float[] rs) {
        for (int r = 0; r < nr; r++) {
            int base = r * dim, end = base + dim;
            float mu = ms[r], inv = rs[r];
            for (int j = base; j < end; j++) {
                xt[j] = (xt[j] - mu) * inv;          // xhat
            }
        }
        float[] gh = gt;
        if (affine) {
            for (int i = 0, m = nr * dim; i < m; i++) {
                float gv = gt[i];
                accGx[i] = Math.fma(gv, xt[i], accGx[i]);
                accG[i] += gv;
                ght[i] = gv * gT[i];
            }
            gh = ght;
        }
        for (int r = 0; r < nr; r++) {
            int base = r * dim, end = base + dim;
            float inv = rs[r];
            float a = sumF(gh, base, dim) / dim;
            float bb = dotF(gh, xt, base, dim) / dim;
            for (int j = base; j < end; j++) {
                gt[j] = inv * (gh[j] - a - xt[j] * bb);
            }
        }
    }

    private static void layerNormBackwardTileD(double[] xt, double[] gt, double[] ght, double[] gam, double[] sums,
                                               boolean affine, int nr, int dim, double[] ms, double[] rs) {
        for (int r = 0; r < nr; r++) {
            int base = r * dim;
            double mu = ms[r], inv = rs[r];
            for (int j = 0; j < dim; j++) {
                xt[base + j] = (xt[base + j] - mu) * inv;
            }
            if (affine) {
                for (int j = 0; j < dim; j++) {
                    double gv = gt[base + j];
                    sums[j] += gv * xt[base + j];
                    sums[dim + j] += gv;
                    ght[base + j] = gv * gam[j];
                }
            } else {
                System.arraycopy(gt, base, ght, base, dim);
            }
            double a = sumD(ght, base, dim) / dim;
            double bb = dotD(ght, xt, base, dim) / dim;
            for (int j = 0; j < dim; j++) {
                gt[base + j] = inv * (ght[base + j] - a - xt[base + j] * bb);
            }
        }
    }

    /** Softmax of {@code nr} rows of length {@code n} in a tile, in place. */
    private static void softmaxTileF(float[] t, float[] lo, int nr, int n, int m) {
        for (int r = 0; r < nr; r++) {
            int base = r * n, end = base + n;
            float mx;
            if (n >= SPLIT_MAX_MIN) {
                mx = maxF(t, base, n);
            } else {
                mx = Float.NEGATIVE_INFINITY;
                for (int j = base; j < end; j++) {
                    mx = Math.max(mx, t[j]);
                }
            }
            for (int j = base; j < end; j++) {
                t[j] -= mx;
            }
        }
        expNonPositiveTile(t, lo, m);
        for (int r = 0; r < nr; r++) {
            int base = r * n, end = base + n;
            float inv = 1f / sumF(t, base, n);
            for (int j = base; j < end; j++) {
                t[j] *= inv;
            }
        }
    }

    private static void softmaxTileD(double[] t, int nr, int n) {
        for (int r = 0; r < nr; r++) {
            int base = r * n;
            double mx = Double.NEGATIVE_INFINITY;
            for (int j = base; j < base + n; j++) {
                mx = Math.max(mx, t[j]);
            }
            double s = 0;
            for (int j = base; j < base + n; j++) {
                double e = Math.exp(t[j] - mx);
                t[j] = e;
                s += e;
            }
            double inv = 1.0 / s;
            for (int j = base; j < base + n; j++) {
                t[j] *= inv;
            }
        }
    }

    private static void softmaxBackwardTileF(float[] pt, float[] gt, int nr, int n) {
        for (int r = 0; r < nr; r++) {
            int base = r * n;
            float s = dotF(pt, gt, base, n);
            for (int j = base; j < base + n; j++) {
                gt[j] = pt[j] * (gt[j] - s);
            }
        }
    }

    private static void softmaxBackwardTileD(double[] pt, double[] gt, int nr, int n) {
        for (int r = 0; r < nr; r++) {
            int base = r * n;
            double s = dotD(pt, gt, base, n);
            for (int j = base; j < base + n; j++) {
                gt[j] = pt[j] * (gt[j] - s);
            }
        }
    }
}
