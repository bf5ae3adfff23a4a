package io.github.jepa4j.video.decode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Decodes clips of one video file straight into a preallocated float batch
 * {@code [B, C, T, H, W]}.
 *
 * <p>{@link #readClip(int, int, int, INDArray, int)} writes frames {@code start, start + s, ...,
 * start + (T - 1) s} (stride {@code s}) of the file into {@code batch[b, :, t]}, each resized by
 * FFmpeg's swscale to the {@link FrameSpec}'s {@code H x W}, converted to RGB (or gray) and
 * normalised as {@code (u / 255 - mean[c]) / std[c]}. The clip starts with an exact seek
 * ({@link FFmpegFrameGrabber#setVideoFrameNumber}: back to the previous key frame, then decode
 * forward), unless the decoder is already there or at most 16 frames before it, where it simply
 * decodes forward (sequential clips cost no seek); frames skipped by the stride or on the way are
 * decoded but not converted.
 *
 * <p>Allocation: one grabber (with its native frames), one byte row buffer and one float frame
 * buffer {@code [C, H, W]} per decoder, made in the constructor and reused for every frame:
 * pixels go from the grabber's frame buffer through a 256-entry table per channel into the
 * frame buffer, and from there into the batch by one bulk copy per channel. No
 * {@code Frame.clone()}, no per-clip arrays.
 *
 * <p>Throughput (one thread, decode + convert + write, GOP 16, measured by the test-scope
 * {@code DecodeThroughput} on a busy shared 2-core machine, so lower bounds): 64 x 64 about
 * 20-35k frames/s for sequential clips and 9-14k for random clips (a seek per clip, stride 2);
 * 224 x 224 about 3-5k and 2-2.7k (H.264 via OpenH264 and MPEG-4 alike). Resident memory stays
 * flat over thousands of clips and reopened decoders.
 *
 * <p>Frame count: the container's per-stream frame count when it records one (MP4, MOV, AVI),
 * otherwise the exact number of video packets, counted once when the file is opened (MKV, WebM:
 * a scan of the packet headers, no decoding). A clip needs
 * {@code start + (T - 1) s < frameCount}.
 *
 * <p>Errors are {@link IllegalArgumentException}s that name the file and the values: missing,
 * empty, unreadable or truncated files, files without a video stream, clips beyond the end.
 * After a decoding error the decoder is still usable (the next clip seeks).
 *
 * <p>Not thread-safe: use one decoder per thread. Closing releases the native decoder;
 * FFmpeg's log level is set to errors only when this class loads, which silences its banner.
 */
public final class VideoClipDecoder implements AutoCloseable {
    static {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    }

    /** Clip starts at most this far ahead of the decoder are reached by decoding forward, not seeking. */
    private static final int MAX_FORWARD_DECODE = 16;

    private final Path file;
    private final FrameSpec spec;
    private final VideoInfo info;
    private final FFmpegFrameGrabber grabber;
    private final float[][] tables;
    private final byte[] row;
    private final float[] plane;
    /** Index of the frame the next grab returns, or -1 when unknown (after an error). */
    private int position;
    private boolean closed;

    /** Opens {@code file} for clips in the format {@code spec}; the frame count is read or counted now. */
    public VideoClipDecoder(Path file, FrameSpec spec) {
        this(file, spec, -1);
    }

    /**
     * Opens {@code file} trusting a frame count already known from {@link #probe} (skipping the
     * packet count for containers that do not store it).
     */
    public VideoClipDecoder(Path file, FrameSpec spec, VideoInfo known) {
        this(file, spec, knownFrames(file, known));
    }

    private static int knownFrames(Path file, VideoInfo known) {
        if (known == null) {
            return -1;
        }
        if (file == null || !known.file().toAbsolutePath().normalize().equals(file.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("VideoInfo is for " + known.file() + ", not " + file);
        }
        if (known.frameCount() <= 0) {
            throw new IllegalArgumentException("VideoInfo of " + file + " claims " + known.frameCount() + " frames");
        }
        return known.frameCount();
    }

    private VideoClipDecoder(Path file, FrameSpec spec, int knownFrames) {
        if (file == null || spec == null) {
            throw new IllegalArgumentException("VideoClipDecoder needs a file and a FrameSpec, got " + file + ", " + spec);
        }
        this.file = file;
        this.spec = spec;
        checkReadable(file);
        this.grabber = new FFmpegFrameGrabber(file.toFile());
        // Workers already decode in parallel, one decoder each: keep FFmpeg from adding threads per decoder.
        grabber.setVideoOption("threads", "1");
        grabber.setImageWidth(spec.width());
        grabber.setImageHeight(spec.height());
        if (spec.channels() == 3) {
            grabber.setImageMode(FrameGrabber.ImageMode.COLOR);
            grabber.setPixelFormat(avutil.AV_PIX_FMT_RGB24);
        } else {
            grabber.setImageMode(FrameGrabber.ImageMode.GRAY);
            grabber.setPixelFormat(avutil.AV_PIX_FMT_GRAY8);
        }
        try {
            VideoInfo vi;
            try {
                grabber.start();
                if (!grabber.hasVideo()) {
                    throw new IllegalArgumentException("no video stream in " + file + " (format "
                            + grabber.getFormat() + ")");
                }
                int n = knownFrames >= 0 ? knownFrames : storedFrameCount(grabber);
                if (n <= 0) {
                    n = countVideoPackets(grabber);
                    grabber.setVideoFrameNumber(0);
                }
                vi = new VideoInfo(file, n, grabber.getVideoFrameRate(), sourceWidth(grabber), sourceHeight(grabber),
                        avcodec.avcodec_get_name(grabber.getVideoCodec()).getString());
            } catch (FrameGrabber.Exception e) {
                throw new IllegalArgumentException("cannot open video file " + file + " (" + sizeOf(file)
                        + " bytes): not a readable video or truncated: " + e.getMessage(), e);
            }
            if (vi.frameCount() <= 0) {
                throw new IllegalArgumentException("video file " + file + " has no frames");
            }
            this.info = vi;
        } catch (RuntimeException e) {
            releaseQuietly(grabber);
            throw e;
        }
        this.position = 0;
        this.tables = spec.lookupTables();
        this.row = new byte[spec.width() * spec.channels()];
        this.plane = new float[spec.channels() * spec.height() * spec.width()];
    }

    /**
     * Reads the facts of {@code file} (exact frame count as in the constructor), for datasets
     * that index many files once.
     */
    public static VideoInfo probe(Path file) {
        // Opening converts at most one frame (after counting packets it seeks back): a tiny output keeps that cheap.
        try (VideoClipDecoder d = new VideoClipDecoder(file, FrameSpec.gray(2, 2))) {
            return d.info;
        }
    }

    public Path file() {
        return file;
    }

    public FrameSpec spec() {
        return spec;
    }

    public VideoInfo info() {
        return info;
    }

    /** Number of decodable frames. */
    public int frameCount() {
        return info.frameCount();
    }

    /** Average frame rate, frames per second. */
    public double fps() {
        return info.fps();
    }

    /** Stored frame width in pixels (before the resize to the spec). */
    public int width() {
        return info.width();
    }

    /** Stored frame height in pixels. */
    public int height() {
        return info.height();
    }

    /**
     * Decodes frames {@code start + t * stride}, {@code t < frames}, into {@code batch[b, :, t, :, :]}.
     *
     * @param batch float32, c-order contiguous {@code [B, C, frames, H, W]} with C, H, W of the spec
     * @throws IllegalArgumentException on a bad clip range, batch shape or index, or when the
     *     file cannot be decoded up to the clip's last frame
     */
    public void readClip(int start, int frames, int stride, INDArray batch, int b) {
        checkOpen();
        checkClip(start, frames, stride);
        FloatPointer dst = batchPointer(batch, b, frames, spec, "readClip of " + file);
        long hw = (long) spec.height() * spec.width();
        long clipBase = (long) b * spec.channels() * frames * hw;
        decode(start, frames, stride, (f, t) -> copyFrame(f, dst, clipBase, frames, t, hw));
    }

    /**
     * Decodes the same frames as {@link #readClip(int, int, int, INDArray, int)} as raw uint8
     * pixels (after the resize and colour conversion, before normalisation) into
     * {@code out[offset ...]} in {@code [C, frames, H, W]} order: {@link #clipBytes} bytes. For
     * caches; {@link #writeClip} turns them into the normalised floats {@code readClip} writes.
     */
    public void readClipBytes(int start, int frames, int stride, byte[] out, int offset) {
        checkOpen();
        checkClip(start, frames, stride);
        long need = clipBytes(spec, frames);
        if (out == null || offset < 0 || offset + need > out.length) {
            throw new IllegalArgumentException("readClipBytes of " + file + " needs " + need + " bytes from offset "
                    + offset + ", got an array of " + (out == null ? "null" : out.length));
        }
        decode(start, frames, stride, (f, t) -> copyFrameBytes(f, out, offset, frames, t));
    }

    /** Bytes of one uint8 clip {@code [C, frames, H, W]} of {@code spec}. */
    public static long clipBytes(FrameSpec spec, int frames) {
        return (long) spec.channels() * frames * spec.height() * spec.width();
    }

    /**
     * Writes a uint8 clip {@code pixels[offset ...]} ({@code [C, frames, H, W]}, as from {@link
     * #readClipBytes}) into {@code batch[b]}, normalised per {@code spec}: bit for bit what
     * {@link #readClip(int, int, int, INDArray, int)} writes for the same frames.
     */
    public static void writeClip(byte[] pixels, int offset, FrameSpec spec, int frames, INDArray batch, int b) {
        long need = clipBytes(spec, frames);
        if (pixels == null || offset < 0 || offset + need > pixels.length) {
            throw new IllegalArgumentException("writeClip needs " + need + " bytes from offset " + offset
                    + ", got an array of " + (pixels == null ? "null" : pixels.length));
        }
        FloatPointer dst = batchPointer(batch, b, frames, spec, "writeClip");
        float[][] lut = spec.lookupTables();
        int hw = spec.height() * spec.width();
        float[] plane = new float[hw];
        long base = (long) b * need;
        for (int ch = 0; ch < spec.channels(); ch++) {
            float[] l = lut[ch];
            for (int t = 0; t < frames; t++) { // plane (ch, t) is contiguous in both layouts
                int o = (int) (offset + ((long) ch * frames + t) * hw);
                for (int i = 0; i < hw; i++) {
                    plane[i] = l[pixels[o + i] & 0xFF];
                }
                dst.position(base + ((long) ch * frames + t) * hw).put(plane, 0, hw);
            }
        }
    }

    /** Receives each converted frame {@code t} of a clip. */
    private interface FrameSink {
        void accept(Frame f, int t);
    }

    /** Seeks (or decodes forward) to {@code start} and hands frames {@code start + t * stride} to {@code sink}. */
    private void decode(int start, int frames, int stride, FrameSink sink) {
        int frame = start;
        try {
            if (position >= 0 && start > position && start - position <= MAX_FORWARD_DECODE) {
                while (position < start) { // a little ahead: decoding forward beats a seek back to a key frame
                    frame = position;
                    if (grabber.grabFrame(false, true, false, false) == null) {
                        throw endedEarly(frame, start, frames, stride);
                    }
                    position++;
                }
            } else if (position != start) {
                grabber.setVideoFrameNumber(start);
                position = start;
            }
            for (int t = 0; t < frames; t++) {
                if (t > 0) {
                    for (int k = 1; k < stride; k++) { // decoded, not converted
                        frame = position;
                        if (grabber.grabFrame(false, true, false, false) == null) {
                            throw endedEarly(frame, start, frames, stride);
                        }
                        position++;
                    }
                }
                frame = position;
                Frame f = grabber.grabImage();
                if (f == null || f.image == null) {
                    throw endedEarly(frame, start, frames, stride);
                }
                position++;
                checkFrame(f);
                sink.accept(f, t);
            }
        } catch (FrameGrabber.Exception e) {
            position = -1;
            throw new IllegalArgumentException("cannot decode frame " + frame + " of " + file + " (clip start " + start
                    + ", " + frames + " frames, stride " + stride + "): " + e.getMessage(), e);
        } catch (RuntimeException e) {
            position = -1;
            throw e;
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("VideoClipDecoder for " + file + " is closed");
        }
    }

    private IllegalArgumentException endedEarly(int frame, int start, int frames, int stride) {
        return new IllegalArgumentException("video " + file + " ended at frame " + frame + " while reading the clip"
                + " starting at " + start + " (" + frames + " frames, stride " + stride + "); the file claims "
                + info.frameCount() + " frames: truncated or damaged file");
    }

    private void checkClip(int start, int frames, int stride) {
        if (frames <= 0 || stride <= 0) {
            throw new IllegalArgumentException("clip of " + file + " needs frames > 0 and stride > 0, got frames="
                    + frames + " stride=" + stride);
        }
        long last = start + (long) (frames - 1) * stride;
        if (start < 0 || last >= info.frameCount()) {
            throw new IllegalArgumentException("clip [start " + start + ", " + frames + " frames, stride " + stride
                    + ", last frame " + last + "] does not fit in " + file + ", which has " + info.frameCount()
                    + " frames (valid frames 0.." + (info.frameCount() - 1) + ")");
        }
    }

    /** Validates {@code batch} and returns a pointer to its first element (not owning the memory). */
    private static FloatPointer batchPointer(INDArray batch, int b, int frames, FrameSpec spec, String who) {
        if (batch == null) {
            throw new IllegalArgumentException(who + " needs a batch array");
        }
        long[] shape = batch.shape();
        if (shape.length != 5 || shape[1] != spec.channels() || shape[2] != frames || shape[3] != spec.height()
                || shape[4] != spec.width()) {
            throw new IllegalArgumentException("clip batch must have shape [B, " + spec.channels() + ", " + frames + ", "
                    + spec.height() + ", " + spec.width() + "] (C, T, H, W of the clip), got " + Arrays.toString(shape));
        }
        if (batch.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("clip batch must be FLOAT, got " + batch.dataType());
        }
        if (b < 0 || b >= shape[0]) {
            throw new IllegalArgumentException("batch index " + b + " is outside [0, " + shape[0] + ")");
        }
        long[] st = batch.stride();
        long expect = 1;
        for (int d = 4; d >= 0; d--) {
            if (shape[d] > 1 && st[d] != expect) {
                throw new IllegalArgumentException("clip batch must be c-order contiguous, got strides "
                        + Arrays.toString(st) + " for shape " + Arrays.toString(shape));
            }
            expect *= shape[d];
        }
        // data() of a view already starts at the view's first element
        return new FloatPointer(batch.data().addressPointer());
    }

    private void checkFrame(Frame f) {
        // JavaCV derives imageChannels from the row stride, which FFmpeg pads (a 16-pixel RGB row of
        // 48 bytes is stored in 96): rows are read by stride, so only the size and stride matter.
        if (f.imageWidth != spec.width() || f.imageHeight != spec.height()
                || f.imageStride < spec.width() * spec.channels()) {
            throw new IllegalArgumentException("decoder of " + file + " returned a " + f.imageWidth + "x" + f.imageHeight
                    + "x" + f.imageChannels + " frame, expected " + spec.width() + "x" + spec.height() + "x"
                    + spec.channels());
        }
    }

    /** Frame {@code t} as uint8 planes into {@code out[offset + ((ch * frames + t) * H + y) * W + x]}. */
    private void copyFrameBytes(Frame f, byte[] out, int offset, int frames, int t) {
        int w = spec.width();
        int h = spec.height();
        int c = spec.channels();
        ByteBuffer src = (ByteBuffer) f.image[0];
        int rowBytes = w * c;
        for (int y = 0; y < h; y++) {
            src.get(y * f.imageStride, row, 0, rowBytes);
            for (int ch = 0; ch < c; ch++) {
                int o = offset + ((ch * frames + t) * h + y) * w;
                for (int x = 0, i = ch; x < w; x++, i += c) {
                    out[o + x] = row[i];
                }
            }
        }
    }

    private void copyFrame(Frame f, FloatPointer dst, long clipBase, int frames, int t, long hw) {
        int w = spec.width();
        int h = spec.height();
        int c = spec.channels();
        ByteBuffer src = (ByteBuffer) f.image[0];
        int rowBytes = w * c;
        for (int y = 0; y < h; y++) {
            src.get(y * f.imageStride, row, 0, rowBytes); // absolute bulk get: no buffer state change
            for (int ch = 0; ch < c; ch++) {
                float[] lut = tables[ch];
                int o = ch * h * w + y * w;
                for (int x = 0, i = ch; x < w; x++, i += c) {
                    plane[o + x] = lut[row[i] & 0xFF];
                }
            }
        }
        // Plane (b, ch, t) of the [B, C, T, H, W] batch is contiguous: one bulk copy per channel.
        for (int ch = 0; ch < c; ch++) {
            dst.position(clipBase + ((long) ch * frames + t) * hw).put(plane, (int) (ch * hw), (int) hw);
        }
    }

    /** Releases the native decoder; idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            releaseQuietly(grabber);
        }
    }

    @Override
    public String toString() {
        return "VideoClipDecoder[" + file + ", " + info.frameCount() + " frames " + info.width() + "x" + info.height()
                + " " + info.codec() + " @ " + info.fps() + " fps -> " + spec + "]";
    }

    private static void checkReadable(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("video file " + file + " does not exist or is not a regular file");
        }
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("video file " + file + " is not readable");
        }
        if (sizeOf(file) == 0) {
            throw new IllegalArgumentException("video file " + file + " is empty (0 bytes)");
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the size of video file " + file + ": " + e.getMessage(), e);
        }
    }

    private static AVStream videoStream(FFmpegFrameGrabber g) {
        AVFormatContext oc = g.getFormatContext();
        for (int i = 0; i < oc.nb_streams(); i++) {
            AVStream st = oc.streams(i);
            if (st.codecpar().codec_type() == avutil.AVMEDIA_TYPE_VIDEO) {
                return st; // the grabber also takes the first video stream
            }
        }
        return null;
    }

    private static int storedFrameCount(FFmpegFrameGrabber g) {
        AVStream st = videoStream(g);
        long n = st == null ? 0 : st.nb_frames();
        return n > 0 && n <= Integer.MAX_VALUE ? (int) n : 0;
    }

    private static int sourceWidth(FFmpegFrameGrabber g) {
        AVStream st = videoStream(g);
        return st == null ? 0 : st.codecpar().width();
    }

    private static int sourceHeight(FFmpegFrameGrabber g) {
        AVStream st = videoStream(g);
        return st == null ? 0 : st.codecpar().height();
    }

    /** Counts the video stream's packets (one per frame) by reading packet headers, no decoding. */
    private static int countVideoPackets(FFmpegFrameGrabber g) throws FrameGrabber.Exception {
        AVStream st = videoStream(g);
        int index = st.index();
        int n = 0;
        AVPacket p;
        while ((p = g.grabPacket()) != null) {
            if (p.stream_index() == index) {
                n++;
            }
            avcodec.av_packet_unref(p);
        }
        return n;
    }

    private static void releaseQuietly(FFmpegFrameGrabber g) {
        try {
            g.release();
        } catch (Exception ignored) {
            // closing a half-opened grabber: nothing more to free
        }
    }
}
