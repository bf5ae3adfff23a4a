/**
 * jepa4j's benchmarks: the training-step speed table ({@code speed}), JMH kernel benchmarks
 * ({@code kernels}) and the collapse study ({@code collapse}), run as {@code ./jepa4j bench KIND};
 * {@link io.github.jepa4j.benchmarks.BenchCli} is the command-line glue the bench commands share.
 */
package io.github.jepa4j.benchmarks;
