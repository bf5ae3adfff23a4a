/**
 * The generic training loop ({@link io.github.jepa4j.core.train.Trainer}), the method interface
 * ({@link io.github.jepa4j.core.train.Task}), batch sources, listeners and typed configs.
 */
package io.github.jepa4j.core.train;
