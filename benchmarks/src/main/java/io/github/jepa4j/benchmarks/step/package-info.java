/** Whole-training-step speed benchmarks (printed tables). */
package io.github.jepa4j.benchmarks.step;
