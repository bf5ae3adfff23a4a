/**
 * Optimisation over a flat {@link io.github.jepa4j.core.nn.ParamStore}: decoupled-weight-decay
 * Adam ({@link io.github.jepa4j.core.optim.AdamW}), global-norm gradient clipping
 * ({@link io.github.jepa4j.core.optim.GradClip}) and the exponential moving average that drives
 * a JEPA target encoder ({@link io.github.jepa4j.core.optim.Ema}). Each is a few fused in-place
 * operations over whole flat buffers; none allocates per step.
 */
package io.github.jepa4j.core.optim;
