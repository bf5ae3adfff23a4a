package io.github.jepa4j.regularizers.loss;

import io.github.jepa4j.core.tensor.Gemm;
import io.github.jepa4j.regularizers.Embeddings;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * SIGReg, Sketched Isotropic Gaussian Regularisation (Balestriero and LeCun, "LeJEPA: Provable and
 * Scalable Self-Supervised Learning Without the Heuristics", 2025): pushes embeddings
 * {@code z [N, D]} towards an isotropic standard Gaussian by testing random 1-D projections with
 * the Epps-Pulley statistic.
 *
 * <p>Each call draws {@code M} unit directions {@code A = [a_1 .. a_M]} ({@code [D, M]}, Gaussian
 * columns divided by their L2 norm), projects {@code x = z a_m} ({@code [N]}) and computes
 *
 * <pre>
 *   T(x) = N * sum_{k=0}^{K-1} w_k [ (Cbar_k - phi_k)^2 + Sbar_k^2 ]
 *   Cbar_k = (1/N) sum_n cos(t_k x_n),  Sbar_k = (1/N) sum_n sin(t_k x_n),  phi_k = exp(-t_k^2 / 2)
 *   t_k = k * tMax / (K - 1),  w_k = c_k * dt * phi_k,  dt = tMax / (K - 1),  c_0 = c_{K-1} = 1, else c_k = 2
 *   loss = (1 / M) sum_m T(z a_m)
 * </pre>
 *
 * This is {@code N * integral_{-tMax}^{tMax} |phi_emp(t) - phi(t)|^2 phi(t) dt} by the trapezoid rule
 * on {@code [0, tMax]}, doubled because the integrand is even (the reference implementation's
 * weights: {@code 2 dt} inside, {@code dt} at the ends, times {@code exp(-t^2/2)}). The statistic
 * is scaled by {@code N}, so for a standard-normal sample it stays O(1) (about 1.05 in expectation
 * at the defaults) while for a collapsed sample it grows like {@code N}. Defaults, as in the
 * reference: {@code M = 256} directions, {@code K = 17} nodes, {@code tMax = 3}.
 *
 * <p>Gradient: {@code dT/dx_n = 2 sum_k w_k t_k (Sbar_k cos(t_k x_n) - (Cbar_k - phi_k) sin(t_k x_n))},
 * then {@code dL/dz = (1/M) G A^T} with {@code G[n, m] = dT_m / dx_n}. The nodes are equally spaced,
 * so {@code cos(t_k x), sin(t_k x)} come from one {@code cos, sin} pair per entry by the angle-addition
 * recurrence. The statistic is accumulated in double whatever the input type.
 *
 * <p>Directions: call number {@code c} (counting from 0, one per {@link #compute(INDArray)}) draws
 * from {@code new SplittableRandom(mix)}, {@code mix = new SplittableRandom(seed + c * 0x9E3779B97F4A7C15L).nextLong()},
 * filling {@code A} row-major with {@code nextGaussian()}; so directions are deterministic given the
 * seed and the call count ({@link #setCallCount} restores it on resume). Not thread-safe for
 * concurrent {@code compute(z)} calls that need a reproducible order.
 */
public final class SigRegLoss {
    public static final int DEFAULT_DIRECTIONS = 256;
    public static final int DEFAULT_KNOTS = 17;
    public static final double DEFAULT_T_MAX = 3.0;

    private static final String OWNER = "SigRegLoss";
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private final long seed;
    private final int directions;
    private final double tMax;
    private final double dt;
    private final double[] t;
    private final double[] phi;
    private final double[] w;
    private final AtomicLong calls = new AtomicLong();

    /** The reference defaults: 256 directions, 17 nodes on [0, 3]. */
    public SigRegLoss(long seed) {
        this(seed, DEFAULT_DIRECTIONS, DEFAULT_KNOTS, DEFAULT_T_MAX);
    }

    public SigRegLoss(long seed, int directions, int knots, double tMax) {
        if (directions < 1) {
            throw new IllegalArgumentException(OWNER + ": needs at least 1 direction, got " + directions);
        }
        if (knots < 2) {
            throw new IllegalArgumentException(OWNER + ": the trapezoid rule needs at least 2 knots, got " + knots);
        }
        if (!(tMax > 0) || !Double.isFinite(tMax)) {
            throw new IllegalArgumentException(OWNER + ": tMax must be finite and > 0, got " + tMax);
        }
        this.seed = seed;
        this.directions = directions;
        this.tMax = tMax;
        this.dt = tMax / (knots - 1);
        this.t = new double[knots];
        this.phi = new double[knots];
        this.w = new double[knots];
        for (int k = 0; k < knots; k++) {
            t[k] = k * dt;
            phi[k] = Math.exp(-0.5 * t[k] * t[k]);
            w[k] = (k == 0 || k == knots - 1 ? dt : 2 * dt) * phi[k];
        }
    }

    public long seed() {
        return seed;
    }

    public int directions() {
        return directions;
    }

    public int knots() {
        return t.length;
    }

    public double tMax() {
        return tMax;
    }

    /** The integration nodes {@code t_k}. */
    public double[] nodes() {
        return t.clone();
    }

    /** The quadrature weights {@code w_k} (symmetry factor and {@code exp(-t^2/2)} included). */
    public double[] weights() {
        return w.clone();
    }

    /** How many times {@link #compute(INDArray)} has drawn directions. */
    public long callCount() {
        return calls.get();
    }

    /** Sets the call counter, e.g. to continue a resumed run with the directions it would have drawn. */
    public void setCallCount(long count) {
        if (count < 0) {
            throw new IllegalArgumentException(OWNER + ": call count must be >= 0, got " + count);
        }
        calls.set(count);
    }

    /** The unit directions {@code [dim, M]} of call number {@code call}, in {@code dtype}. */
    public INDArray directionsForCall(long call, int dim, DataType dtype) {
        if (dim < 1) {
            throw new IllegalArgumentException(OWNER + ": dim must be >= 1, got " + dim);
        }
        if ((long) dim * directions > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(OWNER + ": dim * directions = " + dim + " * " + directions + " is too large");
        }
        SplittableRandom rng = new SplittableRandom(new SplittableRandom(seed + call * GOLDEN_GAMMA).nextLong());
        double[] a = new double[dim * directions];
        for (int i = 0; i < a.length; i++) {
            a[i] = rng.nextGaussian();
        }
        double[] norm = new double[directions];
        for (int i = 0; i < a.length; i++) {
            norm[i % directions] += a[i] * a[i];
        }
        for (int i = 0; i < a.length; i++) {
            a[i] /= Math.sqrt(norm[i % directions]);
        }
        return Nd4j.createFromArray(a).reshape('c', dim, directions).castTo(dtype);
    }

    /** SIGReg of {@code z [N, D]} on the next call's fresh directions; {@code gradA = dL/dz}, {@code gradB = null}. */
    public LossTerms compute(INDArray z) {
        z = Embeddings.requireMatrix(OWNER, "z", z, 1, "");
        INDArray a = directionsForCall(calls.getAndIncrement(), (int) z.size(1), z.dataType());
        return computeChecked(z, a);
    }

    /**
     * SIGReg of {@code z [N, D]} on the given directions {@code [D, M']} (used as they are: unit
     * columns are the caller's business); does not advance the call counter.
     */
    public LossTerms compute(INDArray z, INDArray directions) {
        z = Embeddings.requireMatrix(OWNER, "z", z, 1, "");
        if (directions == null || directions.rank() != 2 || directions.size(0) != z.size(1)) {
            throw new IllegalArgumentException(OWNER + ": directions must be [D, M] with D = " + z.size(1)
                    + " (z is " + Arrays.toString(z.shape()) + "), got "
                    + (directions == null ? "null" : Arrays.toString(directions.shape())));
        }
        Embeddings.requireFinite(OWNER, "directions", directions);
        return computeChecked(z, directions.castTo(z.dataType()).dup('c'));
    }

    private LossTerms computeChecked(INDArray z, INDArray a) {
        var dtype = z.dataType();
        int n = (int) z.size(0);
        int m = (int) a.size(1);
        int kn = t.length;
        INDArray proj = Nd4j.createUninitialized(dtype, n, m);
        Gemm.mm(z, a, proj, false, false);
        double[] x = proj.data().asDouble();

        // Pass 1: sums of cos(t_k x) and sin(t_k x) over the batch, per direction and node.
        double[] sumCos = new double[m * kn];
        double[] sumSin = new double[m * kn];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double v = x[i * m + j] * dt;
                double c1 = Math.cos(v);
                double s1 = Math.sin(v);
                double c = 1;
                double s = 0;
                int base = j * kn;
                for (int k = 0; k < kn; k++) {
                    sumCos[base + k] += c;
                    sumSin[base + k] += s;
                    double cNext = c * c1 - s * s1;              // cos((k+1) v), sin((k+1) v)
                    s = s * c1 + c * s1;
                    c = cNext;
                }
            }
        }
        // Statistic per direction, and the coefficients of its derivative in cos and sin.
        double loss = 0;
        double[] coefCos = new double[m * kn];
        double[] coefSin = new double[m * kn];
        for (int j = 0; j < m; j++) {
            double stat = 0;
            for (int k = 0; k < kn; k++) {
                int idx = j * kn + k;
                double cBar = sumCos[idx] / n - phi[k];
                double sBar = sumSin[idx] / n;
                stat += w[k] * (cBar * cBar + sBar * sBar);
                coefCos[idx] = 2 * w[k] * t[k] * sBar / m;
                coefSin[idx] = -2 * w[k] * t[k] * cBar / m;
            }
            loss += n * stat;
        }
        loss /= m;

        // Pass 2: dL/dx[n, m] = (1/M) dT_m/dx_n.
        double[] g = new double[n * m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double v = x[i * m + j] * dt;
                double c1 = Math.cos(v);
                double s1 = Math.sin(v);
                double c = 1;
                double s = 0;
                int base = j * kn;
                double acc = 0;
                for (int k = 0; k < kn; k++) {
                    acc += coefCos[base + k] * c + coefSin[base + k] * s;
                    double cNext = c * c1 - s * s1;
                    s = s * c1 + c * s1;
                    c = cNext;
                }
                g[i * m + j] = acc;
            }
        }
        INDArray gProj = Nd4j.createFromArray(g).reshape('c', n, m).castTo(dtype);
        INDArray grad = Nd4j.createUninitialized(dtype, n, z.size(1));
        Gemm.mm(gProj, a, grad, false, true);                     // dL/dz = G A^T
        Map<String, Double> terms = new LinkedHashMap<>();
        terms.put("epps_pulley", loss);
        return new LossTerms(terms, loss, grad, null);
    }

    @Override
    public String toString() {
        return "SigRegLoss[seed=" + seed + ", directions=" + directions + ", knots=" + t.length + ", tMax=" + tMax + "]";
    }
}
