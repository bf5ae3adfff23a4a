package io.github.jepa4j.core.optim;

/**
 * Fixed AdamW hyper-parameters; the learning rate and weight decay are passed to each
 * {@link AdamW#step} because they follow schedules.
 *
 * @param beta1 first-moment decay in [0, 1), default 0.9
 * @param beta2 second-moment decay in [0, 1), default 0.999
 * @param eps   denominator term added to the bias-corrected {@code sqrt(v)} (PyTorch placement),
 *              {@code > 0}, default 1e-8
 */
public record AdamWConfig(double beta1, double beta2, double eps) {
    public static final double DEFAULT_BETA1 = 0.9;
    public static final double DEFAULT_BETA2 = 0.999;
    public static final double DEFAULT_EPS = 1e-8;

    public AdamWConfig {
        if (!(beta1 >= 0.0 && beta1 < 1.0)) {
            throw new IllegalArgumentException("AdamW beta1 must be in [0, 1), got " + beta1);
        }
        if (!(beta2 >= 0.0 && beta2 < 1.0)) {
            throw new IllegalArgumentException("AdamW beta2 must be in [0, 1), got " + beta2);
        }
        if (!(eps > 0.0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("AdamW eps must be positive and finite, got " + eps);
        }
    }

    /** PyTorch's defaults: beta1 0.9, beta2 0.999, eps 1e-8. */
    public static AdamWConfig defaults() {
        return new AdamWConfig(DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPS);
    }

    public AdamWConfig withBetas(double b1, double b2) {
        return new AdamWConfig(b1, b2, eps);
    }

    public AdamWConfig withEps(double e) {
        return new AdamWConfig(beta1, beta2, e);
    }
}
