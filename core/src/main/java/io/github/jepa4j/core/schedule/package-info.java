/**
 * Per-step hyper-parameter schedules: learning rate, weight decay and EMA momentum.
 *
 * <p>Every {@link io.github.jepa4j.core.schedule.Schedule} is indexed by the 0-based optimisation
 * step: {@code value(step)} is the value to use for the optimiser step that is taken when
 * {@code step} steps have already been taken. Each class states how that maps to the reference
 * implementation it reproduces (I-JEPA's schedulers are stepped before use, so their k-th call,
 * k = 1, 2, ..., corresponds to our {@code step = k - 1}).
 */
package io.github.jepa4j.core.schedule;
