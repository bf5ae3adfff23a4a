package io.github.jepa4j.core.schedule;

/**
 * Linear warm-up followed by a half-cosine decay, as I-JEPA's {@code WarmupCosineSchedule}
 * (Assran et al., 2023), used there for the learning rate.
 *
 * <p>With {@code k = step + 1} (I-JEPA steps its scheduler before each update, so its k-th call
 * sets the rate for our 0-based step {@code k - 1}):
 * <pre>
 *   k &lt; warmup:  value = startValue + (k / warmup) (refValue - startValue)
 *   k &gt;= warmup: p = min(1, (k - warmup) / max(1, total - warmup))
 *               value = finalValue + (refValue - finalValue) (1 + cos(pi p)) / 2
 * </pre>
 * So the warm-up reaches {@code refValue} exactly at {@code k = warmup} (step {@code warmup - 1})
 * and the cosine reaches {@code finalValue} at {@code k = total} (step {@code total - 1}).
 *
 * <p>Differences from the reference, both outside its normal range of use: past {@code total}
 * the reference keeps evaluating the cosine, which rises again, whereas this schedule holds
 * {@code finalValue} (the {@code min(1, .)} above; I-JEPA sets {@code total} to 1.25 times the
 * real training length, so it never gets there); and the reference's {@code max(finalValue, .)}
 * pins the whole cosine phase to {@code finalValue} when {@code finalValue > refValue}, whereas
 * this schedule then rises from {@code refValue} to {@code finalValue}. For
 * {@code finalValue <= refValue} and {@code k <= total} the values are identical.
 *
 * @param warmup     warm-up length in steps, {@code 0 <= warmup <= total}
 * @param total      schedule length in steps, {@code > 0}
 * @param startValue value at the start of the warm-up (I-JEPA {@code start_lr})
 * @param refValue   peak value reached at the end of the warm-up (I-JEPA {@code ref_lr})
 * @param finalValue value at the end of the cosine (I-JEPA {@code final_lr})
 */
public record WarmupCosineSchedule(long warmup, long total, double startValue, double refValue, double finalValue)
        implements Schedule {

    public WarmupCosineSchedule {
        if (total <= 0) {
            throw new IllegalArgumentException("WarmupCosineSchedule: total must be > 0, got " + total);
        }
        if (warmup < 0 || warmup > total) {
            throw new IllegalArgumentException("WarmupCosineSchedule: warmup must be in [0, total=" + total + "], got " + warmup);
        }
        Schedule.checkFinite("WarmupCosineSchedule: startValue", startValue);
        Schedule.checkFinite("WarmupCosineSchedule: refValue", refValue);
        Schedule.checkFinite("WarmupCosineSchedule: finalValue", finalValue);
    }

    @Override
    public double value(long step) {
        Schedule.checkStep(step);
        double k = step + 1.0;
        if (k < warmup) {
            double progress = k / warmup;
            return startValue + progress * (refValue - startValue);
        }
        double progress = Math.min(1.0, (k - warmup) / Math.max(1.0, (double) (total - warmup)));
        return finalValue + (refValue - finalValue) * 0.5 * (1.0 + Math.cos(Math.PI * progress));
    }
}
