package io.github.jepa4j.image.data;

/** Seed mixing for deterministic per-item random streams. */
final class Rngs {
    private Rngs() {}

    /** SplitMix64 finaliser: a bijective 64-bit hash. */
    static long splitMix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
