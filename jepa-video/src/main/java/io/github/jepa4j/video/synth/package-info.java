/**
 * Synthetic videos with known ground truth: {@link io.github.jepa4j.video.synth.BouncingBalls}
 * writes real video files (FFV1, MPEG-4, H.264) of balls bouncing in a box and a
 * {@code labels.csv} of their positions and velocities per frame.
 */
package io.github.jepa4j.video.synth;
