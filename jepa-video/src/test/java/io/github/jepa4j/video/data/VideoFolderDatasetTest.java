package io.github.jepa4j.video.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.video.synth.BouncingBalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoFolderDatasetTest {
    @TempDir
    static Path dir;

    static BouncingBalls balls;
    static Path flat;

    @BeforeAll
    static void generate() {
        balls = BouncingBalls.builder().videos(3).frames(10).seed(1).build();
        flat = dir.resolve("flat");
        balls.write(flat);
    }

    private static Path copyTree(String name) throws IOException {
        Path d = dir.resolve(name);
        Files.createDirectories(d);
        for (int v = 0; v < 3; v++) {
            Files.copy(flat.resolve(balls.fileName(v)), d.resolve(balls.fileName(v)));
        }
        return d;
    }

    @Test
    void flatFolderWithLabels() {
        VideoFolderDataset ds = VideoFolderDataset.of(flat);
        assertEquals(3, ds.size());
        assertEquals(List.of("video_000.mkv", "video_001.mkv", "video_002.mkv"),
                List.of(ds.name(0), ds.name(1), ds.name(2)));
        assertEquals(0, ds.numClasses());
        assertEquals(-1, ds.label(1));
        assertEquals(10, ds.frameCount(2));
        assertEquals(64, ds.info(0).width());
        assertTrue(ds.hasTargets());
        assertArrayEquals(new String[] {"x", "y", "vx", "vy"}, ds.targetNames());
        for (int v = 0; v < 3; v++) {
            double[][] t = balls.trajectory(v);
            for (int f = 0; f < 10; f++) {
                assertArrayEquals(t[f], ds.target(v, f), 1e-6, "video " + v + " frame " + f);
                assertTrue(ds.hasTarget(v, f));
            }
        }
        assertEquals(1, ds.indexOf("video_001.mkv"));
        assertEquals(-1, ds.indexOf("nope.mkv"));
        assertThrows(IllegalArgumentException.class, () -> ds.target(0, 10));
        assertThrows(IllegalArgumentException.class, () -> ds.target(3, 0));
    }

    @Test
    void classesFromFirstLevelSubfoldersAndExtensions() throws IOException {
        Path root = dir.resolve("classes");
        Files.createDirectories(root.resolve("b_class/nested"));
        Files.createDirectories(root.resolve("a_class"));
        Files.copy(flat.resolve("video_000.mkv"), root.resolve("b_class/nested/x.MKV"));
        Files.copy(flat.resolve("video_001.mkv"), root.resolve("a_class/y.mkv"));
        Files.copy(flat.resolve("video_002.mkv"), root.resolve("top.mkv"));
        Files.writeString(root.resolve("a_class/readme.txt"), "not a video");
        VideoFolderDataset ds = VideoFolderDataset.of(root);
        assertEquals(3, ds.size());
        assertArrayEquals(new String[] {"a_class", "b_class"}, ds.classNames());
        assertEquals("a_class/y.mkv", ds.name(0));
        assertEquals(0, ds.label(0));
        assertEquals("b_class/nested/x.MKV", ds.name(1));
        assertEquals(1, ds.label(1));
        assertEquals("top.mkv", ds.name(2));
        assertEquals(-1, ds.label(2));
        assertFalse(ds.hasTargets());
        assertEquals(0, ds.target(0, 3).length);
        assertEquals(3, VideoFolderDataset.builder(root).extensions(".MKV").build().size());
        assertThrows(IllegalArgumentException.class, () -> VideoFolderDataset.builder(root).extensions("mp4").build());
    }

    @Test
    void labelRowsNamingMissingFilesOrFramesFailOrAreSkipped() throws IOException {
        Path root = copyTree("badlabels");
        Files.writeString(root.resolve("labels.csv"), "file,frame,x\nvideo_000.mkv,0,1.5\nghost.mkv,2,3\nvideo_001.mkv,3,4\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VideoFolderDataset.of(root));
        assertTrue(e.getMessage().contains("ghost.mkv") && e.getMessage().contains("line 3"), e.getMessage());
        VideoFolderDataset ds = VideoFolderDataset.builder(root).onBadLabel(VideoFolderDataset.OnError.SKIP).build();
        assertEquals(1.5, ds.target(0, 0)[0]);
        assertEquals(4.0, ds.target(1, 3)[0]);
        assertTrue(Double.isNaN(ds.target(1, 2)[0]));
        assertFalse(ds.hasTarget(1, 2));

        Files.writeString(root.resolve("labels.csv"), "file,frame,x\nvideo_002.mkv,10,1\n");
        e = assertThrows(IllegalArgumentException.class, () -> VideoFolderDataset.of(root));
        assertTrue(e.getMessage().contains("frame 10") && e.getMessage().contains("video_002.mkv"), e.getMessage());
        assertFalse(VideoFolderDataset.builder(root).onBadLabel(VideoFolderDataset.OnError.SKIP).build().hasTarget(2, 9));

        Files.writeString(root.resolve("labels.csv"), "file,frame,x\nvideo_002.mkv,1\n");
        e = assertThrows(IllegalArgumentException.class,
                () -> VideoFolderDataset.builder(root).onBadLabel(VideoFolderDataset.OnError.SKIP).build());
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("columns"), e.getMessage());

        Files.writeString(root.resolve("labels.csv"), "file,frame,x\nvideo_002.mkv,1,abc\n");
        assertThrows(IllegalArgumentException.class, () -> VideoFolderDataset.of(root));
        Files.writeString(root.resolve("labels.csv"), "file,frame,x\nvideo_002.mkv,1,2\nvideo_002.mkv,1,3\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> VideoFolderDataset.of(root)).getMessage()
                .contains("duplicate"));
        Files.writeString(root.resolve("labels.csv"), "name,x\n");
        assertThrows(IllegalArgumentException.class, () -> VideoFolderDataset.of(root));
        assertThrows(IllegalArgumentException.class,
                () -> VideoFolderDataset.builder(root).labels(root.resolve("other.csv")).build());
    }

    @Test
    void unreadableVideosFailOrAreSkipped() throws IOException {
        Path root = copyTree("badvideo");
        Path bad = root.resolve("broken.mp4");
        Files.writeString(bad, "definitely not an mp4");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VideoFolderDataset.of(root));
        assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
        VideoFolderDataset ds = VideoFolderDataset.builder(root).onBadVideo(VideoFolderDataset.OnError.SKIP).build();
        assertEquals(3, ds.size());
        assertEquals(-1, ds.indexOf("broken.mp4"));
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThrows(IllegalArgumentException.class, () -> VideoFolderDataset.of(empty));
        assertThrows(IllegalArgumentException.class, () -> VideoFolderDataset.of(dir.resolve("missing")));
    }

    @Test
    void differentFrameSizesAreAllowed() throws IOException {
        Path root = copyTree("sizes");
        BouncingBalls.builder().videos(1).frames(6).size(32, 48).radius(3).build().writeVideo(0, root.resolve("small.mkv"));
        VideoFolderDataset ds = VideoFolderDataset.of(root);
        assertEquals(4, ds.size());
        int small = ds.indexOf("small.mkv");
        assertEquals(48, ds.info(small).width());
        assertEquals(32, ds.info(small).height());
        assertEquals(6, ds.frameCount(small));
        // Resized on decode to the model's size like the others.
        org.nd4j.linalg.api.ndarray.INDArray b = org.nd4j.linalg.factory.Nd4j.create(
                org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, 3, 2, 64, 64);
        try (var d = new io.github.jepa4j.video.decode.VideoClipDecoder(ds.file(small),
                io.github.jepa4j.video.decode.FrameSpec.rgb(64, 64), ds.info(small))) {
            d.readClip(4, 2, 1, b, 0);
        }
        assertTrue(b.maxNumber().doubleValue() > 0.9, "the ball shows up in the resized frame");
    }
}
