package io.github.jepa4j.regularizers.anticollapse;

import io.github.jepa4j.regularizers.loss.BarlowTwinsLoss;

/**
 * Settings of {@link BarlowTwins}.
 *
 * @param lambda weight of the off-diagonal (redundancy) term (paper: 5e-3)
 * @param eps    of the per-dimension standardisation (batch norm: 1e-5)
 */
public record BarlowTwinsConfig(double lambda, double eps) {
    public BarlowTwinsConfig {
        Inputs.requireFiniteNonNegative("BarlowTwinsConfig", "lambda", lambda);
        Inputs.requirePositive("BarlowTwinsConfig", "eps", eps);
    }

    /** The paper's lambda 5e-3 and eps 1e-5. */
    public static BarlowTwinsConfig defaults() {
        return new BarlowTwinsConfig(BarlowTwinsLoss.DEFAULT_LAMBDA, BarlowTwinsLoss.DEFAULT_EPS);
    }
}
