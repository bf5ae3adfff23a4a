package io.github.jepa4j.core.train;

/**
 * One step as listeners see it.
 *
 * @param trainer        the trainer (for its task, stores, checkpointing)
 * @param step           the 0-based step just taken
 * @param totalSteps     planned number of steps
 * @param epoch          0-based epoch of this step
 * @param output         loss and its named terms
 * @param lr             learning rate used
 * @param weightDecay    weight decay used
 * @param gradNorm       global gradient L2 norm before clipping
 * @param examples       examples in the batch
 * @param stepMillis     wall time of the whole step, data wait included
 * @param dataWaitMillis time the step waited for its batch
 */
public record StepEvent(Trainer<?> trainer, long step, long totalSteps, long epoch, StepOutput output,
                        double lr, double weightDecay, double gradNorm, int examples,
                        double stepMillis, double dataWaitMillis) {}
