package io.github.jepa4j.image.data;

import java.util.Locale;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A procedural dataset of grayscale shapes that needs no download: the quick-start default.
 *
 * <p>Image {@code i} shows one shape of class {@link Shape} (circle, square, triangle, cross,
 * ring) with centre {@code (cx, cy)} in pixel-index coordinates (column, row; pixel centres at
 * integers), size {@code s} (radius / half-extent in pixels) and intensity {@code a}, over a
 * black background with Gaussian noise of std {@code noise}. Pixel value {@code v = a *
 * coverage(x, y) + noise * N(0, 1)}, where coverage is an anti-aliased signed-distance test,
 * then normalised as {@code (v - mean) / std} (default mean 0, std 1: raw values). Every shape
 * is symmetric about its centre (the triangle's centre is its centroid), so the image's centre of
 * mass is the stated centre.
 *
 * <p>Everything about image {@code i} is a pure function of the seed and {@code i} (the test
 * split draws from a disjoint range of streams), so image {@code i} is always the same; class
 * and factors ({@link #factorNames()}: centerX, centerY, size, intensity) are known exactly for
 * probes. Defaults: 28x28, 1 channel, 20,000 images, sizes 0.15..0.3 of the image side,
 * intensities 0.5..1.0, noise 0.05.
 */
public final class ShapesDataset implements ImageDataset {

    /** The shape classes, in label order. */
    public enum Shape {
        CIRCLE,
        SQUARE,
        TRIANGLE,
        CROSS,
        RING
    }

    /** Generative factors of one image. */
    public record Item(int label, double centerX, double centerY, double size, double intensity) {
        public Shape shape() {
            return Shape.values()[label];
        }
    }

    private static final String[] FACTORS = {"centerX", "centerY", "size", "intensity"};
    private static final long TEST_STREAM_OFFSET = 1L << 40;
    private static final double SQRT3_2 = Math.sqrt(3) / 2;

    private final int size;
    private final Split split;
    private final int h;
    private final int w;
    private final long seed;
    private final double noise;
    private final double sizeMin, sizeMax;
    private final double intensityMin, intensityMax;
    private final double mean, std;

    private ShapesDataset(Builder b) {
        size = b.size;
        split = b.split;
        h = b.h;
        w = b.w;
        seed = b.seed;
        noise = b.noise;
        int side = Math.min(h, w);
        sizeMin = b.sizeMin * side;
        sizeMax = b.sizeMax * side;
        intensityMin = b.intensityMin;
        intensityMax = b.intensityMax;
        mean = b.mean;
        std = b.std;
    }

    public static Builder builder() {
        return new Builder();
    }

    private SplittableRandom rng(int i) {
        long stream = (split == Split.TEST ? TEST_STREAM_OFFSET : 0) + i;
        return new SplittableRandom(Rngs.splitMix(seed ^ Rngs.splitMix(stream)));
    }

    private static Item draw(SplittableRandom rng, int h, int w, double sMin, double sMax, double aMin, double aMax) {
        int label = rng.nextInt(Shape.values().length);
        double s = sMin + rng.nextDouble() * (sMax - sMin);
        // Keep a 1-pixel margin so the whole anti-aliased shape is inside the image.
        double cx = s + 1 + rng.nextDouble() * (w - 3 - 2 * s);
        double cy = s + 1 + rng.nextDouble() * (h - 3 - 2 * s);
        double a = aMin + rng.nextDouble() * (aMax - aMin);
        return new Item(label, cx, cy, s, a);
    }

    /** The generative factors of image {@code i}. */
    public Item item(int i) {
        checkIndex(i);
        return draw(rng(i), h, w, sizeMin, sizeMax, intensityMin, intensityMax);
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= size) {
            throw new IllegalArgumentException(name() + ": image index " + i + " is outside [0, " + size + ")");
        }
    }

    /** Signed distance (pixels, negative inside) from {@code (dx, dy)} relative to the centre. */
    static double distance(Shape shape, double dx, double dy, double s) {
        switch (shape) {
            case CIRCLE:
                return Math.hypot(dx, dy) - s;
            case SQUARE:
                return box(dx, dy, s, s);
            case TRIANGLE: {
                // Equilateral, pointing up (image y grows downward), centroid at the centre,
                // circumradius s, inradius s / 2: intersection of three half-planes.
                double d1 = dy - s / 2;
                double d2 = -SQRT3_2 * dx - 0.5 * dy - s / 2;
                double d3 = SQRT3_2 * dx - 0.5 * dy - s / 2;
                return Math.max(d1, Math.max(d2, d3));
            }
            case CROSS:
                return Math.min(box(dx, dy, s, s / 3), box(dx, dy, s / 3, s));
            case RING:
                return Math.abs(Math.hypot(dx, dy) - 0.75 * s) - 0.25 * s;
            default:
                throw new IllegalStateException("unknown shape " + shape);
        }
    }

    /** Exact signed distance to an axis-aligned box of half sizes {@code (bx, by)}. */
    private static double box(double dx, double dy, double bx, double by) {
        double qx = Math.abs(dx) - bx;
        double qy = Math.abs(dy) - by;
        return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0);
    }

    /** Renders image {@code i} (normalised) into {@code out[0, h * w)}. */
    void render(int i, float[] out) {
        SplittableRandom rng = rng(i);
        Item it = draw(rng, h, w, sizeMin, sizeMax, intensityMin, intensityMax);
        Shape shape = it.shape();
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                double d = distance(shape, c - it.centerX(), r - it.centerY(), it.size());
                double cover = Math.min(1, Math.max(0, 0.5 - d));
                double v = it.intensity() * cover;
                if (noise > 0) {
                    v += noise * rng.nextGaussian();
                }
                out[r * w + c] = (float) ((v - mean) / std);
            }
        }
    }

    @Override
    public void fill(int[] indices, INDArray out) {
        FloatPointer p = BatchArrays.target(this, indices, out);
        int n = h * w;
        float[] img = new float[n];
        for (int j = 0; j < indices.length; j++) {
            render(indices[j], img);
            p.position((long) j * n).put(img, 0, n);
        }
    }

    @Override
    public String name() {
        return "shapes/" + split.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int channels() {
        return 1;
    }

    @Override
    public int height() {
        return h;
    }

    @Override
    public int width() {
        return w;
    }

    @Override
    public int numClasses() {
        return Shape.values().length;
    }

    @Override
    public String[] classNames() {
        Shape[] s = Shape.values();
        String[] n = new String[s.length];
        for (int k = 0; k < s.length; k++) {
            n[k] = s[k].name().toLowerCase(Locale.ROOT);
        }
        return n;
    }

    @Override
    public int label(int i) {
        return item(i).label();
    }

    @Override
    public String[] factorNames() {
        return FACTORS.clone();
    }

    @Override
    public double[] factors(int i) {
        Item it = item(i);
        return new double[] {it.centerX(), it.centerY(), it.size(), it.intensity()};
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s[%d x %dx%d, seed %d, noise %s]", name(), size, h, w, seed, noise);
    }

    /** Configuration with validation in {@link #build()}. */
    public static final class Builder {
        private int size = 20_000;
        private Split split = Split.TRAIN;
        private int h = 28;
        private int w = 28;
        private long seed = 0;
        private double noise = 0.05;
        private double sizeMin = 0.15, sizeMax = 0.3;
        private double intensityMin = 0.5, intensityMax = 1.0;
        private double mean = 0, std = 1;

        private Builder() {}

        /** Number of images (default 20,000). */
        public Builder size(int n) {
            this.size = n;
            return this;
        }

        /** TRAIN or TEST: disjoint random streams for the same seed (default TRAIN). */
        public Builder split(Split split) {
            this.split = split;
            return this;
        }

        /** Image height and width in pixels (default 28x28). */
        public Builder imageSize(int height, int width) {
            this.h = height;
            this.w = width;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Std of the additive Gaussian pixel noise; 0 for a plain background (default 0.05). */
        public Builder noise(double std) {
            this.noise = std;
            return this;
        }

        /** Shape size range as fractions of the shorter image side (default 0.15..0.3). */
        public Builder sizeRange(double min, double max) {
            this.sizeMin = min;
            this.sizeMax = max;
            return this;
        }

        /** Shape intensity range (default 0.5..1.0). */
        public Builder intensityRange(double min, double max) {
            this.intensityMin = min;
            this.intensityMax = max;
            return this;
        }

        /** Output normalisation {@code (v - mean) / std} (default 0, 1). */
        public Builder normalisation(double mean, double std) {
            this.mean = mean;
            this.std = std;
            return this;
        }

        public ShapesDataset build() {
            if (size <= 0) {
                throw new IllegalArgumentException("ShapesDataset size must be positive, got " + size);
            }
            if (split == null) {
                throw new IllegalArgumentException("ShapesDataset split must not be null");
            }
            if (h < 8 || w < 8) {
                throw new IllegalArgumentException("ShapesDataset images must be at least 8x8, got " + h + "x" + w);
            }
            int side = Math.min(h, w);
            if (!(sizeMin > 0 && sizeMin <= sizeMax && 2 * sizeMax * side + 3 <= side)) {
                throw new IllegalArgumentException("ShapesDataset size range must satisfy 0 < min <= max and fit the "
                        + h + "x" + w + " image with a margin (max <= " + (side - 3) / (2.0 * side) + "), got ["
                        + sizeMin + ", " + sizeMax + "]");
            }
            if (!(intensityMin > 0 && intensityMin <= intensityMax && Double.isFinite(intensityMax))) {
                throw new IllegalArgumentException("ShapesDataset intensity range must satisfy 0 < min <= max, got ["
                        + intensityMin + ", " + intensityMax + "]");
            }
            if (!(noise >= 0) || !Double.isFinite(noise)) {
                throw new IllegalArgumentException("ShapesDataset noise must be >= 0, got " + noise);
            }
            BatchArrays.checkNormalisation(mean, std);
            return new ShapesDataset(this);
        }
    }
}
