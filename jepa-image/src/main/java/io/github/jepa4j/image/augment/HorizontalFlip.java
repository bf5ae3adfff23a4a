package io.github.jepa4j.image.augment;

import java.util.SplittableRandom;

/**
 * Mirrors the image left-right ({@code out(c, y, x) = in(c, y, W - 1 - x)}) with probability
 * {@code p} (default 0.5), in place. Always draws one double from the generator. Flipping twice
 * is the identity.
 */
public final class HorizontalFlip implements Augmentation {
    private final double p;

    /** Flips with probability 0.5. */
    public HorizontalFlip() {
        this(0.5);
    }

    /** Flips with probability {@code p} in [0, 1]. */
    public HorizontalFlip(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("HorizontalFlip probability must be in [0, 1], got " + p);
        }
        this.p = p;
    }

    @Override
    public FloatImage apply(FloatImage image, FloatImage spare, SplittableRandom rng) {
        if (rng.nextDouble() < p) {
            flip(image);
        }
        return image;
    }

    /** Mirrors {@code image} left-right in place. */
    static void flip(FloatImage image) {
        float[] d = image.data();
        int w = image.width();
        int rows = image.channels() * image.height();
        for (int r = 0; r < rows; r++) {
            for (int a = r * w, b = a + w - 1; a < b; a++, b--) {
                float t = d[a];
                d[a] = d[b];
                d[b] = t;
            }
        }
    }

    @Override
    public String toString() {
        return "HorizontalFlip(p=" + p + ")";
    }
}
