/**
 * The training-step speed table ({@code ./jepa4j bench speed}): {@link
 * io.github.jepa4j.benchmarks.speed.SpeedTable} times full I-JEPA / V-JEPA steps through the
 * trainer for the {@link io.github.jepa4j.benchmarks.speed.SpeedPreset presets}, split into phases
 * by {@link io.github.jepa4j.core.train.PhaseTimes}, with analytic FLOPs ({@link
 * io.github.jepa4j.benchmarks.speed.StepFlops}) against an sgemm sampled between the same steps
 * ({@link io.github.jepa4j.benchmarks.speed.SgemmSampler}); machine facts in {@link
 * io.github.jepa4j.benchmarks.speed.Machine}.
 */
package io.github.jepa4j.benchmarks.speed;
