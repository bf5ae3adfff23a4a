package io.github.jepa4j.regularizers.anticollapse;

import io.github.jepa4j.regularizers.loss.ByolLoss;

/**
 * Settings of {@link EmaDistillation}.
 *
 * @param hidden hidden width of the predictor head {@code Linear-BN-ReLU-Linear}; 0 = 4x the
 *               embedding width (BYOL: 4096 for 256-d projections, i.e. 16x)
 * @param eps    floor on the row norms in the cosine (PyTorch {@code F.normalize}: 1e-12)
 */
public record EmaDistillationConfig(int hidden, double eps) {
    /** Predictor hidden width per embedding dimension when {@code hidden == 0}. */
    public static final int DEFAULT_EXPANSION = 4;

    public EmaDistillationConfig {
        if (hidden < 0) {
            throw new IllegalArgumentException("EmaDistillationConfig: hidden must be >= 0 (0 = 4x the embedding width), got " + hidden);
        }
        Inputs.requirePositive("EmaDistillationConfig", "eps", eps);
    }

    /** Hidden width 4x the embedding width, eps 1e-12. */
    public static EmaDistillationConfig defaults() {
        return new EmaDistillationConfig(0, ByolLoss.DEFAULT_EPS);
    }

    public EmaDistillationConfig withHidden(int h) {
        return new EmaDistillationConfig(h, eps);
    }

    /** The predictor's hidden width for embeddings of width {@code dim}. */
    public int hiddenFor(int dim) {
        return hidden > 0 ? hidden : DEFAULT_EXPANSION * dim;
    }
}
