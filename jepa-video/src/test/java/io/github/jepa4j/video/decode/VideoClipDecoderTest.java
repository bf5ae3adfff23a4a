package io.github.jepa4j.video.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.video.synth.BouncingBalls;
import java.io.IOException;
import java.nio.ShortBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class VideoClipDecoderTest {
    private static final int FRAMES = 24;

    @TempDir
    static Path dir;

    static BouncingBalls ffv1;
    static Path ffv1File;
    static BouncingBalls mpeg4;
    static Path mpeg4File;
    static BouncingBalls h264;
    static Path h264File;

    @BeforeAll
    static void generate() {
        ffv1 = BouncingBalls.builder().videos(1).frames(FRAMES).balls(2).seed(3).build();
        ffv1File = ffv1.write(dir.resolve("ffv1")).get(0);
        mpeg4 = BouncingBalls.builder().videos(1).frames(FRAMES).codec(BouncingBalls.Codec.MPEG4).gop(8).seed(4).build();
        mpeg4File = mpeg4.write(dir.resolve("mpeg4")).get(0);
        h264 = BouncingBalls.builder().videos(1).frames(FRAMES).codec(BouncingBalls.Codec.H264).gop(8).seed(5).build();
        h264File = h264.write(dir.resolve("h264")).get(0);
    }

    /** The rendered frame {@code f}, as the [0, 1] float planes a decoder writes ([C][H*W]). */
    private static float[][] expected(BouncingBalls g, int f, FrameSpec spec) {
        byte[] rgb = new byte[g.height() * g.width() * 3];
        g.render(0, f, rgb);
        int n = g.height() * g.width();
        float[][] out = new float[3][n];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < n; i++) {
                out[c][i] = (float) (((rgb[i * 3 + c] & 0xFF) / 255.0 - spec.mean()[c]) / spec.std()[c]);
            }
        }
        return out;
    }

    /** Plane (b, c, t) of a [B, C, T, H, W] batch. */
    private static float[] plane(INDArray batch, int b, int c, int t) {
        long hw = batch.size(3) * batch.size(4);
        long off = ((b * batch.size(1) + c) * batch.size(2) + t) * hw;
        float[] all = batch.data().asFloat();
        return Arrays.copyOfRange(all, (int) off, (int) (off + hw));
    }

    private static double psnr(BouncingBalls g, int f, INDArray batch, int b, int t) {
        float[][] e = expected(g, f, FrameSpec.rgb(g.height(), g.width()));
        double se = 0;
        int n = 0;
        for (int c = 0; c < 3; c++) {
            float[] p = plane(batch, b, c, t);
            for (int i = 0; i < p.length; i++) {
                double d = (p[i] - e[c][i]) * 255.0;
                se += d * d;
                n++;
            }
        }
        return 10 * Math.log10(255.0 * 255.0 / Math.max(se / n, 1e-12));
    }

    @Test
    void metadata() {
        try (VideoClipDecoder d = new VideoClipDecoder(ffv1File, FrameSpec.rgb(64, 64))) {
            assertEquals(FRAMES, d.frameCount());
            assertEquals(25.0, d.fps(), 1e-9);
            assertEquals(64, d.width());
            assertEquals(64, d.height());
            assertEquals("ffv1", d.info().codec());
        }
        try (VideoClipDecoder d = new VideoClipDecoder(mpeg4File, FrameSpec.rgb(64, 64))) {
            assertEquals(FRAMES, d.frameCount());
            assertEquals("mpeg4", d.info().codec());
        }
        VideoInfo h = VideoClipDecoder.probe(h264File);
        assertEquals(FRAMES, h.frameCount());
        assertEquals(BouncingBalls.encoderName(BouncingBalls.Codec.H264).equals("mpeg4") ? "mpeg4" : "h264", h.codec());
    }

    @Test
    void losslessClipMatchesRenderedFramesExactly() {
        FrameSpec spec = FrameSpec.rgb(64, 64);
        INDArray batch = Nd4j.create(DataType.FLOAT, 3, 3, 6, 64, 64);
        try (VideoClipDecoder d = new VideoClipDecoder(ffv1File, spec)) {
            d.readClip(3, 6, 3, batch, 1); // frames 3, 6, ..., 18
            d.readClip(18, 6, 1, batch, 2); // frames 18..23, the last frame included
        }
        for (int t = 0; t < 6; t++) {
            float[][] e = expected(ffv1, 3 + 3 * t, spec);
            float[][] e2 = expected(ffv1, 18 + t, spec);
            for (int c = 0; c < 3; c++) {
                assertTrue(Arrays.equals(e[c], plane(batch, 1, c, t)), "frame " + (3 + 3 * t) + " channel " + c);
                assertTrue(Arrays.equals(e2[c], plane(batch, 2, c, t)), "frame " + (18 + t) + " channel " + c);
                assertTrue(Arrays.equals(new float[64 * 64], plane(batch, 0, c, t)), "slot 0 must stay untouched");
            }
        }
    }

    @Test
    void seekingToFrameKGivesFrameK() {
        FrameSpec spec = FrameSpec.rgb(64, 64);
        INDArray batch = Nd4j.create(DataType.FLOAT, 1, 3, 1, 64, 64);
        int[] order = {0, 23, 5, 6, 7, 2, 17, 16, 11, 0, 1, 22};
        try (VideoClipDecoder d = new VideoClipDecoder(ffv1File, spec)) {
            for (int k : order) {
                d.readClip(k, 1, 1, batch, 0);
                float[][] e = expected(ffv1, k, spec);
                for (int c = 0; c < 3; c++) {
                    assertTrue(Arrays.equals(e[c], plane(batch, 0, c, 0)), "seek to frame " + k + " channel " + c);
                }
            }
        }
        // Lossy codecs: frame k must match rendered frame k far better than its neighbours.
        for (BouncingBalls g : new BouncingBalls[] {mpeg4, h264}) {
            Path f = g == mpeg4 ? mpeg4File : h264File;
            try (VideoClipDecoder d = new VideoClipDecoder(f, spec)) {
                for (int k : order) {
                    d.readClip(k, 1, 1, batch, 0);
                    double self = psnr(g, k, batch, 0, 0);
                    for (int j = Math.max(0, k - 1); j <= Math.min(FRAMES - 1, k + 1); j++) {
                        if (j != k) {
                            assertTrue(self > psnr(g, j, batch, 0, 0) + 3, f + ": seek to " + k + " looks like frame " + j);
                        }
                    }
                }
            }
        }
    }

    @Test
    void lossyFramesDoNotDependOnTheDecoderPath() {
        // Loader determinism needs frame k to decode identically after a seek, sequentially or by decoding forward.
        FrameSpec spec = FrameSpec.rgb(64, 64);
        for (Path f : new Path[] {mpeg4File, h264File}) {
            INDArray seek = Nd4j.create(DataType.FLOAT, 1, 3, 4, 64, 64);
            INDArray walk = Nd4j.create(DataType.FLOAT, 1, 3, 4, 64, 64);
            INDArray seq = Nd4j.create(DataType.FLOAT, 1, 3, 4, 64, 64);
            try (VideoClipDecoder d = new VideoClipDecoder(f, spec)) {
                d.readClip(13, 4, 2, seek, 0);
            }
            try (VideoClipDecoder d = new VideoClipDecoder(f, spec)) {
                d.readClip(2, 4, 1, walk, 0); // then 7 frames ahead: decoded forward
                d.readClip(13, 4, 2, walk, 0);
            }
            try (VideoClipDecoder d = new VideoClipDecoder(f, spec)) {
                d.readClip(20, 4, 1, seq, 0); // then back: a seek
                d.readClip(5, 4, 2, seq, 0);
                d.readClip(13, 4, 2, seq, 0); // sequential after the previous clip
            }
            assertEquals(seek, walk, f.toString());
            assertEquals(seek, seq, f.toString());
        }
    }

    @Test
    void lossyCodecsDecodeClose() {
        INDArray batch = Nd4j.create(DataType.FLOAT, 2, 3, 8, 64, 64);
        for (BouncingBalls g : new BouncingBalls[] {mpeg4, h264}) {
            Path f = g == mpeg4 ? mpeg4File : h264File;
            try (VideoClipDecoder d = new VideoClipDecoder(f, FrameSpec.rgb(64, 64))) {
                d.readClip(1, 8, 2, batch, 0);
                d.readClip(16, 8, 1, batch, 1);
            }
            for (int t = 0; t < 8; t++) {
                double p0 = psnr(g, 1 + 2 * t, batch, 0, t);
                double p1 = psnr(g, 16 + t, batch, 1, t);
                assertTrue(p0 > 25 && p1 > 25, f + " frame t=" + t + ": PSNR " + p0 + " / " + p1 + " dB");
            }
        }
    }

    @Test
    void normalisationAndGray() {
        FrameSpec spec = FrameSpec.rgb(64, 64).normalized(FrameSpec.IMAGENET_MEAN, FrameSpec.IMAGENET_STD);
        INDArray batch = Nd4j.create(DataType.FLOAT, 1, 3, 2, 64, 64);
        try (VideoClipDecoder d = new VideoClipDecoder(ffv1File, spec)) {
            d.readClip(4, 2, 1, batch, 0);
        }
        for (int t = 0; t < 2; t++) {
            float[][] e = expected(ffv1, 4 + t, spec);
            for (int c = 0; c < 3; c++) {
                assertTrue(Arrays.equals(e[c], plane(batch, 0, c, t)), "normalised frame " + (4 + t) + " channel " + c);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new FrameSpec(2, 64, 64, new double[2], new double[] {1, 1}));
        assertThrows(IllegalArgumentException.class, () -> FrameSpec.rgb(0, 64));
        assertThrows(IllegalArgumentException.class, () -> FrameSpec.rgb(64, 64).normalized(new double[3], new double[3]));
        assertThrows(IllegalArgumentException.class, () -> FrameSpec.gray(64, 64).normalized(new double[3], new double[3]));
        INDArray gray = Nd4j.create(DataType.FLOAT, 1, 1, 1, 64, 64);
        try (VideoClipDecoder d = new VideoClipDecoder(ffv1File, FrameSpec.gray(64, 64))) {
            d.readClip(9, 1, 1, gray, 0);
        }
        float[][] e = expected(ffv1, 9, FrameSpec.rgb(64, 64));
        float[] p = plane(gray, 0, 0, 0);
        for (int i = 0; i < p.length; i++) {
            double luma = 0.299 * e[0][i] + 0.587 * e[1][i] + 0.114 * e[2][i];
            assertEquals(luma, p[i], 3 / 255.0, "gray pixel " + i);
        }
    }

    @Test
    void resizeMatchesAreaAverage() {
        INDArray batch = Nd4j.create(DataType.FLOAT, 1, 3, 1, 32, 32);
        try (VideoClipDecoder d = new VideoClipDecoder(ffv1File, FrameSpec.rgb(32, 32))) {
            d.readClip(10, 1, 1, batch, 0);
        }
        float[][] e = expected(ffv1, 10, FrameSpec.rgb(64, 64));
        double err = 0;
        for (int c = 0; c < 3; c++) {
            float[] p = plane(batch, 0, c, 0);
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    double avg = (e[c][(2 * y) * 64 + 2 * x] + e[c][(2 * y) * 64 + 2 * x + 1] + e[c][(2 * y + 1) * 64 + 2 * x]
                            + e[c][(2 * y + 1) * 64 + 2 * x + 1]) / 4;
                    err += Math.abs(p[y * 32 + x] - avg);
                }
            }
        }
        double mae = err / (3 * 32 * 32);
        assertTrue(mae < 0.02, "mean abs error of the 2x downscale vs the 2x2 average: " + mae);
    }

    @Test
    void clipBeyondTheEndOrBadArgumentsNameTheFile() {
        INDArray batch = Nd4j.create(DataType.FLOAT, 1, 3, 4, 64, 64);
        try (VideoClipDecoder d = new VideoClipDecoder(ffv1File, FrameSpec.rgb(64, 64))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.readClip(15, 4, 3, batch, 0));
            assertTrue(e.getMessage().contains(ffv1File.toString()) && e.getMessage().contains("24 frames")
                    && e.getMessage().contains("last frame 24"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> d.readClip(-1, 4, 1, batch, 0));
            assertThrows(IllegalArgumentException.class, () -> d.readClip(0, 4, 0, batch, 0));
            assertThrows(IllegalArgumentException.class, () -> d.readClip(0, 4, 1, batch, 1));
            e = assertThrows(IllegalArgumentException.class, () -> d.readClip(0, 3, 1, batch, 0));
            assertTrue(e.getMessage().contains("[B, 3, 3, 64, 64]"), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> d.readClip(0, 4, 1, Nd4j.create(DataType.DOUBLE, 1, 3, 4, 64, 64), 0));
            assertThrows(IllegalArgumentException.class,
                    () -> d.readClip(0, 4, 1, Nd4j.create(DataType.FLOAT, new long[] {1, 3, 4, 64, 64}, 'f'), 0));
            d.readClip(12, 4, 3, batch, 0); // last frame 21: fine
        }
    }

    @Test
    void badFilesAreRejectedWithTheirName() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.mp4"));
        Path text = dir.resolve("notes.mp4");
        Files.writeString(text, "this is not a video\n".repeat(100), StandardCharsets.UTF_8);
        Path truncated = dir.resolve("half.mp4");
        byte[] full = Files.readAllBytes(mpeg4File);
        Files.write(truncated, Arrays.copyOf(full, full.length / 2));
        Path missing = dir.resolve("missing.mp4");
        for (Path p : new Path[] {empty, text, truncated, missing}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new VideoClipDecoder(p, FrameSpec.rgb(64, 64)).close(), p.toString());
            assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> VideoClipDecoder.probe(empty)).getMessage()
                .contains("empty"));
        // A truncated Matroska file opens (its header is at the start) but has fewer frames.
        Path halfMkv = dir.resolve("half.mkv");
        byte[] mkv = Files.readAllBytes(ffv1File);
        Files.write(halfMkv, Arrays.copyOf(mkv, mkv.length / 2));
        try (VideoClipDecoder d = new VideoClipDecoder(halfMkv, FrameSpec.rgb(64, 64))) {
            assertTrue(d.frameCount() < FRAMES, "frames of a half file: " + d.frameCount());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> d.readClip(0, FRAMES, 1, Nd4j.create(DataType.FLOAT, 1, 3, FRAMES, 64, 64), 0));
            assertTrue(e.getMessage().contains(halfMkv.toString()), e.getMessage());
        }
        // Trusting a stale frame count (the file was cut after probing): decoding stops early, with the file named.
        VideoInfo stale = new VideoInfo(halfMkv, FRAMES, 25, 64, 64, "ffv1");
        try (VideoClipDecoder d = new VideoClipDecoder(halfMkv, FrameSpec.rgb(64, 64), stale)) {
            INDArray b = Nd4j.create(DataType.FLOAT, 1, 3, FRAMES, 64, 64);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.readClip(0, FRAMES, 1, b, 0));
            assertTrue(e.getMessage().contains(halfMkv.toString()) && e.getMessage().contains("ended at frame"),
                    e.getMessage());
            d.readClip(0, 2, 1, Nd4j.create(DataType.FLOAT, 1, 3, 2, 64, 64), 0); // still usable after the error
        }
    }

    @Test
    void audioOnlyFileHasNoVideoStream() throws Exception {
        Path audio = dir.resolve("tone.mkv");
        FFmpegFrameRecorder rec = new FFmpegFrameRecorder(audio.toFile(), 1);
        rec.setFormat("matroska");
        rec.setSampleRate(8000);
        rec.setAudioCodec(org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_PCM_S16LE);
        rec.start();
        short[] s = new short[8000];
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) (8000 * Math.sin(i * 0.3));
        }
        rec.recordSamples(ShortBuffer.wrap(s));
        rec.stop();
        rec.release();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new VideoClipDecoder(audio, FrameSpec.rgb(64, 64)).close());
        assertTrue(e.getMessage().contains("no video stream") && e.getMessage().contains(audio.toString()), e.getMessage());
    }

    @Test
    void closedDecoderRefusesWork() {
        VideoClipDecoder d = new VideoClipDecoder(ffv1File, FrameSpec.rgb(64, 64));
        d.close();
        d.close();
        assertThrows(IllegalStateException.class, () -> d.readClip(0, 1, 1, Nd4j.create(DataType.FLOAT, 1, 3, 1, 64, 64), 0));
    }
}
