package io.github.jepa4j.image.mask;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Seed mixing and index helpers shared by the 2D and 3D (jepa-video) maskers. */
public final class Rngs {
    private Rngs() {}

    /** SplitMix64 finaliser: a bijective 64-bit hash. */
    public static long splitMix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A generator for stream {@code stream} of seed {@code seed}; distinct streams are independent. */
    public static SplittableRandom stream(long seed, long stream) {
        return new SplittableRandom(splitMix(seed ^ splitMix(stream)));
    }

    /**
     * A uniformly random subset of {@code k} elements of {@code src}, sorted ascending. Unlike
     * keeping a prefix (I-JEPA's {@code cm[:min_keep]}), this does not bias the kept tokens
     * toward low raster indices, i.e. toward the top of the image.
     */
    public static int[] randomSubsetSorted(int[] src, int k, SplittableRandom rng) {
        if (k == src.length) {
            return src;
        }
        int[] a = src.clone();
        // Partial Fisher-Yates: the first k slots become a uniform random k-subset.
        for (int i = 0; i < k; i++) {
            int j = i + rng.nextInt(a.length - i);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        int[] out = Arrays.copyOf(a, k);
        Arrays.sort(out);
        return out;
    }

    /** Raster indices of the {@code h x w} block at {@code (top, left)} on a grid of width {@code gw}, ascending. */
    public static int[] block(int top, int left, int h, int w, int gw) {
        int[] out = new int[h * w];
        int n = 0;
        for (int r = top; r < top + h; r++) {
            for (int c = left; c < left + w; c++) {
                out[n++] = r * gw + c;
            }
        }
        return out;
    }

    /** The minimum row length of a ragged array. */
    public static int minLength(int[][] rows) {
        int m = Integer.MAX_VALUE;
        for (int[] r : rows) {
            m = Math.min(m, r.length);
        }
        return m;
    }
}
