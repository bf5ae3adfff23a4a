/** Video JEPA: FFmpeg clip decoding into preallocated batches, tubelets, 3D masks, state probes. */
package io.github.jepa4j.video;
