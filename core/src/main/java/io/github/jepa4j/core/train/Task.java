package io.github.jepa4j.core.train;

import io.github.jepa4j.core.nn.ParamStore;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A self-supervised method: what one training step computes, for batches of type {@code B}.
 *
 * <p>The trainer is generic; the method lives here. {@link #forwardBackward} reads as the
 * numbered steps of a JEPA step (1. target forward without gradients, 2. context forward,
 * 3. predictor, 4. loss = prediction loss + weighted anti-collapse terms, 5. backward into
 * {@link #trainable()}'s gradient buffer). The trainer then applies the optimiser (step 6) and
 * calls {@link #afterUpdate} (step 7: e.g. the EMA target update). A task never sees the
 * optimiser, and the trainer never names a method or a regulariser.
 */
public interface Task<B> extends AutoCloseable {
    /** Every parameter the optimiser updates (encoder, predictor, heads), in one store. */
    ParamStore trainable();

    /**
     * Steps 1-5. Gradients in {@link #trainable()} are zero on entry; on return they hold
     * {@code d loss / d params}.
     */
    StepOutput forwardBackward(B batch, StepContext ctx);

    /** Step 7, after the optimiser update (EMA target, momentum schedules). */
    default void afterUpdate(StepContext ctx) {}

    /**
     * State besides the trainable parameters that a checkpoint must hold for a bit-identical
     * resume (e.g. the EMA target's parameters), by name. Arrays are written and, on resume,
     * assigned back in place.
     */
    default Map<String, INDArray> state() {
        return Map.of();
    }

    /** The model part of the configuration (for refusing checkpoints of another model); any record. */
    Object modelConfig();

    /** Number of examples (images, clips) in a batch, for throughput. */
    int examples(B batch);

    @Override
    default void close() {}
}
