/**
 * Video decoding with FFmpeg (through javacv): {@link io.github.jepa4j.video.decode.VideoClipDecoder}
 * seeks to a frame and writes a clip of {@code T} frames (with a stride), resized and normalised
 * per a {@link io.github.jepa4j.video.decode.FrameSpec}, straight into its slot of a
 * preallocated float batch {@code [B, C, T, H, W]}, reusing its buffers for every frame.
 */
package io.github.jepa4j.video.decode;
