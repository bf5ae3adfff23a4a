package io.github.jepa4j.core.schedule;

/**
 * Cosine increase of the EMA momentum from {@code start} to {@code end}, as BYOL (Grill et al.,
 * 2020): with {@code end = 1},
 * <pre>
 *   m(k) = 1 - (1 - m0) (cos(pi k / K) + 1) / 2
 * </pre>
 * and in general {@code m(k) = end - (end - start) (cos(pi min(k, K) / K) + 1) / 2}, where
 * {@code k} is the 0-based optimisation step ({@code m(0) == start}) and {@code K} the total
 * number of training steps; {@code end} is held from {@code k = K} on.
 *
 * @param start      momentum at step 0 (BYOL's base momentum, e.g. 0.996)
 * @param end        momentum reached at step {@code totalSteps} (BYOL: 1)
 * @param totalSteps {@code K}, {@code > 0}
 */
public record CosineMomentumSchedule(double start, double end, long totalSteps) implements Schedule {

    public CosineMomentumSchedule {
        if (totalSteps <= 0) {
            throw new IllegalArgumentException("CosineMomentumSchedule: totalSteps must be > 0, got " + totalSteps);
        }
        Schedule.checkFinite("CosineMomentumSchedule: start", start);
        Schedule.checkFinite("CosineMomentumSchedule: end", end);
    }

    /** BYOL's schedule: from {@code baseMomentum} up to 1 over {@code totalSteps}. */
    public static CosineMomentumSchedule byol(double baseMomentum, long totalSteps) {
        return new CosineMomentumSchedule(baseMomentum, 1.0, totalSteps);
    }

    @Override
    public double value(long step) {
        Schedule.checkStep(step);
        double k = Math.min(step, totalSteps);
        return end - (end - start) * (Math.cos(Math.PI * k / totalSteps) + 1.0) / 2.0;
    }
}
