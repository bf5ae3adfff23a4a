package io.github.jepa4j.world.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.video.decode.FrameSpec;
import io.github.jepa4j.video.decode.VideoClipDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class TrajectoryRecorderTest {

    @Test
    void roundTripThroughVideoAndCsv(@TempDir Path dir) throws Exception {
        TrajectoryGenerator g = TrajectoryGenerator.builder().frames(10).seed(2).build();
        List<Path> files = new TrajectoryRecorder(g).record(dir, 3);
        assertEquals(3, files.size());
        List<String> lines = Files.readAllLines(dir.resolve(TrajectoryRecorder.CSV));
        assertEquals("file,frame,x,y,ax,ay", lines.get(0));
        assertEquals(1 + 3 * 10, lines.size());
        int s = g.config().imageSize(), fs = g.frameSize();
        RoomEnv env = new RoomEnv(g.config());
        INDArray batch = Nd4j.create(DataType.FLOAT, 1, 3, 10, s, s);
        float[] frame = new float[fs];
        float[] expected = new float[fs];
        for (int v = 0; v < 3; v++) {
            try (VideoClipDecoder dec = new VideoClipDecoder(files.get(v), FrameSpec.rgb(s, s))) {
                assertEquals(10, dec.frameCount());
                dec.readClip(0, 10, 1, batch, 0);
            }
            for (int t = 0; t < 10; t++) {
                String[] row = lines.get(1 + v * 10 + t).split(",", -1);
                assertEquals(files.get(v).getFileName().toString(), row[0]);
                assertEquals(t, Integer.parseInt(row[1]));
                double x = Double.parseDouble(row[2]), y = Double.parseDouble(row[3]);
                assertEquals(t == 9, row[4].isEmpty());
                for (int c = 0; c < 3; c++) {
                    for (int i = 0; i < s * s; i++) {
                        frame[c * s * s + i] = batch.getFloat(0, c, t, i / s, i % s);
                    }
                }
                env.render(x, y, expected, 0);
                for (int i = 0; i < fs; i++) { // FFV1 is lossless: only the 8-bit quantisation differs
                    assertEquals(expected[i], frame[i], 0.5f / 255 + 1e-6f);
                }
                double[] q = env.locate(frame, 0);
                assertEquals(x, q[0], 0.2 / s, "x of video " + v + " frame " + t);
                assertEquals(y, q[1], 0.2 / s, "y of video " + v + " frame " + t);
            }
        }
        assertTrue(Files.size(files.get(0)) > 0);
    }
}
