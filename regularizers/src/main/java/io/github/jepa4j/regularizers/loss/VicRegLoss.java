package io.github.jepa4j.regularizers.loss;

import io.github.jepa4j.core.tensor.Gemm;
import io.github.jepa4j.regularizers.Embeddings;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * VICReg: Variance-Invariance-Covariance Regularization (Bardes, Ponce and LeCun, ICLR 2022,
 * eqs. 1-6), on two branches {@code x, y} of shape {@code [N, D]}.
 *
 * <pre>
 *   inv  = (1 / (N D)) sum_{n,j} (x_nj - y_nj)^2                          (mean squared error)
 *   v(z) = (1 / D) sum_j relu(1 - sqrt(Var_j(z) + eps))                   (Var unbiased, over the batch)
 *   c(z) = (1 / D) sum_{i != j} Cov(z)_ij^2,  Cov(z) = zc^T zc / (N - 1)   (zc = z minus its batch mean)
 *   var  = (v(x) + v(y)) / 2,   cov = c(x) + c(y)
 *   total = sim * inv + std * var + cov_coeff * cov
 * </pre>
 *
 * Defaults are the paper's: {@code sim = 25}, {@code std = 25}, {@code cov = 1}, {@code eps = 1e-4}.
 * The hinge target 1 is the paper's gamma. {@link #varianceCovariance} is the single-branch
 * regulariser {@code std * v(z) + cov_coeff * c(z)} (no invariance term), e.g. V-JEPA's optional
 * variance hinge on predictor outputs.
 *
 * <p>Analytic gradients, with {@code s_j = sqrt(Var_j + eps)} and {@code Off = Cov} with a zero
 * diagonal: {@code d inv / dx = 2 (x - y) / (N D)}; {@code d v / dz = zc diag(g)} with
 * {@code g_j = -[s_j < 1] / (D s_j (N - 1))}; {@code d c / dz = 4 zc Off / (D (N - 1))}. (The
 * batch-mean terms drop out because the columns of {@code zc} sum to zero.) Both regulariser
 * gradients are one product {@code zc (a Off + diag(b g))}. Terms are reported as
 * {@code invariance}, {@code variance}, {@code covariance}.
 *
 * <p>Works in the input's data type; allocates the centred batch and a {@code D x D} matrix per
 * branch per call. Needs {@code N >= 2} (unbiased variance). Immutable and thread-safe.
 */
public final class VicRegLoss {
    public static final double DEFAULT_SIM_COEFF = 25.0;
    public static final double DEFAULT_STD_COEFF = 25.0;
    public static final double DEFAULT_COV_COEFF = 1.0;
    public static final double DEFAULT_EPS = 1e-4;

    private static final String OWNER = "VicRegLoss";
    private static final String WHY = "the unbiased variance over the batch needs N >= 2";

    private final double simCoeff;
    private final double stdCoeff;
    private final double covCoeff;
    private final double eps;

    /** The paper's defaults: 25, 25, 1 and eps 1e-4. */
    public VicRegLoss() {
        this(DEFAULT_SIM_COEFF, DEFAULT_STD_COEFF, DEFAULT_COV_COEFF, DEFAULT_EPS);
    }

    public VicRegLoss(double simCoeff, double stdCoeff, double covCoeff, double eps) {
        requireCoeff("simCoeff", simCoeff);
        requireCoeff("stdCoeff", stdCoeff);
        requireCoeff("covCoeff", covCoeff);
        if (!(eps > 0) || !Double.isFinite(eps)) {
            throw new IllegalArgumentException(OWNER + ": eps must be finite and > 0 (it keeps sqrt differentiable), got " + eps);
        }
        this.simCoeff = simCoeff;
        this.stdCoeff = stdCoeff;
        this.covCoeff = covCoeff;
        this.eps = eps;
    }

    public double simCoeff() {
        return simCoeff;
    }

    public double stdCoeff() {
        return stdCoeff;
    }

    public double covCoeff() {
        return covCoeff;
    }

    public double eps() {
        return eps;
    }

    /**
     * The two-branch VICReg loss of {@code x} and {@code y}, both {@code [N, D]} with {@code N >= 2}.
     * {@code gradA = d total / dx}, {@code gradB = d total / dy}.
     */
    public LossTerms compute(INDArray x, INDArray y) {
        x = Embeddings.requireMatrix(OWNER, "x", x, 2, WHY);
        y = Embeddings.requireMatrix(OWNER, "y", y, 2, WHY);
        Embeddings.requireSameShape(OWNER, "x", x, "y", y);
        long n = x.size(0);
        long d = x.size(1);
        INDArray gx = x.sub(y);
        double diffNorm = gx.norm2Number().doubleValue();
        double invariance = diffNorm * diffNorm / (n * d);
        gx.muli(2.0 * simCoeff / (n * d));
        INDArray gy = gx.neg();
        // Variance is averaged over the branches, so each branch's hinge gradient carries std / 2.
        double[] tx = addRegularizer(x, gx, 0.5 * stdCoeff, covCoeff);
        double[] ty = addRegularizer(y, gy, 0.5 * stdCoeff, covCoeff);
        double variance = 0.5 * (tx[0] + ty[0]);
        double covariance = tx[1] + ty[1];
        Map<String, Double> terms = new LinkedHashMap<>();
        terms.put("invariance", invariance);
        terms.put("variance", variance);
        terms.put("covariance", covariance);
        return new LossTerms(terms, simCoeff * invariance + stdCoeff * variance + covCoeff * covariance, gx, gy);
    }

    /**
     * The single-branch regulariser {@code std * v(z) + cov_coeff * c(z)} on {@code z [N, D]},
     * {@code N >= 2}: terms {@code variance} and {@code covariance}, {@code gradA = d total / dz},
     * {@code gradB = null}.
     */
    public LossTerms varianceCovariance(INDArray z) {
        z = Embeddings.requireMatrix(OWNER, "z", z, 2, WHY);
        INDArray g = Nd4j.zeros(z.dataType(), z.size(0), z.size(1));
        double[] t = addRegularizer(z, g, stdCoeff, covCoeff);
        Map<String, Double> terms = new LinkedHashMap<>();
        terms.put("variance", t[0]);
        terms.put("covariance", t[1]);
        return new LossTerms(terms, stdCoeff * t[0] + covCoeff * t[1], g, null);
    }

    /**
     * Computes {@code v(z)} and {@code c(z)} and adds {@code varScale * dv/dz + covScale * dc/dz}
     * into {@code grad} (c-order, same shape as z). Returns {@code {v, c}}.
     */
    private double[] addRegularizer(INDArray z, INDArray grad, double varScale, double covScale) {
        var dt = z.dataType();
        long n = z.size(0);
        int d = (int) z.size(1);
        INDArray zc = z.subRowVector(z.mean(0));
        INDArray m = Nd4j.createUninitialized(dt, d, d);
        Gemm.mm(zc, zc, m, true, false, 1.0 / (n - 1), 0.0);      // unbiased covariance
        double[] hingeGrad = new double[d];
        double variance = 0;
        for (int j = 0; j < d; j++) {
            double s = Math.sqrt(m.getDouble(j, j) + eps);
            double hinge = 1.0 - s;
            if (hinge > 0) {                                      // relu'(0) = 0, as in PyTorch
                variance += hinge;
                hingeGrad[j] = -varScale / (d * s * (n - 1));
            }
            m.putScalar(j, j, 0.0);
        }
        variance /= d;
        double offNorm = m.norm2Number().doubleValue();
        double covariance = offNorm * offNorm / d;
        // grad += zc (a Off + diag(hingeGrad)): both regulariser gradients in one product.
        m.muli(covScale * 4.0 / (d * (n - 1.0)));
        for (int j = 0; j < d; j++) {
            m.putScalar(j, j, hingeGrad[j]);
        }
        Gemm.mm(zc, m, grad, false, false, 1.0, 1.0);
        return new double[] {variance, covariance};
    }

    private static void requireCoeff(String name, double v) {
        if (!(v >= 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(OWNER + ": " + name + " must be finite and >= 0, got " + v);
        }
    }

    @Override
    public String toString() {
        return "VicRegLoss[sim=" + simCoeff + ", std=" + stdCoeff + ", cov=" + covCoeff + ", eps=" + eps + "]";
    }
}
