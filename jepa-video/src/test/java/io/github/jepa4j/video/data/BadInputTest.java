package io.github.jepa4j.video.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.video.decode.FrameSpec;
import io.github.jepa4j.video.synth.BouncingBalls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ShortBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad-input list on a whole folder and a running loader: unreadable, truncated and
 * zero-length files, files without a video stream, clips longer than a video, a file damaged
 * after indexing. Each is an error naming the file or a skip with a warning naming it.
 */
class BadInputTest {
    private static final FrameSpec SPEC = FrameSpec.rgb(16, 16);

    @TempDir
    static Path dir;

    static BouncingBalls balls;
    static Path good;

    @BeforeAll
    static void generate() {
        balls = BouncingBalls.builder().videos(4).frames(12).size(16, 16).radius(2).codec(BouncingBalls.Codec.MPEG4)
                .seed(3).build();
        good = dir.resolve("good");
        balls.write(good);
    }

    private static Path folderWithGoodVideos(String name) throws IOException {
        Path d = Files.createDirectories(dir.resolve(name));
        for (int v = 0; v < 4; v++) {
            Files.copy(good.resolve(balls.fileName(v)), d.resolve(balls.fileName(v)));
        }
        Files.copy(good.resolve("labels.csv"), d.resolve("labels.csv"));
        return d;
    }

    private static void audioOnly(Path file) throws Exception {
        FFmpegFrameRecorder rec = new FFmpegFrameRecorder(file.toFile(), 1);
        rec.setFormat("matroska");
        rec.setSampleRate(8000);
        rec.setAudioCodec(org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_PCM_S16LE);
        rec.start();
        rec.recordSamples(ShortBuffer.wrap(new short[4000]));
        rec.stop();
        rec.release();
    }

    /** Runs {@code r} and returns what it printed on System.err (slf4j-simple's warnings). */
    private static String stderrOf(Runnable r) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyKindOfBadFileFailsNamingItOrIsSkippedWithAWarning() throws Exception {
        Path root = folderWithGoodVideos("mixed");
        Path empty = Files.createFile(root.resolve("a_empty.mp4"));
        Path text = root.resolve("b_text.avi");
        Files.writeString(text, "not a video\n".repeat(50));
        Path truncated = root.resolve("c_truncated.mp4");
        byte[] full = Files.readAllBytes(good.resolve(balls.fileName(0)));
        Files.write(truncated, Arrays.copyOf(full, full.length / 3));
        Path audio = root.resolve("d_audio.mkv");
        audioOnly(audio);
        // FAIL: the first bad file (sorted order) is named.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VideoFolderDataset.of(root));
        assertTrue(e.getMessage().contains(empty.toString()) && e.getMessage().contains("empty"), e.getMessage());
        // SKIP: every bad file is left out with a warning naming it; the good videos and their labels remain.
        VideoFolderDataset[] ds = new VideoFolderDataset[1];
        String log = stderrOf(() -> ds[0] = VideoFolderDataset.builder(root).onBadVideo(VideoFolderDataset.OnError.SKIP).build());
        assertEquals(4, ds[0].size());
        for (Path p : List.of(empty, text, truncated, audio)) {
            assertTrue(log.contains(p.toString()), "warning names " + p + ":\n" + log);
            assertEquals(-1, ds[0].indexOf(p.getFileName().toString()));
        }
        assertTrue(log.contains("no video stream"), log);
        assertTrue(ds[0].hasTargets());
    }

    @Test
    void clipsLongerThanAVideoLeaveItOutAndLongerThanAllFail() throws IOException {
        Path root = folderWithGoodVideos("short");
        BouncingBalls.builder().videos(1).frames(4).size(16, 16).radius(2).build().writeVideo(0, root.resolve("tiny.mkv"));
        VideoFolderDataset ds = VideoFolderDataset.of(root);
        int tiny = ds.indexOf("tiny.mkv");
        RandomClipSampler s = new RandomClipSampler(ds, 4, 2, 0); // span 7 > 4 frames
        assertEquals(4, s.eligibleVideos());
        int[] v = new int[20];
        int[] st = new int[20];
        s.clips(0, 20, v, st);
        assertTrue(Arrays.stream(v).noneMatch(x -> x == tiny), "the short video is never sampled");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RandomClipSampler(ds, 8, 2, 0));
        assertTrue(e.getMessage().contains("15 frames") && e.getMessage().contains("longest has 12"), e.getMessage());
        assertEquals(4, FixedClipSampler.centred(ds, 4, 2).size(), "evaluation clips skip it too");
        try (var d = new io.github.jepa4j.video.decode.VideoClipDecoder(ds.file(tiny), SPEC, ds.info(tiny))) {
            IllegalArgumentException c = assertThrows(IllegalArgumentException.class, () -> d.readClip(0, 4, 2,
                    org.nd4j.linalg.factory.Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, 3, 4, 16, 16), 0));
            assertTrue(c.getMessage().contains(ds.file(tiny).toString()) && c.getMessage().contains("does not fit"),
                    c.getMessage());
        }
    }

    /** Videos and starts of every clip the loader delivers for {@code steps} steps. */
    private static List<int[]> load(VideoFolderDataset ds, boolean skip, int workers, long[] skipped) {
        List<int[]> out = new ArrayList<>();
        RandomClipSampler s = new RandomClipSampler(ds, 4, 2, 7);
        try (ClipLoader l = ClipLoader.builder(ds, s, SPEC, 4).workers(workers).skipBadClips(skip).build()) {
            for (int k = 0; k < 6; k++) {
                try (ClipBatch b = l.next()) {
                    out.add(b.videos().clone());
                    out.add(b.starts().clone());
                    assertTrue(b.clips().maxNumber().doubleValue() > 0.5, "every clip holds real frames");
                }
            }
            skipped[0] = l.clipsSkipped();
        }
        return out;
    }

    @Test
    void aFileDamagedDuringTrainingIsSkippedWithAWarningAndTheRunGoesOn() throws IOException {
        Path root = folderWithGoodVideos("damaged");
        VideoFolderDataset ds = VideoFolderDataset.of(root);
        Path victim = ds.file(2);
        byte[] bytes = Files.readAllBytes(victim);
        Files.write(victim, Arrays.copyOf(bytes, bytes.length / 4)); // cut after indexing
        long[] skipped = new long[1];
        // Default: the step fails naming the file.
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> load(ds, false, 1, skipped));
        assertTrue(e.getMessage().contains(victim.toString()), e.getMessage());
        // Skipping: the run goes on with substitute clips, a warning names the file, batches stay deterministic.
        List<List<int[]>> runs = new ArrayList<>();
        String log = stderrOf(() -> runs.add(load(ds, true, 1, skipped)));
        assertTrue(skipped[0] > 0, "some clips of the damaged file were replaced");
        assertTrue(log.contains(victim.toString()), log);
        runs.add(load(ds, true, 3, new long[1]));
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < runs.get(0).size(); i++) {
            assertArrayEquals(runs.get(0).get(i), runs.get(1).get(i), "worker count changes nothing, entry " + i);
            if (i % 2 == 0) {
                Arrays.stream(runs.get(0).get(i)).forEach(seen::add);
            }
        }
        assertTrue(seen.contains(3) && seen.contains(0), "substitutes come from the other videos: " + seen);
    }
}
