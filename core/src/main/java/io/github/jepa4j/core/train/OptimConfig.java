package io.github.jepa4j.core.train;

/**
 * Optimiser and schedule settings: AdamW with decoupled weight decay (not on biases or norm
 * parameters), learning rate with linear warm-up then cosine decay, weight decay on a cosine
 * schedule, optional global-norm gradient clipping. Defaults follow I-JEPA's ViT recipe
 * (scaled to small models): lr 1e-3 peak from 2e-4, final 1e-6, 10% warm-up... see
 * {@link #defaults()}.
 *
 * @param lr           peak learning rate, reached after warm-up
 * @param startLr      learning rate at step 0 of the warm-up
 * @param finalLr      learning rate at the last step
 * @param warmupSteps  linear warm-up length (0 = none)
 * @param weightDecay  weight decay at step 0 (I-JEPA: 0.04)
 * @param finalWeightDecay weight decay at the last step (I-JEPA: 0.4)
 * @param beta1        Adam first-moment decay
 * @param beta2        Adam second-moment decay
 * @param eps          Adam epsilon
 * @param clipNorm     global gradient-norm clip, or 0 for none
 */
public record OptimConfig(double lr, double startLr, double finalLr, long warmupSteps,
                          double weightDecay, double finalWeightDecay,
                          double beta1, double beta2, double eps, double clipNorm) {
    public OptimConfig {
        require(lr > 0, "lr must be > 0, got " + lr);
        require(startLr >= 0 && finalLr >= 0, "startLr and finalLr must be >= 0, got " + startLr + ", " + finalLr);
        require(warmupSteps >= 0, "warmupSteps must be >= 0, got " + warmupSteps);
        require(weightDecay >= 0 && finalWeightDecay >= 0, "weight decay must be >= 0, got " + weightDecay + ", " + finalWeightDecay);
        require(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1, "betas must be in [0, 1), got " + beta1 + ", " + beta2);
        require(eps > 0, "eps must be > 0, got " + eps);
        require(clipNorm >= 0, "clipNorm must be >= 0 (0 = no clipping), got " + clipNorm);
    }

    private static void require(boolean ok, String msg) {
        if (!ok) {
            throw new IllegalArgumentException("OptimConfig: " + msg);
        }
    }

    /** I-JEPA-like defaults for small models: lr 1e-3 (from 2e-4, to 1e-6), wd 0.04 -> 0.4, betas (0.9, 0.999). */
    public static OptimConfig defaults() {
        return new OptimConfig(1e-3, 2e-4, 1e-6, 0, 0.04, 0.4, 0.9, 0.999, 1e-8, 0);
    }

    public OptimConfig withLr(double v) {
        return new OptimConfig(v, startLr, finalLr, warmupSteps, weightDecay, finalWeightDecay, beta1, beta2, eps, clipNorm);
    }

    public OptimConfig withWarmupSteps(long v) {
        return new OptimConfig(lr, startLr, finalLr, v, weightDecay, finalWeightDecay, beta1, beta2, eps, clipNorm);
    }

    public OptimConfig withWeightDecay(double start, double end) {
        return new OptimConfig(lr, startLr, finalLr, warmupSteps, start, end, beta1, beta2, eps, clipNorm);
    }

    public OptimConfig withClipNorm(double v) {
        return new OptimConfig(lr, startLr, finalLr, warmupSteps, weightDecay, finalWeightDecay, beta1, beta2, eps, v);
    }

    public OptimConfig withStartLr(double v) {
        return new OptimConfig(lr, v, finalLr, warmupSteps, weightDecay, finalWeightDecay, beta1, beta2, eps, clipNorm);
    }

    public OptimConfig withFinalLr(double v) {
        return new OptimConfig(lr, startLr, v, warmupSteps, weightDecay, finalWeightDecay, beta1, beta2, eps, clipNorm);
    }
}
