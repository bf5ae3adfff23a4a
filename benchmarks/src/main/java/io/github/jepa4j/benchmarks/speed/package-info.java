/**
 * The training-step speed table ({@code ./jepa4j bench speed}): {@link
 * io.github.jepa4j.benchmarks.speed.SpeedTable} times full I-JEPA / V-JEPA steps through the
 * trainer for the {@link io.github.jepa4j.benchmarks.speed.SpeedPreset presets}, split into phases
 * by {@link io.github.jepa4j.core.train.PhaseTimes}, with analytic FLOPs ({@link
 * io.github.jepa4j.benchmarks.speed.StepFlops}) against an sgemm sampled between the same steps
 * ({@link io.github.jepa4j.benchmarks.speed.SgemmSampler}); machine facts in {@link
 * io.github.jepa4j.benchmarks.speed.Machine}. {@link io.github.jepa4j.benchmarks.speed.BlockBreakdown}
 * ({@code ./jepa4j bench block}) splits one core's time inside the step's transformer blocks into
 * their parts; {@link io.github.jepa4j.benchmarks.speed.InterleavedComparison} compares two builds
 * in one JVM ({@code benchmarks/run-ab.sh}).
 */
package io.github.jepa4j.benchmarks.speed;
