package io.github.jepa4j.regularizers.monitor;

import java.util.Locale;

/**
 * One collapse alarm raised by {@link CollapseMonitor}: at {@code step} (completed optimisation
 * steps), {@code metric} had {@code value}, below its {@code threshold}.
 *
 * @param step      completed training steps when the embeddings were measured
 * @param metric    the metric's name, e.g. {@link CollapseMonitor#RANKME}
 * @param value     its value
 * @param threshold the alarm threshold it fell below
 */
public record CollapseAlarm(long step, String metric, double value, double threshold) {
    /** The log line: names the metric, its value, its threshold and the step. */
    public String message() {
        return String.format(Locale.ROOT, "COLLAPSE ALARM at step %d: %s = %.6g is below the threshold %.6g",
                step, metric, value, threshold);
    }
}
