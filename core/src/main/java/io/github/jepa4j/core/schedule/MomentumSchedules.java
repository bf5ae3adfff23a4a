package io.github.jepa4j.core.schedule;

import java.util.List;
import java.util.Locale;

/**
 * The EMA-target momentum schedules by name, over a run of {@code total} steps: {@code linear}
 * (I-JEPA, V-JEPA: start -> end), {@code cosine} (BYOL) and {@code constant} (V-JEPA 2: start).
 */
public final class MomentumSchedules {
    /** Accepted names. */
    public static final List<String> NAMES = List.of("linear", "cosine", "constant");

    private MomentumSchedules() {}

    public static Schedule of(String kind, double start, double end, long total) {
        return switch (kind.toLowerCase(Locale.ROOT)) {
            case "linear" -> new LinearSchedule(start, end, Math.max(1, total));
            case "cosine" -> new CosineMomentumSchedule(start, end, Math.max(1, total));
            case "constant" -> new ConstantSchedule(start);
            default -> throw new IllegalArgumentException("unknown momentum schedule '" + kind + "'; valid: " + NAMES);
        };
    }
}
