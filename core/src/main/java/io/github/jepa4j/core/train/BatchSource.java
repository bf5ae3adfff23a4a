package io.github.jepa4j.core.train;

/**
 * Supplies the batch of each optimisation step.
 *
 * <p>The batch for a step must be a deterministic function of the step (and the source's own
 * seed), whatever the thread timing: that is what lets training resume from a checkpoint at
 * step k and reproduce an uninterrupted run exactly. Prefetching sources fill reusable buffers
 * ahead of the trainer and get them back through {@link #release}.
 */
public interface BatchSource<B> extends AutoCloseable {
    /** The batch for {@code step}; steps are requested in increasing order. */
    B next(long step);

    /** Gives a batch's buffers back for reuse after the step is done with it. */
    default void release(B batch) {}

    /** Steps in one pass over the data. */
    long stepsPerEpoch();

    /** Milliseconds the last {@link #next} waited for data (0 when data was ready). */
    default double lastWaitMillis() {
        return 0;
    }

    @Override
    default void close() {}
}
