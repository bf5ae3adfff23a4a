package io.github.jepa4j.core.train;

import java.util.Map;

/**
 * What a task reports for one step: the total loss and its named terms (e.g. {@code pred},
 * {@code vicreg.var}); terms are logged and written to the metrics CSV.
 */
public record StepOutput(double loss, Map<String, Double> terms) {
    public StepOutput {
        terms = Map.copyOf(terms);
    }

    public static StepOutput of(double loss) {
        return new StepOutput(loss, Map.of());
    }
}
