package io.github.jepa4j.video.decode;

import java.util.Arrays;

/**
 * What a decoded frame becomes in a model batch: channel count, output size and per-channel
 * normalisation.
 *
 * <p>A source pixel {@code u} in {@code [0, 255]} of channel {@code c} is written as
 * {@code (u / 255 - mean[c]) / std[c]}. Defaults: {@code mean = 0}, {@code std = 1}, i.e. plain
 * {@code [0, 1]} scaling. Three channels are RGB order (FFmpeg converts from the stream's pixel
 * format, so no BGR swap is left to do); one channel is luma (FFmpeg's gray conversion). Frames
 * are resized to {@code height x width} by FFmpeg's swscale (bilinear, antialiased when
 * shrinking); the aspect ratio is not preserved.
 *
 * @param channels 3 (RGB) or 1 (grayscale)
 * @param height   output rows H
 * @param width    output columns W
 * @param mean     per-channel mean, length {@code channels}
 * @param std      per-channel std, length {@code channels}, all positive
 */
public record FrameSpec(int channels, int height, int width, double[] mean, double[] std) {

    /** ImageNet statistics, the usual normalisation for V-JEPA-style encoders. */
    public static final double[] IMAGENET_MEAN = {0.485, 0.456, 0.406};
    public static final double[] IMAGENET_STD = {0.229, 0.224, 0.225};

    public FrameSpec {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("FrameSpec channels must be 1 (gray) or 3 (RGB), got " + channels);
        }
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("FrameSpec size must be positive, got " + height + "x" + width);
        }
        if (mean == null || std == null || mean.length != channels || std.length != channels) {
            throw new IllegalArgumentException("FrameSpec needs " + channels + " means and stds, got "
                    + Arrays.toString(mean) + " and " + Arrays.toString(std));
        }
        for (int c = 0; c < channels; c++) {
            if (!Double.isFinite(mean[c]) || !(std[c] > 0) || !Double.isFinite(std[c])) {
                throw new IllegalArgumentException("FrameSpec channel " + c + " needs a finite mean and a positive finite std,"
                        + " got mean=" + mean[c] + " std=" + std[c]);
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** RGB frames of {@code height x width} scaled to {@code [0, 1]}. */
    public static FrameSpec rgb(int height, int width) {
        return new FrameSpec(3, height, width, new double[3], new double[] {1, 1, 1});
    }

    /** Grayscale frames of {@code height x width} scaled to {@code [0, 1]}. */
    public static FrameSpec gray(int height, int width) {
        return new FrameSpec(1, height, width, new double[1], new double[] {1});
    }

    /** The same frames normalised with per-channel {@code mean} and {@code std}. */
    public FrameSpec normalized(double[] mean, double[] std) {
        return new FrameSpec(channels, height, width, mean, std);
    }

    /** The same normalisation at another output size. */
    public FrameSpec resized(int height, int width) {
        return new FrameSpec(channels, height, width, mean, std);
    }

    @Override
    public double[] mean() {
        return mean.clone();
    }

    @Override
    public double[] std() {
        return std.clone();
    }

    /** Per channel, the 256-entry table {@code (u / 255 - mean[c]) / std[c]}. */
    float[][] lookupTables() {
        float[][] t = new float[channels][256];
        for (int c = 0; c < channels; c++) {
            for (int u = 0; u < 256; u++) {
                t[c][u] = (float) ((u / 255.0 - mean[c]) / std[c]);
            }
        }
        return t;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FrameSpec s && s.channels == channels && s.height == height && s.width == width
                && Arrays.equals(s.mean, mean) && Arrays.equals(s.std, std);
    }

    @Override
    public int hashCode() {
        return ((31 * channels + height) * 31 + width) * 31 + Arrays.hashCode(mean) * 7 + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "FrameSpec[" + (channels == 3 ? "RGB" : "gray") + " " + height + "x" + width + ", mean="
                + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
