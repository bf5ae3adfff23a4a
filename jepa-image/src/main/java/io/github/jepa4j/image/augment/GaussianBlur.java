package io.github.jepa4j.image.augment;

import java.util.SplittableRandom;

/**
 * Gaussian blur with a random standard deviation, applied with probability {@code p}, as in the
 * SimCLR / BYOL / VICReg augmentation pipelines.
 *
 * <p>Draws {@code sigma ~ U[sigmaMin, sigmaMax]} (pixels) and convolves each channel with the
 * separable kernel {@code k(t) = exp(-t^2 / (2 sigma^2)) / Z}, {@code t in [-r, r]}, radius {@code
 * r = ceil(3 sigma)} (kernel size {@code 2r + 1}), normalised to sum 1 so that constant images are
 * unchanged; borders replicate the edge pixel. A linear filter, so it works the same on normalised
 * and raw images.
 *
 * <p>Defaults: {@code p = 0.5}, sigma in {@code (0.1, 2.0)}. Draws 2 numbers from the generator
 * each call, whatever the outcome.
 */
public final class GaussianBlur implements Augmentation {
    private final double p;
    private final double sigmaMin;
    private final double sigmaMax;

    /** Probability 0.5, sigma in (0.1, 2.0). */
    public GaussianBlur() {
        this(0.5, 0.1, 2.0);
    }

    /** Blurs with probability {@code p} in [0, 1], sigma uniform in {@code [sigmaMin, sigmaMax]}, {@code 0 < min <= max}. */
    public GaussianBlur(double p, double sigmaMin, double sigmaMax) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("GaussianBlur probability must be in [0, 1], got " + p);
        }
        if (!(sigmaMin > 0 && sigmaMin <= sigmaMax && Double.isFinite(sigmaMax))) {
            throw new IllegalArgumentException("GaussianBlur sigma range must satisfy 0 < min <= max < inf, got (" + sigmaMin
                    + ", " + sigmaMax + ")");
        }
        this.p = p;
        this.sigmaMin = sigmaMin;
        this.sigmaMax = sigmaMax;
    }

    /** The normalised kernel of {@code sigma}, length {@code 2 ceil(3 sigma) + 1}. */
    static float[] kernel(double sigma) {
        int r = (int) Math.ceil(3 * sigma);
        float[] k = new float[2 * r + 1];
        double sum = 0;
        double[] v = new double[k.length];
        for (int t = -r; t <= r; t++) {
            v[t + r] = Math.exp(-t * (double) t / (2 * sigma * sigma));
            sum += v[t + r];
        }
        for (int i = 0; i < k.length; i++) {
            k[i] = (float) (v[i] / sum);
        }
        return k;
    }

    @Override
    public FloatImage apply(FloatImage image, FloatImage spare, SplittableRandom rng) {
        boolean apply = rng.nextDouble() < p;
        double sigma = sigmaMin + rng.nextDouble() * (sigmaMax - sigmaMin);
        if (apply) {
            blur(image, spare, sigma);
        }
        return image;
    }

    /** Blurs {@code image} in place with {@code sigma}, using {@code spare} as the intermediate. */
    static void blur(FloatImage image, FloatImage spare, double sigma) {
        float[] k = kernel(sigma);
        int r = k.length / 2;
        int c = image.channels();
        int h = image.height();
        int w = image.width();
        float[] src = image.data();
        float[] mid = spare.reshape(c, h, w).data();
        for (int row = 0; row < c * h; row++) {
            int base = row * w;
            for (int x = 0; x < w; x++) {
                float acc = 0;
                for (int t = -r; t <= r; t++) {
                    int xx = Math.min(w - 1, Math.max(0, x + t));
                    acc += k[t + r] * src[base + xx];
                }
                mid[base + x] = acc;
            }
        }
        for (int ch = 0; ch < c; ch++) {
            int plane = ch * h * w;
            for (int y = 0; y < h; y++) {
                int dst = plane + y * w;
                for (int x = 0; x < w; x++) {
                    src[dst + x] = 0;
                }
                for (int t = -r; t <= r; t++) {
                    int yy = Math.min(h - 1, Math.max(0, y + t));
                    int s0 = plane + yy * w;
                    float kt = k[t + r];
                    for (int x = 0; x < w; x++) {
                        src[dst + x] += kt * mid[s0 + x];
                    }
                }
            }
        }
    }

    @Override
    public String toString() {
        return "GaussianBlur(p=" + p + ", sigma=(" + sigmaMin + ", " + sigmaMax + "))";
    }
}
