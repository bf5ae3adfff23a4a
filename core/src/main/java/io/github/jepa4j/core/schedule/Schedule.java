package io.github.jepa4j.core.schedule;

/**
 * A hyper-parameter as a function of the optimisation step.
 *
 * <p>{@code step} is 0-based: the first optimiser update uses {@code value(0)}. Implementations
 * are pure functions of {@code step} (no internal counter), so a run resumed from a checkpoint at
 * step {@code s} just continues with {@code value(s)}. Past the end of its horizon a schedule
 * holds its final value. A negative step is an error.
 */
@FunctionalInterface
public interface Schedule {
    /** The value for 0-based optimisation step {@code step >= 0}. */
    double value(long step);

    /** Throws the standard error for a negative step; for implementations. */
    static void checkStep(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("schedule step must be >= 0, got " + step);
        }
    }

    /** Throws unless {@code v} is finite; for constructors. */
    static void checkFinite(String name, double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(name + " must be finite, got " + v);
        }
    }
}
