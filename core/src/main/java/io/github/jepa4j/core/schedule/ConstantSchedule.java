package io.github.jepa4j.core.schedule;

/**
 * The same value at every step, e.g. V-JEPA 2's constant EMA momentum or a fixed
 * weight decay.
 *
 * @param value the value returned for every step
 */
public record ConstantSchedule(double value) implements Schedule {

    public ConstantSchedule {
        Schedule.checkFinite("ConstantSchedule: value", value);
    }

    @Override
    public double value(long step) {
        Schedule.checkStep(step);
        return value;
    }
}
