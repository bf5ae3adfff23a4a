package io.github.jepa4j.video.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.video.decode.FrameSpec;
import io.github.jepa4j.video.decode.VideoClipDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class BouncingBallsTest {
    @TempDir
    Path dir;

    @Test
    void deterministicPerSeedAndVideo() {
        BouncingBalls a = BouncingBalls.builder().seed(7).balls(3).build();
        BouncingBalls b = BouncingBalls.builder().seed(7).balls(3).build();
        BouncingBalls c = BouncingBalls.builder().seed(8).balls(3).build();
        assertTrue(Arrays.deepEquals(a.trajectory(2), b.trajectory(2)));
        assertFalse(Arrays.deepEquals(a.trajectory(2), c.trajectory(2)));
        assertFalse(Arrays.deepEquals(a.trajectory(1), a.trajectory(2)));
        byte[] x = new byte[64 * 64 * 3];
        byte[] y = new byte[64 * 64 * 3];
        a.render(1, 5, x);
        b.render(1, 5, y);
        assertArrayEquals(x, y);
    }

    @Test
    void elasticBouncesKeepBallsInsideAndSpeedConstant() {
        BouncingBalls g = BouncingBalls.builder().frames(400).size(32, 48).radius(4).speed(2, 5).balls(2).build();
        for (int v = 0; v < g.videos(); v++) {
            double[][] t = g.trajectory(v);
            int bounces = 0;
            for (int f = 0; f < t.length; f++) {
                for (int i = 0; i < 2; i++) {
                    double x = t[f][4 * i], y = t[f][4 * i + 1], vx = t[f][4 * i + 2], vy = t[f][4 * i + 3];
                    assertTrue(x >= 4 - 1e-9 && x <= 47 - 4 + 1e-9 && y >= 4 - 1e-9 && y <= 31 - 4 + 1e-9,
                            "video " + v + " frame " + f + " ball " + i + " at " + x + "," + y);
                    // Without gravity the speed never changes, bounces only flip signs.
                    assertEquals(Math.hypot(t[0][4 * i + 2], t[0][4 * i + 3]), Math.hypot(vx, vy), 1e-9);
                    if (f > 0 && Math.signum(vx) != Math.signum(t[f - 1][4 * i + 2])) {
                        bounces++;
                    }
                }
            }
            assertTrue(bounces > 5, "400 frames in a 32x48 box must bounce often, got " + bounces);
        }
    }

    @Test
    void gravityAcceleratesDownwards() {
        BouncingBalls g = BouncingBalls.builder().frames(60).gravity(0.25).speed(0, 0).build();
        double[][] t = g.trajectory(0);
        int free = 0;
        for (int f = 1; f < t.length; f++) {
            double expect = t[f - 1][3] + 0.25;
            if (Math.abs(t[f][3] - expect) < 1e-9) {
                free++;
            } else {
                assertEquals(-expect, t[f][3], 1e-9, "frame " + f + ": a floor bounce reflects the velocity");
            }
            assertEquals(t[0][0], t[f][0], 1e-9, "no horizontal motion");
        }
        assertTrue(free > 40, "mostly free fall, got " + free);
        assertTrue(Arrays.stream(t).anyMatch(s -> s[3] < 0), "the ball bounces off the floor");
    }

    @Test
    void labelsCsvMatchesTrajectories() throws IOException {
        BouncingBalls g = BouncingBalls.builder().videos(2).frames(6).balls(2).build();
        List<Path> files = g.write(dir);
        assertEquals(List.of(dir.resolve("video_000.mkv"), dir.resolve("video_001.mkv")), files);
        List<String> lines = Files.readAllLines(dir.resolve("labels.csv"));
        assertEquals("file,frame,x0,y0,vx0,vy0,x1,y1,vx1,vy1", lines.get(0));
        assertEquals(1 + 2 * 6, lines.size());
        String[] row = lines.get(1 + 6 + 4).split(",");
        assertEquals("video_001.mkv", row[0]);
        assertEquals("4", row[1]);
        double[] state = g.trajectory(1)[4];
        for (int j = 0; j < 8; j++) {
            assertEquals(state[j], Double.parseDouble(row[2 + j]), 1e-6);
        }
        assertArrayEquals(new String[] {"x", "y", "vx", "vy"}, BouncingBalls.builder().build().labelNames());
    }

    /** Intensity-weighted centroid of a [0, 1] plane. */
    private static double[] centroid(float[] p, int w) {
        double s = 0, sx = 0, sy = 0;
        for (int i = 0; i < p.length; i++) {
            double v = Math.max(0, p[i] - 0.1); // ignore compression noise on the background
            s += v;
            sx += v * (i % w);
            sy += v * (i / w);
        }
        return new double[] {sx / s, sy / s};
    }

    @Test
    void labelsMatchTheBallCentroidInDecodedFrames() {
        for (BouncingBalls.Codec codec : new BouncingBalls.Codec[] {BouncingBalls.Codec.FFV1, BouncingBalls.Codec.MPEG4,
                BouncingBalls.Codec.H264}) {
            BouncingBalls g = BouncingBalls.builder().videos(1).frames(20).radius(6).codec(codec).seed(11).build();
            Path f = g.write(dir.resolve(codec.name())).get(0);
            double[][] t = g.trajectory(0);
            INDArray batch = Nd4j.create(DataType.FLOAT, 1, 1, 20, 64, 64);
            try (VideoClipDecoder d = new VideoClipDecoder(f, FrameSpec.gray(64, 64))) {
                d.readClip(0, 20, 1, batch, 0);
            }
            float[] all = batch.data().asFloat();
            for (int k = 0; k < 20; k++) {
                double[] c = centroid(Arrays.copyOfRange(all, k * 4096, (k + 1) * 4096), 64);
                assertEquals(t[k][0], c[0], 1.0, codec + " frame " + k + " x");
                assertEquals(t[k][1], c[1], 1.0, codec + " frame " + k + " y");
            }
        }
    }

    @Test
    void h264FallsBackGracefully() {
        String enc = BouncingBalls.encoderName(BouncingBalls.Codec.H264);
        assertTrue(List.of("libx264", "libopenh264", "mpeg4").contains(enc), enc);
    }

    @Test
    void badSettingsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> BouncingBalls.builder().size(63, 64).build());
        assertThrows(IllegalArgumentException.class, () -> BouncingBalls.builder().radius(40).build());
        assertThrows(IllegalArgumentException.class, () -> BouncingBalls.builder().speed(3, 1).build());
        assertThrows(IllegalArgumentException.class, () -> BouncingBalls.builder().videos(0).build());
        assertThrows(IllegalArgumentException.class, () -> BouncingBalls.builder().colours().build());
        assertThrows(IllegalArgumentException.class, () -> BouncingBalls.builder().build().trajectory(4));
    }
}
