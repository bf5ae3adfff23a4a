/** Allocation-free tensor helpers: GEMM into preallocated outputs and per-layer scratch buffers. */
package io.github.jepa4j.core.tensor;
