package io.github.jepa4j.core.train;

/**
 * Hooks into the training loop: logging, progress, metrics files, NaN guards, collapse alarms
 * and checkpoints are listeners, never code in the loop. A listener may stop training by
 * throwing (the NaN guard) or by calling {@link Trainer#requestStop(String)} (the collapse
 * alarm's clean stop).
 */
public interface TrainingListener {
    /** Before the first step (also on resume, with {@code trainer.step()} > 0). */
    default void onStart(Trainer<?> trainer) {}

    /** After backward, before the optimiser update: gradients are final; throw to refuse the update. */
    default void beforeUpdate(StepEvent event) {}

    /** After the update and the task's {@code afterUpdate} (EMA). */
    default void onStepEnd(StepEvent event) {}

    /** After the last step, or after a stop was requested; not called when a step threw. */
    default void onEnd(Trainer<?> trainer) {}
}
