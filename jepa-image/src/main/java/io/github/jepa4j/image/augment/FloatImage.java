package io.github.jepa4j.image.augment;

/**
 * A reusable float image buffer of shape {@code [C, H, W]}, c-order: pixel {@code (c, y, x)} is
 * {@code data()[(c * H + y) * W + x]}.
 *
 * <p>The backing array only grows ({@link #reshape}), so an {@link Augmenter} that reuses two of
 * these allocates nothing once it has seen its largest image. Not thread-safe.
 */
public final class FloatImage {
    private float[] data;
    private int channels;
    private int height;
    private int width;

    /** An empty image; {@link #reshape} gives it a shape. */
    public FloatImage() {
        data = new float[0];
    }

    public FloatImage(int channels, int height, int width) {
        this();
        reshape(channels, height, width);
    }

    /**
     * Sets the shape, growing the backing array when needed; the contents are then unspecified
     * (old values may remain).
     *
     * @return this image
     */
    public FloatImage reshape(int channels, int height, int width) {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("image shape must be positive, got [" + channels + ", " + height + ", "
                    + width + "]");
        }
        long n = (long) channels * height * width;
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("image [" + channels + ", " + height + ", " + width + "] has " + n
                    + " values, more than a Java array holds");
        }
        if (data.length < n) {
            data = new float[(int) n];
        }
        this.channels = channels;
        this.height = height;
        this.width = width;
        return this;
    }

    /** Copies {@code src[0, C H W)} in as an image of shape {@code [C, H, W]}; returns this image. */
    public FloatImage set(float[] src, int channels, int height, int width) {
        reshape(channels, height, width);
        int n = size();
        if (src.length < n) {
            throw new IllegalArgumentException("source array has " + src.length + " values, the image [" + channels + ", "
                    + height + ", " + width + "] needs " + n);
        }
        System.arraycopy(src, 0, data, 0, n);
        return this;
    }

    /** The backing array; only the first {@link #size()} values belong to the image. */
    public float[] data() {
        return data;
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** Number of values {@code C H W}. */
    public int size() {
        return channels * height * width;
    }

    /** Pixel {@code (c, y, x)}. */
    public float get(int c, int y, int x) {
        return data[(c * height + y) * width + x];
    }

    /** A copy of the image's values, {@code [C H W]} c-order. */
    public float[] toArray() {
        float[] out = new float[size()];
        System.arraycopy(data, 0, out, 0, out.length);
        return out;
    }
}
