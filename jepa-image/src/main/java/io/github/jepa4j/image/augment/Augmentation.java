package io.github.jepa4j.image.augment;

import java.util.SplittableRandom;

/**
 * One step of an {@link Augmenter} pipeline, applied to a single float image {@code [C, H, W]}.
 *
 * <p>Implementations are immutable configurations, hence thread-safe; all mutable state lives in
 * the {@link FloatImage} buffers the (per-thread) {@link Augmenter} passes in. Randomness comes
 * only from the given {@link SplittableRandom}, so the same generator state gives the same output.
 */
public interface Augmentation {

    /**
     * Transforms {@code image}, either in place (returning {@code image}) or into {@code spare}
     * (reshaping it, returning {@code spare}). Either buffer may be overwritten.
     */
    FloatImage apply(FloatImage image, FloatImage spare, SplittableRandom rng);

    /** Output height for an input of {@code h x w}; the same {@code h} unless the step resizes. */
    default int outputHeight(int h, int w) {
        return h;
    }

    /** Output width for an input of {@code h x w}; the same {@code w} unless the step resizes. */
    default int outputWidth(int h, int w) {
        return w;
    }
}
