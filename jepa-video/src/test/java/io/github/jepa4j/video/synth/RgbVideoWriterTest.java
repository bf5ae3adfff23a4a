package io.github.jepa4j.video.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.jepa4j.video.decode.FrameSpec;
import io.github.jepa4j.video.decode.VideoClipDecoder;
import io.github.jepa4j.video.synth.BouncingBalls.Codec;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class RgbVideoWriterTest {
    @TempDir
    Path dir;

    @Test
    void ffv1StoresTheQuantisedFramesExactlyForBothInputLayouts() {
        // An odd height is fine for FFV1 (RGB storage); width 32 keeps rows unpadded for the decoder.
        int h = 5, w = 32, plane = h * w;
        SplittableRandom rng = new SplittableRandom(3);
        float[] chw = new float[2 * 3 * plane];
        for (int i = 0; i < chw.length; i++) {
            chw[i] = (float) (rng.nextDouble() * 1.4 - 0.2); // some values outside [0, 1] are clamped
        }
        byte[] rgb = new byte[3 * plane];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) rng.nextInt(256);
        }
        Path file = dir.resolve("a.mkv");
        try (RgbVideoWriter vw = new RgbVideoWriter(file, h, w, 10, Codec.FFV1)) {
            vw.writeChw(chw, 0);
            vw.writeRgb(rgb);
            vw.writeChw(chw, 3 * plane);
            assertEquals(3, vw.frames());
            assertEquals("ffv1", vw.encoder());
        }
        INDArray clip = Nd4j.create(DataType.FLOAT, 1, 3, 3, h, w);
        try (VideoClipDecoder d = new VideoClipDecoder(file, FrameSpec.rgb(h, w))) {
            assertEquals(3, d.frameCount());
            assertEquals(10, d.fps(), 1e-9);
            d.readClip(0, 3, 1, clip, 0);
        }
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < plane; i++) {
                int row = i / w, col = i % w;
                for (int f = 0; f < 3; f += 2) {
                    float v = Math.min(1, Math.max(0, chw[(f / 2) * 3 * plane + c * plane + i]));
                    assertEquals(Math.round(v * 255) / 255f, clip.getFloat(0, c, f, row, col), 1e-6, "frame " + f);
                }
                assertEquals((rgb[3 * i + c] & 0xFF) / 255f, clip.getFloat(0, c, 1, row, col), 1e-6, "frame 1");
            }
        }
    }

    @Test
    void badSizesInputsAndUseAfterCloseAreRejected() {
        Path file = dir.resolve("b.mp4");
        assertThrows(IllegalArgumentException.class, () -> new RgbVideoWriter(file, 5, 8, 25, Codec.MPEG4));
        assertThrows(IllegalArgumentException.class, () -> new RgbVideoWriter(file, 8, 8, 0, Codec.MPEG4));
        assertThrows(IllegalArgumentException.class, () -> new RgbVideoWriter.Encoding(Codec.H264, 25, 12, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> new RgbVideoWriter.Encoding(null, 25, 12, 2, 2));
        RgbVideoWriter vw = new RgbVideoWriter(file, 8, 8, 25, Codec.MPEG4);
        assertThrows(IllegalArgumentException.class, () -> vw.writeRgb(new byte[8 * 8 * 3 - 1]));
        assertThrows(IllegalArgumentException.class, () -> vw.writeChw(new float[8 * 8 * 3], 1));
        vw.writeRgb(new byte[8 * 8 * 3]);
        vw.close();
        vw.close();
        assertThrows(IllegalStateException.class, () -> vw.writeRgb(new byte[8 * 8 * 3]));
        assertEquals(1, vw.frames());
    }
}
