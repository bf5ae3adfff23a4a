package io.github.jepa4j.world.plan;

import java.util.SplittableRandom;

/**
 * Standard normal samples for the planners: Marsaglia's polar method on a {@link
 * SplittableRandom} with {@link Math#log} (an intrinsic), two samples per accepted pair and no
 * locking; several times faster than {@code java.util.Random.nextGaussian} (synchronised, with
 * {@code StrictMath}), which dominated CEM's own cost. Seeded and deterministic; not thread-safe.
 */
final class Gaussians {
    private final SplittableRandom rng;
    private double spare;
    private boolean hasSpare;

    Gaussians(long seed) {
        this.rng = new SplittableRandom(seed);
    }

    double next() {
        if (hasSpare) {
            hasSpare = false;
            return spare;
        }
        double u, v, s;
        do {
            u = 2 * rng.nextDouble() - 1;
            v = 2 * rng.nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double f = Math.sqrt(-2 * Math.log(s) / s);
        spare = v * f;
        hasSpare = true;
        return u * f;
    }
}
