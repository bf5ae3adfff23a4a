package io.github.jepa4j.core.schedule;

/**
 * Linear ramp from {@code start} to {@code end} over {@code totalSteps} steps, I-JEPA's EMA
 * momentum schedule (0.996 to 1.0).
 *
 * <pre>
 *   value(i) = start + min(i, totalSteps) (end - start) / totalSteps
 * </pre>
 * Step {@code i} is 0-based and used as is: {@code value(0) == start}, matching I-JEPA, whose
 * momentum generator yields {@code m0 + i (m1 - m0) / (ipe * epochs * ipe_scale)} for
 * {@code i = 0, 1, ...} and is advanced once after each optimiser step. To reproduce it pass
 * {@code totalSteps = ipe * epochs * ipe_scale}; the reference's generator ends after
 * {@code totalSteps + 1} values, whereas this schedule then holds {@code end}.
 *
 * @param start      value at step 0
 * @param end        value reached at step {@code totalSteps} and held afterwards
 * @param totalSteps ramp length in steps, {@code > 0}
 */
public record LinearSchedule(double start, double end, long totalSteps) implements Schedule {

    public LinearSchedule {
        if (totalSteps <= 0) {
            throw new IllegalArgumentException("LinearSchedule: totalSteps must be > 0, got " + totalSteps);
        }
        Schedule.checkFinite("LinearSchedule: start", start);
        Schedule.checkFinite("LinearSchedule: end", end);
    }

    @Override
    public double value(long step) {
        Schedule.checkStep(step);
        long i = Math.min(step, totalSteps);
        // Same operation order as the reference: m0 + i * (m1 - m0) / T.
        return start + i * (end - start) / totalSteps;
    }
}
