/** Atomic, bit-exact training checkpoints (parameters, optimiser state, EMA target, step, config). */
package io.github.jepa4j.core.checkpoint;
