package io.github.jepa4j.regularizers.loss;

import io.github.jepa4j.regularizers.Embeddings;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * BYOL's normalised regression loss (Grill et al., NeurIPS 2020, eq. 2) between online predictions
 * {@code p} and stop-gradient target projections {@code z}, both {@code [N, D]}:
 *
 * <pre>
 *   L(p, z) = (1 / N) sum_n (2 - 2 cos(p_n, z_n)),   cos(p, z) = p.z / (max(|p|, eps) max(|z|, eps))
 * </pre>
 *
 * which equals the mean squared distance of the L2-normalised rows. {@code eps = 1e-12} as in
 * PyTorch's {@code F.normalize}. {@code z} is a target: only {@code dL/dp} is returned,
 * {@code dL/dp_n = -(2 / N) (zhat_n / |p_n| - cos_n p_n / |p_n|^2)} with {@code zhat = z / |z|}
 * (for {@code |p_n| < eps} the normalisation is linear and only the first term remains).
 *
 * <p>{@link #compute} reports one term, {@code regression}. {@link #symmetric} is the paper's
 * symmetrised loss over two views, {@code L(p1, z2) + L(p2, z1)}, with terms {@code view1}
 * ({@code L(p1, z2)}) and {@code view2} ({@code L(p2, z1)}). Immutable and thread-safe.
 */
public final class ByolLoss {
    public static final double DEFAULT_EPS = 1e-12;

    private static final String OWNER = "ByolLoss";

    private final double eps;

    public ByolLoss() {
        this(DEFAULT_EPS);
    }

    public ByolLoss(double eps) {
        if (!(eps > 0) || !Double.isFinite(eps)) {
            throw new IllegalArgumentException(OWNER + ": eps must be finite and > 0, got " + eps);
        }
        this.eps = eps;
    }

    public double eps() {
        return eps;
    }

    /** {@code L(p, z)}; {@code gradA = dL/dp}, {@code gradB = null} (z is a stop-gradient target). */
    public LossTerms compute(INDArray p, INDArray z) {
        p = Embeddings.requireMatrix(OWNER, "p", p, 1, "");
        z = Embeddings.requireMatrix(OWNER, "z", z, 1, "");
        Embeddings.requireSameShape(OWNER, "p", p, "z", z);
        int n = (int) p.size(0);
        double[] pNorm = p.norm2(1).data().asDouble();
        double[] zNorm = z.norm2(1).data().asDouble();
        double[] dot = p.mul(z).sum(1).data().asDouble();
        double[] zCoeff = new double[n];
        double[] pCoeff = new double[n];
        double loss = 0;
        for (int i = 0; i < n; i++) {
            double dp = Math.max(pNorm[i], eps);
            double dz = Math.max(zNorm[i], eps);
            double cos = dot[i] / (dp * dz);
            loss += 2 - 2 * cos;
            zCoeff[i] = -2.0 / (n * dp * dz);
            // Below eps the row is divided by the constant eps, which has no derivative.
            pCoeff[i] = pNorm[i] > eps ? 2.0 * cos / (n * dp * dp) : 0.0;
        }
        loss /= n;
        var dt = p.dataType();
        INDArray grad = z.mulColumnVector(Nd4j.createFromArray(zCoeff).castTo(dt));
        grad.addi(p.mulColumnVector(Nd4j.createFromArray(pCoeff).castTo(dt)));
        Map<String, Double> terms = new LinkedHashMap<>();
        terms.put("regression", loss);
        return new LossTerms(terms, loss, grad, null);
    }

    /**
     * The symmetrised loss {@code L(p1, z2) + L(p2, z1)} for two views: {@code p1, p2} are the online
     * predictions of views 1 and 2, {@code z1, z2} the targets of views 1 and 2.
     * {@code gradA = d total / d p1}, {@code gradB = d total / d p2}.
     */
    public LossTerms symmetric(INDArray p1, INDArray z2, INDArray p2, INDArray z1) {
        LossTerms first = compute(p1, z2);
        LossTerms second = compute(p2, z1);
        Map<String, Double> terms = new LinkedHashMap<>();
        terms.put("view1", first.total());
        terms.put("view2", second.total());
        return new LossTerms(terms, first.total() + second.total(), first.gradA(), second.gradA());
    }

    @Override
    public String toString() {
        return "ByolLoss[eps=" + eps + "]";
    }
}
