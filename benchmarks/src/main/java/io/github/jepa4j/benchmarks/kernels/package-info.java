/**
 * JMH micro-benchmarks of the non-GEMM kernels of a training step (GELU, LayerNorm, row softmax)
 * on the reference model's sizes (batch 64 x 49 tokens, D = 128, MLP 512, 4 heads), each on the
 * composed ND4J-op path and on the fused {@link io.github.jepa4j.core.tensor.Kernels} path, with
 * a GEMM of the same size for scale. Run with {@code benchmarks/run-jmh.sh}.
 */
package io.github.jepa4j.benchmarks.kernels;
