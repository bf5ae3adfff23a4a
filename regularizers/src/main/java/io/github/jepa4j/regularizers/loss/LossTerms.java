package io.github.jepa4j.regularizers.loss;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The value of a loss on one batch: its named (unweighted) terms, the weighted {@code total}, and
 * the gradients of {@code total} with respect to the loss's inputs.
 *
 * <p>{@code gradA} is {@code d total / d (first input)}; {@code gradB} is {@code d total / d (second
 * input)}, or {@code null} for a loss of a single input (or one whose second input is a
 * stop-gradient target). Gradients have the shape and data type of their input and are freshly
 * allocated for this result: the loss keeps no reference to them, so the caller owns them. The
 * term map is an unmodifiable copy in the loss's documented order.
 *
 * @param terms unweighted terms by name, e.g. {@code invariance}, {@code variance}, {@code covariance}
 * @param total the weighted sum that the gradients differentiate
 * @param gradA gradient of {@code total} with respect to the first input
 * @param gradB gradient of {@code total} with respect to the second input, or {@code null}
 */
public record LossTerms(Map<String, Double> terms, double total, INDArray gradA, INDArray gradB) {
    public LossTerms {
        Objects.requireNonNull(gradA, "gradA");
        terms = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(terms, "terms")));
    }

    /** The unweighted term {@code name}; throws if this loss has no such term. */
    public double term(String name) {
        Double v = terms.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no loss term '" + name + "'; terms are " + terms.keySet());
        }
        return v;
    }
}
