package io.github.jepa4j.image.augment;

import java.util.SplittableRandom;

/**
 * Random crop of random area and aspect ratio, resized to a fixed output size (Szegedy et al.,
 * 2015, "Going deeper with convolutions"; the torchvision {@code RandomResizedCrop} sampling).
 *
 * <p>For an {@code H x W} input, up to 10 attempts draw an area fraction {@code a ~ U[scaleMin,
 * scaleMax]} and a log-uniform aspect ratio {@code r} (width / height) in {@code [ratioMin,
 * ratioMax]}, giving a crop {@code w = round(sqrt(a H W r))}, {@code h = round(sqrt(a H W / r))};
 * the first that fits is placed uniformly at random. If none fits, the largest centred crop whose
 * ratio is clamped into the range is used. The crop is resized to {@code height x width} by
 * antialiased bilinear resampling ({@link Resampling}).
 *
 * <p>Defaults: scale {@code (0.08, 1.0)}, ratio {@code (3/4, 4/3)}. With scale {@code (1, 1)} and
 * ratio {@code (1, 1)} on a square image the crop is the whole image, i.e. a plain {@link Resize}.
 */
public final class RandomResizedCrop implements Augmentation {
    private static final int ATTEMPTS = 10;

    private final int height;
    private final int width;
    private final double scaleMin, scaleMax;
    private final double ratioMin, ratioMax;

    /** Output {@code height x width} with the default scale (0.08, 1) and ratio (3/4, 4/3). */
    public RandomResizedCrop(int height, int width) {
        this(height, width, 0.08, 1.0, 3.0 / 4.0, 4.0 / 3.0);
    }

    /**
     * @param scaleMin smallest crop area as a fraction of the image, in (0, scaleMax]
     * @param scaleMax largest crop area fraction, at most 1
     * @param ratioMin smallest aspect ratio width / height, in (0, ratioMax]
     */
    public RandomResizedCrop(int height, int width, double scaleMin, double scaleMax, double ratioMin, double ratioMax) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("RandomResizedCrop output size must be positive, got " + height + "x" + width);
        }
        if (!(scaleMin > 0 && scaleMin <= scaleMax && scaleMax <= 1)) {
            throw new IllegalArgumentException("RandomResizedCrop scale must satisfy 0 < min <= max <= 1, got (" + scaleMin
                    + ", " + scaleMax + ")");
        }
        if (!(ratioMin > 0 && ratioMin <= ratioMax && Double.isFinite(ratioMax))) {
            throw new IllegalArgumentException("RandomResizedCrop ratio must satisfy 0 < min <= max < inf, got (" + ratioMin
                    + ", " + ratioMax + ")");
        }
        this.height = height;
        this.width = width;
        this.scaleMin = scaleMin;
        this.scaleMax = scaleMax;
        this.ratioMin = ratioMin;
        this.ratioMax = ratioMax;
    }

    /** A crop box {@code {y0, x0, h, w}} inside an {@code imgH x imgW} image. */
    int[] sampleBox(int imgH, int imgW, SplittableRandom rng) {
        double area = (double) imgH * imgW;
        double logMin = Math.log(ratioMin);
        double logMax = Math.log(ratioMax);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            double target = area * (scaleMin + rng.nextDouble() * (scaleMax - scaleMin));
            double ratio = Math.exp(logMin + rng.nextDouble() * (logMax - logMin));
            int w = (int) Math.round(Math.sqrt(target * ratio));
            int h = (int) Math.round(Math.sqrt(target / ratio));
            if (w > 0 && w <= imgW && h > 0 && h <= imgH) {
                int y0 = rng.nextInt(imgH - h + 1);
                int x0 = rng.nextInt(imgW - w + 1);
                return new int[] {y0, x0, h, w};
            }
        }
        double inRatio = (double) imgW / imgH;
        int w = imgW;
        int h = imgH;
        if (inRatio < ratioMin) {
            h = Math.max(1, Math.min(imgH, (int) Math.round(w / ratioMin)));
        } else if (inRatio > ratioMax) {
            w = Math.max(1, Math.min(imgW, (int) Math.round(h * ratioMax)));
        }
        return new int[] {(imgH - h) / 2, (imgW - w) / 2, h, w};
    }

    @Override
    public FloatImage apply(FloatImage image, FloatImage spare, SplittableRandom rng) {
        int[] b = sampleBox(image.height(), image.width(), rng);
        return Resampling.resample(image, spare, b[0], b[1], b[2], b[3], height, width);
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
        return "RandomResizedCrop(" + height + "x" + width + ", scale=(" + scaleMin + ", " + scaleMax + "), ratio=("
                + ratioMin + ", " + ratioMax + "))";
    }
}
