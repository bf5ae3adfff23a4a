/**
 * The image quality target ({@code ./jepa4j bench quality}): trained I-JEPA runs against the
 * raw-pixel baseline, the untrained encoder and a PyTorch implementation, under one probe.
 */
package io.github.jepa4j.benchmarks.quality;
