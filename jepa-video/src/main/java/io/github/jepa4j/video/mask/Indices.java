package io.github.jepa4j.video.mask;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Seed mixing and index-list helpers for the 3D maskers. */
final class Indices {
    private Indices() {}

    /** SplitMix64 finaliser: a bijective 64-bit hash. */
    static long splitMix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The generator of stream {@code stream} of {@code seed}; distinct streams are independent. */
    static SplittableRandom stream(long seed, long stream) {
        return new SplittableRandom(splitMix(seed ^ splitMix(stream)));
    }

    /**
     * A uniformly random {@code k}-subset of {@code src}, ascending. Unlike keeping a prefix (the
     * reference implementations' {@code m[:min_keep]}), it does not favour low token indices,
     * i.e. early time steps and the top of the frame.
     */
    static int[] randomSubsetSorted(int[] src, int k, SplittableRandom rng) {
        if (k == src.length) {
            return src;
        }
        int[] a = src.clone();
        for (int i = 0; i < k; i++) { // partial Fisher-Yates
            int j = i + rng.nextInt(a.length - i);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        int[] out = Arrays.copyOf(a, k);
        Arrays.sort(out);
        return out;
    }

    static int minLength(int[][] rows) {
        int m = Integer.MAX_VALUE;
        for (int[] r : rows) {
            m = Math.min(m, r.length);
        }
        return m;
    }
}
