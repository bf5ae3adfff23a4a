package io.github.jepa4j.image.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class AugmentationsTest {

    private static float[] noise(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    private static float[] run(Augmenter a, float[] src, int c, int h, int w, long seed) {
        return a.apply(src, c, h, w, new SplittableRandom(seed)).toArray();
    }

    @Test
    void flipMirrorsAndFlippingTwiceIsIdentity() {
        float[] img = noise(3 * 5 * 7, 1);
        float[] once = run(Augmenter.of(new HorizontalFlip(1)), img, 3, 5, 7, 0);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 5; y++) {
                for (int x = 0; x < 7; x++) {
                    assertEquals(img[(c * 5 + y) * 7 + 6 - x], once[(c * 5 + y) * 7 + x]);
                }
            }
        }
        assertArrayEquals(img, run(Augmenter.of(new HorizontalFlip(1), new HorizontalFlip(1)), img, 3, 5, 7, 0));
        assertArrayEquals(img, run(Augmenter.of(new HorizontalFlip(0)), img, 3, 5, 7, 0));
        // p = 0.5 flips about half the time.
        Augmenter half = Augmenter.of(new HorizontalFlip());
        int flipped = 0;
        for (long s = 0; s < 400; s++) {
            flipped += Arrays.equals(once, run(half, img, 3, 5, 7, s)) ? 1 : 0;
        }
        assertTrue(flipped > 150 && flipped < 250, "flipped " + flipped + " of 400");
        assertArrayEquals(img, run(Augmenter.of(), img, 3, 5, 7, 0), "no steps: identity");
    }

    @Test
    void fullCropWithUnitRatioIsAResizeOfTheWholeImage() {
        float[] img = noise(2 * 12 * 12, 2);
        float[] crop = run(Augmenter.of(new RandomResizedCrop(5, 7, 1, 1, 1, 1)), img, 2, 12, 12, 3);
        float[] resized = run(Augmenter.of(new Resize(5, 7)), img, 2, 12, 12, 99);
        assertEquals(2 * 5 * 7, crop.length);
        assertArrayEquals(resized, crop);
        // A non-square image cannot hold a whole-area square crop: the fallback is the centred 8x8 square.
        float[] wide = noise(8 * 12, 4);
        float[] centre = run(Augmenter.of(new RandomResizedCrop(8, 8, 1, 1, 1, 1)), wide, 1, 8, 12, 5);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                assertEquals(wide[y * 12 + x + 2], centre[y * 8 + x], 1e-6);
            }
        }
    }

    @Test
    void cropsAreSubBlocksAtRandomPlaces() {
        // Quarter-area square crops of an 8x8 ramp, resampled at their own size: exact 4x4 sub-blocks.
        float[] ramp = new float[64];
        for (int i = 0; i < 64; i++) {
            ramp[i] = i;
        }
        Augmenter a = Augmenter.of(new RandomResizedCrop(4, 4, 0.25, 0.25, 1, 1));
        Set<Float> corners = new HashSet<>();
        for (long s = 0; s < 50; s++) {
            float[] out = run(a, ramp, 1, 8, 8, s);
            float corner = out[0];
            int y0 = (int) corner / 8, x0 = (int) corner % 8;
            assertTrue(y0 <= 4 && x0 <= 4);
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 4; x++) {
                    assertEquals(ramp[(y0 + y) * 8 + x0 + x], out[y * 4 + x], 1e-5);
                }
            }
            corners.add(corner);
        }
        assertTrue(corners.size() > 10, "crops are placed uniformly: " + corners.size() + " distinct corners");
        RandomResizedCrop rrc = new RandomResizedCrop(3, 3);
        SplittableRandom rng = new SplittableRandom(7);
        for (int i = 0; i < 200; i++) {
            int[] b = rrc.sampleBox(20, 30, rng);
            double area = (double) b[2] * b[3] / 600;
            double ratio = (double) b[3] / b[2];
            assertTrue(b[0] >= 0 && b[1] >= 0 && b[0] + b[2] <= 20 && b[1] + b[3] <= 30, Arrays.toString(b));
            assertTrue(area > 0.05 && area <= 1.0, "area " + area);
            assertTrue(ratio > 0.6 && ratio < 1.6, "ratio " + ratio);
        }
    }

    @Test
    void resizeKeepsConstantsAndIsIdentityAtTheSameSize() {
        float[] img = noise(3 * 6 * 9, 5);
        assertArrayEquals(img, run(Augmenter.of(new Resize(6, 9)), img, 3, 6, 9, 0));
        float[] c = new float[2 * 10 * 10];
        Arrays.fill(c, 0.37f);
        for (int[] size : new int[][] {{3, 4}, {10, 10}, {17, 23}}) {
            for (float v : run(Augmenter.of(new Resize(size[0], size[1])), c, 2, 10, 10, 0)) {
                assertEquals(0.37f, v, 1e-6);
            }
        }
        // 2x upsampling of [0, 1] along x: half-pixel bilinear gives 0, 0.25, 0.75, 1.
        float[] up = run(Augmenter.of(new Resize(1, 4)), new float[] {0, 1}, 1, 1, 2, 0);
        assertArrayEquals(new float[] {0, 0.25f, 0.75f, 1}, up, 1e-6f);
    }

    @Test
    void jitterWithZeroStrengthIsIdentity() {
        float[] img = noise(3 * 4 * 4, 6);
        Augmenter zero = Augmenter.of(new ColorJitter(0, 0, 0).withNormalisation(new double[] {0.5, 0.4, 0.3},
                new double[] {0.2, 0.25, 0.3}));
        for (long s = 0; s < 5; s++) {
            assertArrayEquals(img, run(zero, img, 3, 4, 4, s));
        }
        float[] grey = noise(16, 7);
        assertArrayEquals(grey, run(Augmenter.of(new ColorJitter(0, 0, 0.8)), grey, 1, 4, 4, 1),
                "saturation is a no-op on one channel");
        assertArrayEquals(grey, run(Augmenter.of(new ColorJitter(0.9, 0.9).withProbability(0)), grey, 1, 4, 4, 1));
    }

    @Test
    void brightnessScalesAndContrastBlendsTowardsTheMean() {
        // Raw constant 0.4: brightness gives f * 0.4 with f in [0.5, 1.5]; contrast leaves a constant alone.
        float[] c = new float[9];
        Arrays.fill(c, 0.4f);
        Set<Float> seen = new HashSet<>();
        for (long s = 0; s < 30; s++) {
            float[] b = run(Augmenter.of(new ColorJitter(0.5, 0)), c, 1, 3, 3, s);
            assertTrue(b[0] >= 0.2f - 1e-6 && b[0] <= 0.6f + 1e-6, "brightness " + b[0]);
            for (float v : b) {
                assertEquals(b[0], v);
            }
            seen.add(b[0]);
            float[] k = run(Augmenter.of(new ColorJitter(0, 0.9)), c, 1, 3, 3, s);
            for (float v : k) {
                assertEquals(0.4f, v, 1e-6);
            }
        }
        assertTrue(seen.size() > 20);
        // Contrast keeps the mean of an unclamped image and scales deviations by the same factor.
        float[] two = {0.3f, 0.5f, 0.4f, 0.6f};
        float[] k = run(Augmenter.of(new ColorJitter(0, 0.5)), two, 1, 2, 2, 3);
        double f = (k[1] - k[0]) / 0.2;
        assertTrue(f >= 0.5 - 1e-5 && f <= 1.5 + 1e-5 && Math.abs(f - 1) > 1e-4, "factor " + f);
        for (int i = 0; i < 4; i++) {
            assertEquals(0.45 + f * (two[i] - 0.45), k[i], 1e-5);
        }
        // Normalised inputs are jittered in intensity space: brightness f maps x to (f (x s + m) - m) / s.
        double m = 0.5, sd = 0.25;
        float[] norm = new float[4];
        Arrays.fill(norm, (float) ((0.4 - m) / sd));
        float[] raw = run(Augmenter.of(new ColorJitter(0.5, 0)), c, 1, 3, 3, 11);
        float[] nj = run(Augmenter.of(new ColorJitter(0.5, 0).withNormalisation(new double[] {m}, new double[] {sd})),
                norm, 1, 2, 2, 11);
        assertEquals((raw[0] - m) / sd, nj[0], 1e-5);
        // Clamping to [0, 1] in intensity space.
        float[] bright = {0.9f, 0.95f, 1f, 0.8f};
        for (long s = 0; s < 20; s++) {
            for (float v : run(Augmenter.of(new ColorJitter(0.8, 0.8)), bright, 1, 2, 2, s)) {
                assertTrue(v >= 0 && v <= 1, "clamped " + v);
            }
        }
    }

    @Test
    void saturationBlendsWithLumaAndKeepsGrey() {
        float[] greyRgb = {0.3f, 0.3f, 0.3f};
        assertArrayEquals(greyRgb, run(Augmenter.of(new ColorJitter(0, 0, 0.9)), greyRgb, 3, 1, 1, 4), 1e-6f);
        // Pure red, luma g = 0.299: v'_c = clamp(f v_c + (1 - f) g).
        int desaturated = 0;
        for (long s = 0; s < 100; s++) {
            float[] o = run(Augmenter.of(new ColorJitter(0, 0, 1)), new float[] {1, 0, 0}, 3, 1, 1, s);
            assertEquals(o[1], o[2], 1e-7);
            if (o[1] > 0) { // f < 1
                double f = 1 - o[1] / 0.299;
                assertEquals(f + (1 - f) * 0.299, o[0], 1e-5);
                desaturated++;
            } else {
                assertEquals(1f, o[0], "f >= 1 saturates red, clamped at 1");
            }
        }
        assertTrue(desaturated > 30 && desaturated < 70, "f ~ U[0, 2] is below 1 about half the time: " + desaturated);
    }

    @Test
    void blurKeepsConstantsAndReducesNoiseVariance() {
        float[] k = GaussianBlur.kernel(1.0);
        assertEquals(7, k.length, "2 ceil(3 sigma) + 1");
        double sum = 0;
        for (float v : k) {
            sum += v;
        }
        assertEquals(1, sum, 1e-6);
        assertTrue(k[3] > k[2] && k[2] > k[1] && k[2] == k[4]);

        float[] c = new float[2 * 9 * 11];
        Arrays.fill(c, -1.25f);
        Augmenter blur = Augmenter.of(new GaussianBlur(1, 0.1, 2.0));
        for (long s = 0; s < 10; s++) {
            for (float v : run(blur, c, 2, 9, 11, s)) {
                assertEquals(-1.25f, v, 1e-5);
            }
        }
        float[] n = noise(32 * 32, 8);
        float[] b = run(Augmenter.of(new GaussianBlur(1, 1.5, 1.5)), n, 1, 32, 32, 0);
        assertEquals(mean(n), mean(b), 0.05, "the mean of noise is about preserved");
        assertTrue(variance(b) < 0.2 * variance(n), "variance " + variance(n) + " -> " + variance(b));
        assertArrayEquals(n, run(Augmenter.of(new GaussianBlur(0, 0.1, 2)), n, 1, 32, 32, 0));
    }

    private static double mean(float[] a) {
        double s = 0;
        for (float v : a) {
            s += v;
        }
        return s / a.length;
    }

    private static double variance(float[] a) {
        double m = mean(a), s = 0;
        for (float v : a) {
            s += (v - m) * (v - m);
        }
        return s / a.length;
    }

    private static Supplier<Augmenter> standard() {
        return Augmenter.standardViews(8, 8, new double[] {0.4, 0.4, 0.4}, new double[] {0.2, 0.2, 0.2});
    }

    @Test
    void sameSeedSameOutputDifferentSeedsDiffer() {
        float[] img = noise(3 * 16 * 20, 9);
        Supplier<Augmenter> f = standard();
        Augmenter a = f.get(), b = f.get();
        assertEquals(8, a.outputHeight(16, 20));
        assertEquals(8, a.outputWidth(16, 20));
        float[] first = run(a, img, 3, 16, 20, 42);
        assertEquals(3 * 8 * 8, first.length);
        run(a, noise(3 * 30 * 30, 1), 3, 30, 30, 1); // buffers reused for another size in between
        assertArrayEquals(first, run(a, img, 3, 16, 20, 42));
        assertArrayEquals(first, run(b, img, 3, 16, 20, 42), "another instance, same seed");
        assertFalse(Arrays.equals(first, run(a, img, 3, 16, 20, 43)));
        Set<Integer> distinct = new HashSet<>();
        for (long s = 0; s < 20; s++) {
            distinct.add(Arrays.hashCode(run(a, img, 3, 16, 20, s)));
        }
        assertEquals(20, distinct.size());
    }

    @Test
    void indArrayApiWritesIntoBatchViews() {
        INDArray batch = Nd4j.rand(DataType.FLOAT, 3, 2, 10, 12);
        INDArray out = Nd4j.zeros(DataType.FLOAT, 3, 2, 5, 5);
        Augmenter a = Augmenter.of(new RandomResizedCrop(5, 5), new HorizontalFlip());
        for (int j = 0; j < 3; j++) {
            INDArray in = batch.get(NDArrayIndex.point(j), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
            a.apply(in, new SplittableRandom(j), out.get(NDArrayIndex.point(j), NDArrayIndex.all(), NDArrayIndex.all(),
                    NDArrayIndex.all()));
        }
        float[] all = out.data().asFloat();
        for (int j = 0; j < 3; j++) {
            float[] src = batch.get(NDArrayIndex.point(j)).dup().data().asFloat();
            float[] want = run(a, src, 2, 10, 12, j);
            assertArrayEquals(want, Arrays.copyOfRange(all, j * 50, (j + 1) * 50), "image " + j);
        }
        INDArray input = batch.get(NDArrayIndex.point(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> a.apply(input, new SplittableRandom(0), Nd4j.zeros(DataType.FLOAT, 2, 5, 6)));
        assertTrue(e.getMessage().contains("[2, 5, 5]"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> a.apply(input.permute(0, 2, 1), new SplittableRandom(0), Nd4j.zeros(DataType.FLOAT, 2, 5, 5)));
        assertThrows(IllegalArgumentException.class,
                () -> a.apply(input.castTo(DataType.DOUBLE), new SplittableRandom(0), Nd4j.zeros(DataType.FLOAT, 2, 5, 5)));
    }

    @Test
    void stepsValidateTheirSettings() {
        assertThrows(IllegalArgumentException.class, () -> new RandomResizedCrop(0, 4));
        assertThrows(IllegalArgumentException.class, () -> new RandomResizedCrop(4, 4, 0.5, 0.2, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new RandomResizedCrop(4, 4, 0.1, 1.5, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new RandomResizedCrop(4, 4, 0.1, 1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new HorizontalFlip(1.5));
        assertThrows(IllegalArgumentException.class, () -> new ColorJitter(-0.1, 0));
        assertThrows(IllegalArgumentException.class, () -> new ColorJitter(0.1, 0).withProbability(2));
        assertThrows(IllegalArgumentException.class, () -> new ColorJitter(0.1, 0).withNormalisation(new double[] {0},
                new double[] {0}));
        assertThrows(IllegalArgumentException.class, () -> new GaussianBlur(0.5, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new GaussianBlur(0.5, 2, 1));
        assertThrows(IllegalArgumentException.class, () -> new Resize(3, -1));
        assertThrows(IllegalArgumentException.class, () -> Augmenter.of(new HorizontalFlip(), null));
        // A 3-channel normalisation on a 1-channel image is a mismatch.
        Augmenter a = Augmenter.of(new ColorJitter(0.5, 0).withNormalisation(new double[] {0, 0, 0},
                new double[] {1, 1, 1}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> a.apply(new float[4], 1, 2, 2, new SplittableRandom(0)));
        assertTrue(e.getMessage().contains("3 channels"), e.getMessage());
        assertNotEquals(a.toString(), "");
    }
}
