package io.github.jepa4j.core.model;

/**
 * Configuration of the JEPA {@link Predictor}: a narrow transformer over the encoder's token grid.
 *
 * @param encoderDim width of the encoder tokens it reads and predicts
 * @param dim        predictor width (I-JEPA: 384 for ViT-H; here typically encoderDim / 2)
 * @param depth      transformer blocks
 * @param heads      attention heads (divides dim)
 * @param mlpHidden  MLP hidden width
 * @param lnEps      LayerNorm epsilon
 * @param gridT      token grid, time (1 for images)
 * @param gridH      token grid, rows
 * @param gridW      token grid, columns
 */
public record PredictorConfig(int encoderDim, int dim, int depth, int heads, int mlpHidden, double lnEps,
                              int gridT, int gridH, int gridW) {
    public PredictorConfig {
        if (encoderDim <= 0 || dim <= 0 || depth < 0 || heads <= 0 || mlpHidden <= 0) {
            throw new IllegalArgumentException("PredictorConfig: sizes must be positive (depth >= 0), got encoderDim="
                    + encoderDim + " dim=" + dim + " depth=" + depth + " heads=" + heads + " mlpHidden=" + mlpHidden);
        }
        if (dim % heads != 0) {
            throw new IllegalArgumentException("PredictorConfig: " + heads + " heads do not divide the width " + dim);
        }
        if (gridT <= 0 || gridH <= 0 || gridW <= 0) {
            throw new IllegalArgumentException("PredictorConfig: grid must be positive, got " + gridT + "x" + gridH + "x" + gridW);
        }
        if (gridT == 1 && dim % 4 != 0) {
            throw new IllegalArgumentException("PredictorConfig: 2D sin-cos position embedding needs dim divisible by 4, got " + dim);
        }
        if (!(lnEps > 0)) {
            throw new IllegalArgumentException("PredictorConfig: lnEps must be > 0, got " + lnEps);
        }
    }

    /** A predictor for {@code encoder} with the given width and depth (heads = dim / 32, at least 1; MLP ratio 4). */
    public static PredictorConfig forEncoder(VitConfig encoder, int dim, int depth, int heads) {
        return new PredictorConfig(encoder.dim(), dim, depth, heads, 4 * dim, encoder.lnEps(),
                encoder.gridT(), encoder.gridH(), encoder.gridW());
    }

    public int numTokens() {
        return gridT * gridH * gridW;
    }
}
