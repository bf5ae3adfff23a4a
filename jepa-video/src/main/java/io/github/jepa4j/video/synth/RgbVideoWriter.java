package io.github.jepa4j.video.synth;

import io.github.jepa4j.video.synth.BouncingBalls.Codec;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameRecorder;

/**
 * Writes RGB frames of {@code H x W} pixels to a video file with FFmpeg, one frame at a time, in
 * the order given; {@link #close()} finishes the file.
 *
 * <p>Frames come as 8-bit RGB ({@link #writeRgb}: {@code H * W * 3} bytes, row-major, channels
 * interleaved) or as floats ({@link #writeChw}: {@code 3 x H x W}, channel-major, values in
 * {@code [0, 1]}, quantised to {@code round(clamp(v, 0, 1) * 255)}).
 *
 * <p>Codecs ({@link Encoding}; the frame rate {@code fps} is stored in the file):
 * <ul>
 *   <li>{@link Codec#FFV1}: lossless FFV1 in Matroska ({@code .mkv}), pixel format bgr0 (RGB
 *       storage), so decoded pixels equal the 8-bit input exactly; any frame size {@code >= 2}.</li>
 *   <li>{@link Codec#MPEG4}: MPEG-4 part 2 in MP4, yuv420p, constant quantiser
 *       {@code mpeg4Quality} (1 best .. 31 worst).</li>
 *   <li>{@link Codec#H264}: H.264 in MP4, yuv420p, with the encoder of {@link
 *       BouncingBalls#encoderName}: libx264 (preset veryfast, CRF 18) when the bundled FFmpeg has
 *       it, else OpenH264 at {@code max(64 kbit/s, H * W * ceil(fps) * bitsPerPixel)} bit/s, else
 *       the MPEG-4 settings above.</li>
 * </ul>
 * The lossy codecs put a key frame every {@code gop} frames and, being yuv420p, need even frame
 * sizes. Defaults ({@link Encoding#of}): GOP 12, MPEG-4 quantiser 2, 2 bits per pixel per frame.
 *
 * <p>One frame buffer per writer; not thread-safe. FFmpeg's own logging is limited to errors.
 */
public final class RgbVideoWriter implements AutoCloseable {
    static {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR); // no FFmpeg banner or stream dump per file
    }

    /**
     * How a file is encoded: {@code codec} at {@code fps} frames per second, a key frame every
     * {@code gop} frames (lossy codecs), the MPEG-4 quantiser {@code mpeg4Quality} in 1..31 and the
     * H.264 bitrate budget {@code bitsPerPixel} per pixel per frame.
     */
    public record Encoding(Codec codec, double fps, int gop, int mpeg4Quality, int bitsPerPixel) {
        public Encoding {
            if (codec == null) {
                throw new IllegalArgumentException("codec must not be null");
            }
            if (!(fps > 0) || !Double.isFinite(fps)) {
                throw new IllegalArgumentException("fps must be positive, got " + fps);
            }
            if (gop <= 0 || mpeg4Quality < 1 || mpeg4Quality > 31 || bitsPerPixel <= 0) {
                throw new IllegalArgumentException("gop must be > 0, mpeg4Quality in 1..31 and bitsPerPixel > 0, got "
                        + gop + ", " + mpeg4Quality + ", " + bitsPerPixel);
            }
        }

        /** {@code codec} at {@code fps} with the defaults: GOP 12, MPEG-4 quantiser 2, 2 bits per pixel. */
        public static Encoding of(Codec codec, double fps) {
            return new Encoding(codec, fps, 12, 2, 2);
        }
    }

    private final Path file;
    private final int height;
    private final int width;
    private final String encoder;
    private final FFmpegFrameRecorder recorder;
    private final byte[] rgb;
    private final ByteBuffer buf;
    private long frames;
    private boolean closed;

    /** Opens {@code file} for {@code height x width} frames with {@link Encoding#of Encoding.of(codec, fps)}. */
    public RgbVideoWriter(Path file, int height, int width, double fps, Codec codec) {
        this(file, height, width, Encoding.of(codec, fps));
    }

    /** Opens {@code file} (created or replaced) for {@code height x width} frames encoded as {@code encoding}. */
    public RgbVideoWriter(Path file, int height, int width, Encoding encoding) {
        if (file == null || encoding == null) {
            throw new IllegalArgumentException("RgbVideoWriter needs a file and an encoding, got " + file + ", " + encoding);
        }
        Codec codec = encoding.codec();
        if (height < 2 || width < 2 || (codec != Codec.FFV1 && (height % 2 != 0 || width % 2 != 0))) {
            throw new IllegalArgumentException("frame size must be >= 2 (and even for yuv420p codecs), got " + height + "x"
                    + width + " with " + codec);
        }
        this.file = file;
        this.height = height;
        this.width = width;
        this.encoder = BouncingBalls.encoderName(codec);
        this.rgb = new byte[height * width * 3];
        this.buf = ByteBuffer.allocateDirect(rgb.length);
        this.recorder = new FFmpegFrameRecorder(file.toFile(), width, height, 0);
        configure(encoding);
        try {
            recorder.start();
        } catch (FrameRecorder.Exception e) {
            release();
            throw new IllegalStateException("cannot open " + file + " for writing with " + encoder + " (" + width + "x" + height
                    + "): " + e.getMessage(), e);
        }
    }

    private void configure(Encoding e) {
        recorder.setFrameRate(e.fps());
        recorder.setGopSize(e.gop());
        if (e.codec() == Codec.FFV1) {
            recorder.setFormat("matroska");
            recorder.setVideoCodec(avcodec.AV_CODEC_ID_FFV1);
            recorder.setPixelFormat(avutil.AV_PIX_FMT_BGR0); // RGB storage: lossless end to end
            return;
        }
        recorder.setFormat("mp4");
        recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
        if (encoder.equals("mpeg4")) { // MPEG4, or H264 without an H.264 encoder
            recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
            recorder.setVideoQuality(e.mpeg4Quality()); // qscale: 1 best .. 31 worst
            return;
        }
        recorder.setVideoCodecName(encoder);
        recorder.setVideoBitrate(Math.max(64_000, (int) Math.min(Integer.MAX_VALUE / 2,
                (long) width * height * (long) Math.ceil(e.fps()) * e.bitsPerPixel())));
        if (encoder.equals("libx264")) {
            recorder.setVideoOption("preset", "veryfast");
            recorder.setVideoOption("crf", "18");
        }
    }

    /** The file being written. */
    public Path file() {
        return file;
    }

    /** The FFmpeg encoder in use ({@code ffv1}, {@code mpeg4}, {@code libx264} or {@code libopenh264}). */
    public String encoder() {
        return encoder;
    }

    /** Frames written so far. */
    public long frames() {
        return frames;
    }

    /** Appends one frame of {@code H * W * 3} bytes, row-major RGB (channels interleaved). */
    public void writeRgb(byte[] rgb) {
        if (rgb == null || rgb.length != this.rgb.length) {
            throw new IllegalArgumentException("writeRgb needs " + this.rgb.length + " bytes (" + height + "x" + width
                    + "x3 RGB), got " + (rgb == null ? "null" : rgb.length));
        }
        encode(rgb);
    }

    /**
     * Appends one frame read from {@code chw[offset ..]}: {@code 3 * H * W} floats, channel-major
     * ({@code 3 x H x W}), values in {@code [0, 1]} (clamped, then rounded to 8 bits).
     */
    public void writeChw(float[] chw, int offset) {
        int plane = height * width;
        if (chw == null || offset < 0 || offset > chw.length - 3 * plane) {
            throw new IllegalArgumentException("writeChw needs " + 3 * plane + " floats (3x" + height + "x" + width
                    + ") from offset " + offset + ", got " + (chw == null ? "null" : chw.length));
        }
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) {
                float v = chw[offset + c * plane + i];
                v = v < 0 ? 0 : (v > 1 ? 1 : v);
                rgb[3 * i + c] = (byte) Math.round(v * 255);
            }
        }
        encode(rgb);
    }

    private void encode(byte[] pixels) {
        if (closed) {
            throw new IllegalStateException("writer of " + file + " is closed");
        }
        buf.clear();
        buf.put(pixels).flip();
        try {
            recorder.recordImage(width, height, Frame.DEPTH_UBYTE, 3, width * 3, avutil.AV_PIX_FMT_RGB24, buf);
        } catch (FrameRecorder.Exception e) {
            throw new IllegalStateException("cannot encode frame " + frames + " into " + file + " with " + encoder + " ("
                    + width + "x" + height + "): " + e.getMessage(), e);
        }
        frames++;
    }

    /** Finishes the file and frees the encoder; later calls do nothing. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            recorder.stop();
        } catch (FrameRecorder.Exception e) {
            throw new IllegalStateException("cannot finish " + file + " with " + encoder + " after " + frames + " frames: "
                    + e.getMessage(), e);
        } finally {
            release();
        }
    }

    private void release() {
        try {
            recorder.release();
        } catch (FrameRecorder.Exception ignored) {
            // already failed or stopped; nothing left to free
        }
    }
}
