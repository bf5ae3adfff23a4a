package io.github.jepa4j.core.train;

/**
 * Where the run is: the 0-based optimisation step about to be taken, the planned total, and
 * the steps per epoch. Every random draw in a step derives from {@code (seed, step)}, which is
 * what makes a resumed run bit-identical to an uninterrupted one.
 */
public record StepContext(long step, long totalSteps, long stepsPerEpoch, long seed) {
    public long epoch() {
        return stepsPerEpoch > 0 ? step / stepsPerEpoch : 0;
    }

    /** A seed unique to this step and a named stream, for per-step randomness. */
    public long seedFor(String stream) {
        long h = seed * 0x9E3779B97F4A7C15L + step;
        h ^= stream.hashCode() * 0xC2B2AE3D27D4EB4FL;
        h ^= (h >>> 31);
        return h * 0x94D049BB133111EBL;
    }
}
