package io.github.jepa4j.image.augment;

import java.util.SplittableRandom;

/**
 * Deterministic resize of the whole image to {@code height x width} (aspect ratio not kept),
 * bilinear with antialiasing when shrinking (see {@link Resampling}). Resizing to the input size
 * is the identity. Draws nothing from the generator.
 */
public final class Resize implements Augmentation {
    private final int height;
    private final int width;

    public Resize(int height, int width) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("Resize output size must be positive, got " + height + "x" + width);
        }
        this.height = height;
        this.width = width;
    }

    @Override
    public FloatImage apply(FloatImage image, FloatImage spare, SplittableRandom rng) {
        if (image.height() == height && image.width() == width) {
            return image;
        }
        return Resampling.resample(image, spare, 0, 0, image.height(), image.width(), height, width);
    }

    @Override
    public int outputHeight(int h, int w) {
        return height;
    }

    @Override
    public int outputWidth(int h, int w) {
        return width;
    }

    @Override
    public String toString() {
        return "Resize(" + height + "x" + width + ")";
    }
}
