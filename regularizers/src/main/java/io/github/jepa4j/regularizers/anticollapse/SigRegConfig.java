package io.github.jepa4j.regularizers.anticollapse;

import io.github.jepa4j.regularizers.loss.SigRegLoss;

/**
 * Settings of {@link SigReg}.
 *
 * @param seed       seed of the random projection directions (with the step, it fixes them)
 * @param directions number of random unit directions per step (LeJEPA: 256)
 * @param knots      trapezoid nodes on {@code [0, tMax]} (LeJEPA: 17)
 * @param tMax       integration limit of the Epps-Pulley statistic (LeJEPA: 3)
 */
public record SigRegConfig(long seed, int directions, int knots, double tMax) {
    public SigRegConfig {
        if (directions < 1 || knots < 2) {
            throw new IllegalArgumentException("SigRegConfig: needs directions >= 1 and knots >= 2, got " + directions
                    + " and " + knots);
        }
        Inputs.requirePositive("SigRegConfig", "tMax", tMax);
    }

    /** LeJEPA's defaults: 256 directions, 17 knots on [0, 3], seed 0. */
    public static SigRegConfig defaults() {
        return new SigRegConfig(0, SigRegLoss.DEFAULT_DIRECTIONS, SigRegLoss.DEFAULT_KNOTS, SigRegLoss.DEFAULT_T_MAX);
    }

    public SigRegConfig withSeed(long s) {
        return new SigRegConfig(s, directions, knots, tMax);
    }

    public SigRegConfig withDirections(int m) {
        return new SigRegConfig(seed, m, knots, tMax);
    }
}
