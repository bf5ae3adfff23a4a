package io.github.jepa4j.core.optim;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Gradient clipping by global L2 norm, as PyTorch's {@code torch.nn.utils.clip_grad_norm_}
 * (used by I-JEPA and V-JEPA with max norm 1 or 10).
 *
 * <p>With {@code n = ||g||_2} over the whole flat gradient buffer and
 * {@code c = maxNorm / (n + 1e-6)}, the gradient is scaled in place by {@code c} when
 * {@code c < 1}, i.e. (up to PyTorch's 1e-6) when the norm exceeds {@code maxNorm}; otherwise it
 * is left untouched.
 */
public final class GradClip {
    /** PyTorch's guard against division by zero in the clip coefficient. */
    static final double NORM_EPS = 1e-6;

    private GradClip() {}

    /**
     * Clips {@code grads} (any shape, typically {@code ParamStore.grads()}) in place to global
     * L2 norm {@code maxNorm}.
     *
     * @return the norm before clipping; when it is not finite (NaN or infinite gradients) the
     *     gradients are left unchanged, so the caller can detect it and skip the step
     */
    public static double clipGlobalNorm(INDArray grads, double maxNorm) {
        if (!(maxNorm > 0.0) || Double.isInfinite(maxNorm)) {
            throw new IllegalArgumentException("maxNorm must be positive and finite, got " + maxNorm);
        }
        if (!grads.dataType().isFPType()) {
            throw new IllegalArgumentException("gradients must be floating point, got " + grads.dataType());
        }
        double norm = grads.norm2Number().doubleValue();
        if (!Double.isFinite(norm)) {
            return norm;
        }
        double coef = maxNorm / (norm + NORM_EPS);
        if (coef < 1.0) {
            grads.muli(coef);
        }
        return norm;
    }
}
