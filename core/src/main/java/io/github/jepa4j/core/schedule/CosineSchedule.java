package io.github.jepa4j.core.schedule;

/**
 * Half-cosine from {@code start} to {@code end} over {@code total} steps, as I-JEPA's
 * {@code CosineWDSchedule} (used there to raise the weight decay from 0.04 to 0.4).
 *
 * <p>With {@code k = step + 1} (the reference is stepped before each update):
 * <pre>
 *   p = min(1, k / total)
 *   value = end + (start - end) (1 + cos(pi p)) / 2
 * </pre>
 * Hence {@code value(0)} is already one step into the cosine (slightly past {@code start}) and
 * {@code value(total - 1) == end}; from then on {@code end} is held. The reference clamps the
 * value to {@code end} with {@code max}/{@code min} but not the progress, so past {@code total}
 * its cosine would come back; with {@code p <= 1} its clamp is a no-op and the values agree.
 *
 * @param total schedule length in steps, {@code > 0}
 * @param start value the cosine starts from (I-JEPA {@code ref_wd})
 * @param end   value reached at step {@code total - 1} and held afterwards (I-JEPA {@code final_wd})
 */
public record CosineSchedule(long total, double start, double end) implements Schedule {

    public CosineSchedule {
        if (total <= 0) {
            throw new IllegalArgumentException("CosineSchedule: total must be > 0, got " + total);
        }
        Schedule.checkFinite("CosineSchedule: start", start);
        Schedule.checkFinite("CosineSchedule: end", end);
    }

    @Override
    public double value(long step) {
        Schedule.checkStep(step);
        double progress = Math.min(1.0, (step + 1.0) / total);
        return end + (start - end) * 0.5 * (1.0 + Math.cos(Math.PI * progress));
    }
}
