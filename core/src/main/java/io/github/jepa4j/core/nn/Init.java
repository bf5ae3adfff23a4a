package io.github.jepa4j.core.nn;

import java.util.SplittableRandom;

/**
 * How a parameter is initialised. Values are drawn in Java from a per-parameter seeded stream,
 * so initial weights are identical on every backend and every run with the same seed.
 */
@FunctionalInterface
public interface Init {
    /** Fills {@code out} (the parameter, flattened row-major). */
    void fill(double[] out, long[] shape, SplittableRandom rng);

    static Init zeros() {
        return (out, shape, rng) -> java.util.Arrays.fill(out, 0.0);
    }

    static Init ones() {
        return (out, shape, rng) -> java.util.Arrays.fill(out, 1.0);
    }

    static Init constant(double v) {
        return (out, shape, rng) -> java.util.Arrays.fill(out, v);
    }

    /**
     * Normal(0, std) truncated to [-2 std, 2 std] by resampling, as timm's and I-JEPA's
     * {@code trunc_normal_(std=0.02)} for Linear and patch-embedding weights.
     */
    static Init truncNormal(double std) {
        return (out, shape, rng) -> {
            for (int i = 0; i < out.length; i++) {
                double v;
                do {
                    v = gaussian(rng);
                } while (Math.abs(v) > 2.0);
                out[i] = v * std;
            }
        };
    }

    /** Standard normal sample from a {@link SplittableRandom} (Box-Muller; no shared state). */
    static double gaussian(SplittableRandom rng) {
        double u1 = rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2.0 * Math.log(1.0 - u1)) * Math.cos(2.0 * Math.PI * u2);
    }
}
