package io.github.jepa4j.world.env;

import io.github.jepa4j.video.synth.BouncingBalls;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameRecorder;

/**
 * Writes float RGB frames ({@code 3 x H x W}, channel-major, values in {@code [0, 1]}) to a video
 * file with FFmpeg, one frame at a time.
 *
 * <p>Pixels are quantised as {@code round(clamp(v, 0, 1) * 255)}. Codecs and containers are
 * those of {@link BouncingBalls.Codec}: FFV1 in Matroska is lossless (decoded pixels equal the
 * quantised input exactly), MPEG-4 and H.264 (libx264, else OpenH264, else MPEG-4, see {@link
 * BouncingBalls#encoderName}) are lossy yuv420p in MP4, which needs even frame sizes.
 *
 * <p>{@code BouncingBalls}' own writer is private and renders from its state; this class is the
 * reusable part. One byte buffer per writer; not thread-safe.
 */
public final class RgbVideoWriter implements AutoCloseable {
    static {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    }

    private final Path file;
    private final int width;
    private final int height;
    private final FFmpegFrameRecorder recorder;
    private final byte[] rgb;
    private final ByteBuffer buf;
    private boolean closed;

    /** Opens {@code file} for {@code height x width} frames at {@code fps} with {@code codec}. */
    public RgbVideoWriter(Path file, int height, int width, double fps, BouncingBalls.Codec codec) {
        if (file == null || codec == null) {
            throw new IllegalArgumentException("RgbVideoWriter needs a file and a codec, got " + file + ", " + codec);
        }
        if (height < 2 || width < 2 || (codec != BouncingBalls.Codec.FFV1 && (height % 2 != 0 || width % 2 != 0))) {
            throw new IllegalArgumentException("frame size must be >= 2 (and even for yuv420p codecs), got " + height + "x"
                    + width + " with " + codec);
        }
        if (!(fps > 0) || !Double.isFinite(fps)) {
            throw new IllegalArgumentException("fps must be positive, got " + fps);
        }
        this.file = file;
        this.width = width;
        this.height = height;
        this.rgb = new byte[height * width * 3];
        this.buf = ByteBuffer.allocateDirect(rgb.length);
        this.recorder = new FFmpegFrameRecorder(file.toFile(), width, height, 0);
        recorder.setFrameRate(fps);
        recorder.setGopSize(12);
        String enc = BouncingBalls.encoderName(codec);
        if (codec == BouncingBalls.Codec.FFV1) {
            recorder.setFormat("matroska");
            recorder.setVideoCodec(avcodec.AV_CODEC_ID_FFV1);
            recorder.setPixelFormat(avutil.AV_PIX_FMT_BGR0);
        } else if (enc.equals("mpeg4")) {
            recorder.setFormat("mp4");
            recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
            recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            recorder.setVideoQuality(2);
        } else {
            recorder.setFormat("mp4");
            recorder.setVideoCodecName(enc);
            recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            recorder.setVideoBitrate(Math.max(64_000, width * height * 25 * 2));
        }
        try {
            recorder.start();
        } catch (FrameRecorder.Exception e) {
            release();
            throw new IllegalStateException("cannot open " + file + " for writing with " + enc + ": " + e.getMessage(), e);
        }
    }

    /** Appends one frame read from {@code chw[offset ..]} ({@code 3 * H * W} floats). */
    public void write(float[] chw, int offset) {
        int plane = height * width;
        if (closed) {
            throw new IllegalStateException("writer of " + file + " is closed");
        }
        if (chw == null || offset < 0 || offset > chw.length - 3 * plane) {
            throw new IllegalArgumentException("write needs " + 3 * plane + " floats from offset " + offset + ", got "
                    + (chw == null ? "null" : chw.length));
        }
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) {
                float v = chw[offset + c * plane + i];
                v = v < 0 ? 0 : (v > 1 ? 1 : v);
                rgb[3 * i + c] = (byte) Math.round(v * 255);
            }
        }
        buf.clear();
        buf.put(rgb).flip();
        try {
            recorder.recordImage(width, height, Frame.DEPTH_UBYTE, 3, width * 3, avutil.AV_PIX_FMT_RGB24, buf);
        } catch (FrameRecorder.Exception e) {
            throw new IllegalStateException("cannot encode a frame into " + file + ": " + e.getMessage(), e);
        }
    }

    /** Finishes the file and frees the encoder. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            recorder.stop();
        } catch (FrameRecorder.Exception e) {
            throw new IllegalStateException("cannot finish " + file + ": " + e.getMessage(), e);
        } finally {
            release();
        }
    }

    private void release() {
        try {
            recorder.release();
        } catch (FrameRecorder.Exception ignored) {
            // nothing left to free
        }
    }
}
