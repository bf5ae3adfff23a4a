/**
 * jepa4j's benchmarks: the training-step speed table ({@code speed}), JMH kernel benchmarks
 * ({@code kernels}), the collapse study ({@code collapse}) and the image quality target
 * ({@code quality}), run as {@code ./jepa4j bench KIND};
 * {@link io.github.jepa4j.benchmarks.BenchCli} is the command-line glue the bench commands share.
 */
package io.github.jepa4j.benchmarks;
