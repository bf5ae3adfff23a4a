/**
 * JMH micro-benchmarks of the hot kernels of a training step on the reference model's sizes
 * (batch 64 x 49 tokens, D = 128, MLP 512, 4 heads): attention forward/backward, GELU,
 * LayerNorm and row softmax (each on the composed ND4J-op path and on the fused {@link
 * io.github.jepa4j.core.tensor.Kernels} path), token gather/scatter-add, the AdamW step and the
 * EMA update over the model's flat buffers, and a GEMM of the same size for scale.
 * {@link io.github.jepa4j.benchmarks.kernels.KernelsTable} runs them and writes the Markdown
 * table: {@code ./jepa4j bench kernels} (or {@code benchmarks/run-jmh.sh}).
 */
package io.github.jepa4j.benchmarks.kernels;
