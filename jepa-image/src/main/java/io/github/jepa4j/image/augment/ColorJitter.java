package io.github.jepa4j.image.augment;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Random brightness, contrast and (RGB only) saturation changes, as torchvision's {@code
 * ColorJitter} without hue, applied with probability {@code p} (as {@code RandomApply}).
 *
 * <p>Each adjustment of strength {@code s} draws a factor {@code f ~ U[max(0, 1 - s), 1 + s]} and
 * acts on intensities {@code v} in [0, 1], clamping the result to [0, 1]:
 * <ul>
 *   <li>brightness: {@code v' = f v};
 *   <li>contrast: {@code v' = f v + (1 - f) m}, {@code m} the mean grey level of the image;
 *   <li>saturation: {@code v'_c = f v_c + (1 - f) g}, {@code g} the pixel's grey level.
 * </ul>
 * The three are applied in a random order. Grey is the luma {@code 0.299 R + 0.587 G + 0.114 B}
 * for 3 channels (taken as RGB) and the channel mean otherwise; for one channel saturation is a
 * no-op, so grayscale images get brightness and contrast only.
 *
 * <p>Normalised inputs: if the image holds {@code x = (v - mean_c) / std_c}, pass the same mean
 * and std to {@link #withNormalisation}; the jitter then un-normalises, adjusts and re-normalises.
 * Default mean 0, std 1 (raw intensities in [0, 1]). With all strengths 0 (or when the
 * probability draw fails) the image is returned unchanged, bit for bit.
 *
 * <p>Defaults: probability 1, saturation 0, clamping on. Draws 5 numbers from the generator each
 * call, whatever the outcome.
 */
public final class ColorJitter implements Augmentation {
    private static final double[] ZERO = {0};
    private static final double[] ONE = {1};

    private final double brightness;
    private final double contrast;
    private final double saturation;
    private final double p;
    private final double[] mean;
    private final double[] std;
    private final boolean clamp;

    /** Brightness and contrast strengths in [0, inf), always applied. */
    public ColorJitter(double brightness, double contrast) {
        this(brightness, contrast, 0);
    }

    /** Brightness, contrast and saturation strengths in [0, inf), always applied. */
    public ColorJitter(double brightness, double contrast, double saturation) {
        this(brightness, contrast, saturation, 1, ZERO, ONE, true);
    }

    private ColorJitter(double brightness, double contrast, double saturation, double p, double[] mean, double[] std,
            boolean clamp) {
        checkStrength("brightness", brightness);
        checkStrength("contrast", contrast);
        checkStrength("saturation", saturation);
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("ColorJitter probability must be in [0, 1], got " + p);
        }
        if (mean == null || std == null || mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("ColorJitter normalisation needs mean and std of equal non-zero length, got "
                    + Arrays.toString(mean) + " and " + Arrays.toString(std));
        }
        for (int c = 0; c < mean.length; c++) {
            if (!Double.isFinite(mean[c]) || !(std[c] > 0) || !Double.isFinite(std[c])) {
                throw new IllegalArgumentException("ColorJitter normalisation needs finite means and positive finite stds, got "
                        + Arrays.toString(mean) + " and " + Arrays.toString(std));
            }
        }
        this.brightness = brightness;
        this.contrast = contrast;
        this.saturation = saturation;
        this.p = p;
        this.mean = mean.clone();
        this.std = std.clone();
        this.clamp = clamp;
    }

    private static void checkStrength(String what, double s) {
        if (!(s >= 0) || !Double.isFinite(s)) {
            throw new IllegalArgumentException("ColorJitter " + what + " strength must be finite and >= 0, got " + s);
        }
    }

    /** The same jitter applied with probability {@code p} in [0, 1]. */
    public ColorJitter withProbability(double p) {
        return new ColorJitter(brightness, contrast, saturation, p, mean, std, clamp);
    }

    /**
     * The same jitter for images normalised as {@code (v - mean_c) / std_c}; arrays of length 1
     * apply to every channel, otherwise their length must equal the image's channel count.
     */
    public ColorJitter withNormalisation(double[] mean, double[] std) {
        return new ColorJitter(brightness, contrast, saturation, p, mean, std, clamp);
    }

    /** Whether intensities are clamped to [0, 1] after each adjustment (default true). */
    public ColorJitter withClamp(boolean clamp) {
        return new ColorJitter(brightness, contrast, saturation, p, mean, std, clamp);
    }

    private static double factor(double strength, SplittableRandom rng) {
        double lo = Math.max(0, 1 - strength);
        double hi = 1 + strength;
        return lo + rng.nextDouble() * (hi - lo);
    }

    @Override
    public FloatImage apply(FloatImage image, FloatImage spare, SplittableRandom rng) {
        boolean apply = rng.nextDouble() < p;
        double fb = factor(brightness, rng);
        double fc = factor(contrast, rng);
        double fs = factor(saturation, rng);
        int order = rng.nextInt(6);
        int c = image.channels();
        if (!apply || (fb == 1 && fc == 1 && (fs == 1 || c == 1))) {
            return image;
        }
        if (mean.length != 1 && mean.length != c) {
            throw new IllegalArgumentException("ColorJitter normalisation has " + mean.length + " channels, the image has "
                    + c);
        }
        float[] d = image.data();
        int plane = image.height() * image.width();
        transform(d, c, plane, true);
        // Permutation number `order` of (brightness, contrast, saturation).
        int[] seq = PERMUTATIONS[order];
        for (int op : seq) {
            if (op == 0 && fb != 1) {
                scale(d, c * plane, (float) fb);
            } else if (op == 1 && fc != 1) {
                blendWithMean(d, c, plane, (float) fc);
            } else if (op == 2 && fs != 1 && c > 1) {
                blendWithGrey(d, c, plane, (float) fs);
            }
        }
        transform(d, c, plane, false);
        return image;
    }

    private static final int[][] PERMUTATIONS = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};

    /** Normalised to intensity ({@code toPixels}) or back. */
    private void transform(float[] d, int c, int plane, boolean toPixels) {
        for (int ch = 0; ch < c; ch++) {
            double m = mean[mean.length == 1 ? 0 : ch];
            double s = std[std.length == 1 ? 0 : ch];
            if (m == 0 && s == 1) {
                continue;
            }
            float a = (float) (toPixels ? s : 1 / s);
            float b = (float) (toPixels ? m : -m / s);
            for (int i = ch * plane, end = i + plane; i < end; i++) {
                d[i] = a * d[i] + b;
            }
        }
    }

    private float clamp(float v) {
        return clamp ? Math.min(1f, Math.max(0f, v)) : v;
    }

    private void scale(float[] d, int n, float f) {
        for (int i = 0; i < n; i++) {
            d[i] = clamp(f * d[i]);
        }
    }

    private static float grey(float[] d, int c, int plane, int i) {
        if (c == 3) {
            return 0.299f * d[i] + 0.587f * d[plane + i] + 0.114f * d[2 * plane + i];
        }
        float s = 0;
        for (int ch = 0; ch < c; ch++) {
            s += d[ch * plane + i];
        }
        return s / c;
    }

    private void blendWithMean(float[] d, int c, int plane, float f) {
        double sum = 0;
        for (int i = 0; i < plane; i++) {
            sum += grey(d, c, plane, i);
        }
        float offset = (float) ((1 - f) * sum / plane);
        for (int i = 0, n = c * plane; i < n; i++) {
            d[i] = clamp(f * d[i] + offset);
        }
    }

    private void blendWithGrey(float[] d, int c, int plane, float f) {
        for (int i = 0; i < plane; i++) {
            float g = (1 - f) * grey(d, c, plane, i);
            for (int ch = 0; ch < c; ch++) {
                int k = ch * plane + i;
                d[k] = clamp(f * d[k] + g);
            }
        }
    }

    @Override
    public String toString() {
        return "ColorJitter(brightness=" + brightness + ", contrast=" + contrast + ", saturation=" + saturation + ", p=" + p
                + ")";
    }
}
