package io.github.jepa4j.regularizers.probe;

/**
 * Settings of {@link AttentiveProbe}.
 *
 * @param heads       attention heads (each its own query and value map)
 * @param epochs      passes over the training set
 * @param batchSize   examples per Adam step
 * @param lr          Adam learning rate (constant)
 * @param weightDecay decoupled (AdamW) weight decay on the query and value/output weights, not the bias
 * @param seed        initialisation and shuffling seed
 */
public record AttentiveProbeConfig(int heads, int epochs, int batchSize, double lr, double weightDecay, long seed) {
    public AttentiveProbeConfig {
        if (heads < 1 || epochs < 1 || batchSize < 1) {
            throw new IllegalArgumentException("AttentiveProbeConfig: heads, epochs and batchSize must be >= 1, got "
                    + heads + ", " + epochs + ", " + batchSize);
        }
        if (!(lr > 0) || !Double.isFinite(lr) || !(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
            throw new IllegalArgumentException("AttentiveProbeConfig: lr must be > 0 and weightDecay >= 0 (finite), got "
                    + lr + ", " + weightDecay);
        }
    }

    /** 4 heads, 50 epochs of batches of 64, lr 3e-3, weight decay 1e-4, seed 0. */
    public static AttentiveProbeConfig defaults() {
        return new AttentiveProbeConfig(4, 50, 64, 3e-3, 1e-4, 0);
    }

    public AttentiveProbeConfig withHeads(int h) {
        return new AttentiveProbeConfig(h, epochs, batchSize, lr, weightDecay, seed);
    }

    public AttentiveProbeConfig withEpochs(int e) {
        return new AttentiveProbeConfig(heads, e, batchSize, lr, weightDecay, seed);
    }

    public AttentiveProbeConfig withLr(double v) {
        return new AttentiveProbeConfig(heads, epochs, batchSize, v, weightDecay, seed);
    }

    public AttentiveProbeConfig withSeed(long s) {
        return new AttentiveProbeConfig(heads, epochs, batchSize, lr, weightDecay, s);
    }
}
