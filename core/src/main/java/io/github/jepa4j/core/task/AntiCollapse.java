package io.github.jepa4j.core.task;

import io.github.jepa4j.core.nn.ParamStore;
import io.github.jepa4j.core.train.StepContext;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An anti-collapse module: a loss term on embeddings that keeps the encoders from learning a
 * constant (VICReg variance/covariance, SIGReg, Barlow Twins, EMA-teacher distillation, ...).
 * Implementations live in the {@code regularizers} module and are found by name in its registry;
 * tasks compose them with the prediction loss and never name a concrete method.
 *
 * <p>Lifecycle: {@link #register} adds any parameters (expander, predictor head) to the trainable
 * store before it is allocated; {@link #initialize} runs after allocation; then per step
 * {@link #apply} and {@link #afterUpdate}.
 */
public interface AntiCollapse {
    /** Registry name, e.g. {@code vicreg}. */
    String name();

    /** Adds this module's parameters (if any) to {@code store} for embeddings of width {@code dim}. */
    default void register(ParamStore store, int dim) {}

    /** After the store is allocated (e.g. to copy a teacher from the student). */
    default void initialize(ParamStore store) {}

    /**
     * Computes the term on one or two branches of embeddings {@code [N, D]} ({@code b} may be null
     * for single-branch use; {@code b} given with {@code gradB == null} means b is a
     * stop-gradient input such as an EMA teacher's output), ADDS {@code weight * d term / d a} into {@code gradA} (and likewise
     * for b), accumulates {@code weight}-scaled gradients of its own parameters, and returns its
     * weighted terms by name (e.g. {@code vicreg.var}), prefixed with {@link #name()}. The terms
     * sum to this module's contribution to the total loss.
     */
    Map<String, Double> apply(INDArray a, INDArray b, INDArray gradA, INDArray gradB, double weight, StepContext ctx);

    /** After the optimiser update (e.g. an EMA teacher). */
    default void afterUpdate(ParamStore store, StepContext ctx) {}

    /** State to checkpoint besides parameters in the trainable store (e.g. a teacher), by name. */
    default Map<String, INDArray> state() {
        return Map.of();
    }

    /** A typed, JSON-serialisable description of the module's settings (saved with checkpoints). */
    Object config();
}
