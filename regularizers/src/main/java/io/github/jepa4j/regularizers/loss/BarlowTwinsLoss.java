package io.github.jepa4j.regularizers.loss;

import io.github.jepa4j.core.tensor.Gemm;
import io.github.jepa4j.regularizers.Embeddings;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Barlow Twins redundancy-reduction loss (Zbontar, Jing, Misra, LeCun and Deny, ICML 2021, eq. 1)
 * on two branches {@code za, zb} of shape {@code [N, D]}.
 *
 * <pre>
 *   a = standardise(za),  b = standardise(zb)        per dimension over the batch:
 *                                                     (z - mean) / sqrt(var_biased + eps)
 *   C = a^T b / N                                     [D, D] cross-correlation
 *   on  = sum_i (1 - C_ii)^2
 *   off = sum_{i != j} C_ij^2
 *   total = on + lambda * off
 * </pre>
 *
 * The standardisation is the paper's batch norm without affine parameters (PyTorch
 * {@code BatchNorm1d(affine=False)} in training mode: biased variance, {@code eps = 1e-5}).
 * Defaults: {@code lambda = 5e-3} (the paper), {@code eps = 1e-5}. Terms are reported as
 * {@code on_diagonal} and {@code off_diagonal} (unweighted).
 *
 * <p>Analytic gradients: with {@code G = dL/dC} ({@code G_ii = 2 (C_ii - 1)},
 * {@code G_ij = 2 lambda C_ij}), {@code dL/da = b G^T / N} and {@code dL/db = a G / N}; then through
 * the standardisation, per column with {@code r = 1 / sqrt(var + eps)}:
 * {@code dz = r (g - mean(g) - a * mean(g * a))}.
 *
 * <p>Works in the input's data type; allocates two standardised copies, one {@code D x D} matrix
 * and the gradients per call. Needs {@code N >= 2}. Immutable and thread-safe.
 */
public final class BarlowTwinsLoss {
    public static final double DEFAULT_LAMBDA = 5e-3;
    public static final double DEFAULT_EPS = 1e-5;

    private static final String OWNER = "BarlowTwinsLoss";
    private static final String WHY = "standardising each dimension over the batch needs N >= 2";

    private final double lambda;
    private final double eps;

    /** The paper's {@code lambda = 5e-3} and batch norm's {@code eps = 1e-5}. */
    public BarlowTwinsLoss() {
        this(DEFAULT_LAMBDA, DEFAULT_EPS);
    }

    public BarlowTwinsLoss(double lambda, double eps) {
        if (!(lambda >= 0) || !Double.isFinite(lambda)) {
            throw new IllegalArgumentException(OWNER + ": lambda must be finite and >= 0, got " + lambda);
        }
        if (!(eps > 0) || !Double.isFinite(eps)) {
            throw new IllegalArgumentException(OWNER + ": eps must be finite and > 0, got " + eps);
        }
        this.lambda = lambda;
        this.eps = eps;
    }

    public double lambda() {
        return lambda;
    }

    public double eps() {
        return eps;
    }

    /** The loss of {@code za, zb [N, D]}; {@code gradA = d total / d za}, {@code gradB = d total / d zb}. */
    public LossTerms compute(INDArray za, INDArray zb) {
        za = Embeddings.requireMatrix(OWNER, "za", za, 2, WHY);
        zb = Embeddings.requireMatrix(OWNER, "zb", zb, 2, WHY);
        Embeddings.requireSameShape(OWNER, "za", za, "zb", zb);
        var dt = za.dataType();
        long n = za.size(0);
        int d = (int) za.size(1);
        INDArray rstdA = Nd4j.createUninitialized(dt, d);
        INDArray rstdB = Nd4j.createUninitialized(dt, d);
        INDArray a = standardise(za, rstdA);
        INDArray b = standardise(zb, rstdB);

        INDArray g = Nd4j.createUninitialized(dt, d, d);
        Gemm.mm(a, b, g, true, false, 1.0 / n, 0.0);               // C
        double on = 0;
        double[] diagGrad = new double[d];
        for (int i = 0; i < d; i++) {
            double cii = g.getDouble(i, i);
            on += (1 - cii) * (1 - cii);
            diagGrad[i] = 2 * (cii - 1);
            g.putScalar(i, i, 0.0);
        }
        // Off-diagonal sum from the zeroed matrix, not ||C||^2 - sum C_ii^2 (cancellation).
        double offNorm = g.norm2Number().doubleValue();
        double off = offNorm * offNorm;
        g.muli(2 * lambda);                                          // G = dL/dC
        for (int i = 0; i < d; i++) {
            g.putScalar(i, i, diagGrad[i]);
        }
        INDArray gradA = Nd4j.createUninitialized(dt, n, d);
        INDArray gradB = Nd4j.createUninitialized(dt, n, d);
        Gemm.mm(b, g, gradA, false, true, 1.0 / n, 0.0);           // dL/da = b G^T / N
        Gemm.mm(a, g, gradB, false, false, 1.0 / n, 0.0);          // dL/db = a G / N
        standardiseBackward(gradA, a, rstdA);
        standardiseBackward(gradB, b, rstdB);

        Map<String, Double> terms = new LinkedHashMap<>();
        terms.put("on_diagonal", on);
        terms.put("off_diagonal", off);
        return new LossTerms(terms, on + lambda * off, gradA, gradB);
    }

    /** A new array {@code (z - mean) * rstd}, with {@code rstd = 1 / sqrt(var_biased + eps)} written into {@code rstd}. */
    private INDArray standardise(INDArray z, INDArray rstd) {
        INDArray zc = z.subRowVector(z.mean(0));
        INDArray norm = zc.norm2(0);
        rstd.assign(norm.muli(norm).divi(z.size(0)).addi(eps));
        Transforms.sqrt(rstd, false).rdivi(1.0);
        return zc.muliRowVector(rstd);
    }

    /** In place: {@code g <- rstd * (g - mean(g) - a * mean(g * a))}, column-wise over the batch. */
    private static void standardiseBackward(INDArray g, INDArray a, INDArray rstd) {
        INDArray meanG = g.mean(0);
        INDArray meanGA = g.mul(a).mean(0);
        g.subi(a.mulRowVector(meanGA)).subiRowVector(meanG).muliRowVector(rstd);
    }

    @Override
    public String toString() {
        return "BarlowTwinsLoss[lambda=" + lambda + ", eps=" + eps + "]";
    }
}
