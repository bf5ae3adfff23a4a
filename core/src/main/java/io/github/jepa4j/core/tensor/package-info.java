/**
 * Allocation-free tensor helpers: GEMM into preallocated outputs ({@link io.github.jepa4j.core.tensor.Gemm}),
 * per-layer scratch buffers ({@link io.github.jepa4j.core.tensor.Scratch}) and fused CPU kernels for
 * GELU, LayerNorm and row softmax ({@link io.github.jepa4j.core.tensor.Kernels}), with the composed
 * ND4J-op path kept for other backends; {@link io.github.jepa4j.core.tensor.BlasThreads} runs BLAS
 * calls on one thread each where the caller overlaps two streams of products.
 */
package io.github.jepa4j.core.tensor;
