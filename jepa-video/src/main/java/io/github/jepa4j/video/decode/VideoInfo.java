package io.github.jepa4j.video.decode;

import java.nio.file.Path;

/**
 * Facts about one video file's first video stream.
 *
 * @param file       the file
 * @param frameCount number of decodable frames (see {@link VideoClipDecoder#frameCount()})
 * @param fps        average frame rate, frames per second
 * @param width      stored frame width in pixels (before any resize)
 * @param height     stored frame height in pixels
 * @param codec      FFmpeg codec name, e.g. {@code "h264"}, {@code "mpeg4"}, {@code "ffv1"}
 */
public record VideoInfo(Path file, int frameCount, double fps, int width, int height, String codec) {}
