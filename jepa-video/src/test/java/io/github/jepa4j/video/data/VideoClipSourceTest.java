package io.github.jepa4j.video.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.core.model.PredictorConfig;
import io.github.jepa4j.core.model.VitConfig;
import io.github.jepa4j.core.task.MaskedBatch;
import io.github.jepa4j.core.task.MaskedJepaConfig;
import io.github.jepa4j.core.task.MaskedJepaTask;
import io.github.jepa4j.core.train.OptimConfig;
import io.github.jepa4j.core.train.StepEvent;
import io.github.jepa4j.core.train.Trainer;
import io.github.jepa4j.core.train.TrainingListener;
import io.github.jepa4j.video.decode.FrameSpec;
import io.github.jepa4j.video.mask.MultiBlock3dMasker;
import io.github.jepa4j.video.mask.VideoMaskSet;
import io.github.jepa4j.video.synth.BouncingBalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

class VideoClipSourceTest {
    private static final int T = 4;
    private static final int STRIDE = 2;
    private static final FrameSpec SPEC = FrameSpec.rgb(32, 32);

    @TempDir
    static Path dir;

    static BouncingBalls balls;
    static VideoFolderDataset ds;
    static MultiBlock3dMasker masker;

    @BeforeAll
    static void generate() throws IOException {
        // Two classes of 3 videos of 16 frames, 32x32, lossless.
        balls = BouncingBalls.builder().videos(6).frames(16).size(32, 32).radius(3).seed(2).build();
        Path flat = dir.resolve("flat");
        balls.write(flat);
        Path root = dir.resolve("root");
        for (int v = 0; v < 6; v++) {
            Path d = Files.createDirectories(root.resolve(v < 3 ? "left" : "right"));
            Files.copy(flat.resolve(balls.fileName(v)), d.resolve(balls.fileName(v)));
        }
        ds = VideoFolderDataset.of(root);
        masker = MultiBlock3dMasker.builder(T / 2, 4, 4).seed(5).build(); // tubelet 2, patch 8
    }

    /** Video index of the generator for dataset video {@code i} (file names carry it). */
    private static int generatorIndex(int i) {
        String n = ds.name(i);
        return Integer.parseInt(n.substring(n.indexOf("video_") + 6, n.indexOf("video_") + 9));
    }

    /** Step contents: clips as floats, videos, starts and masks, for steps [from, to). */
    private static List<Object[]> run(int workers, int buffers, long from, long to, long seed) {
        List<Object[]> out = new ArrayList<>();
        RandomClipSampler sampler = new RandomClipSampler(ds, T, STRIDE, seed);
        try (ClipLoader l = ClipLoader.builder(ds, sampler, SPEC, 3).masker(masker).workers(workers).buffers(buffers)
                .startStep(from).build()) {
            for (long s = from; s < to; s++) {
                try (ClipBatch b = l.next()) {
                    assertEquals(s, b.step());
                    out.add(new Object[] {b.clips().data().asFloat(), b.videos().clone(), b.starts().clone(), b.masks()});
                }
            }
        }
        return out;
    }

    @Test
    void clipsAreTheRenderedFramesOfTheSampledVideoAndStart() {
        RandomClipSampler sampler = new RandomClipSampler(ds, T, STRIDE, 1);
        byte[] rgb = new byte[32 * 32 * 3];
        try (ClipLoader l = ClipLoader.builder(ds, sampler, SPEC, 3).workers(2).build()) {
            for (int s = 0; s < 4; s++) {
                try (ClipBatch b = l.next()) {
                    assertNull(b.masks());
                    float[] all = b.clips().data().asFloat();
                    assertEquals(3 * 3 * T * 32 * 32, all.length);
                    for (int j = 0; j < 3; j++) {
                        assertEquals(ds.label(b.videos()[j]), b.labels()[j]);
                        int gv = generatorIndex(b.videos()[j]);
                        for (int t = 0; t < T; t++) {
                            balls.render(gv, b.starts()[j] + t * STRIDE, rgb);
                            for (int c = 0; c < 3; c++) {
                                int off = ((j * 3 + c) * T + t) * 1024;
                                for (int i = 0; i < 1024; i++) {
                                    assertEquals((rgb[i * 3 + c] & 0xFF) / 255f, all[off + i], 0f,
                                            "step " + s + " clip " + j + " t " + t + " c " + c + " pixel " + i);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void deterministicAcrossWorkerAndBufferCounts() {
        List<Object[]> a = run(1, 2, 0, 8, 3);
        List<Object[]> b = run(3, 5, 0, 8, 3);
        List<Object[]> c = run(2, 3, 5, 8, 3); // resumed at step 5
        List<Object[]> d = run(2, 3, 0, 8, 4); // another seed
        for (int s = 0; s < 8; s++) {
            for (int k = 0; k < 4; k++) {
                assertTrue(Arrays.deepEquals(new Object[] {a.get(s)[k]}, new Object[] {b.get(s)[k]}), "step " + s + " part " + k);
                if (s >= 5) {
                    assertTrue(Arrays.deepEquals(new Object[] {a.get(s)[k]}, new Object[] {c.get(s - 5)[k]}),
                            "resumed step " + s + " part " + k);
                }
            }
        }
        boolean differs = false;
        for (int s = 0; s < 8; s++) {
            differs |= !Arrays.equals((int[]) a.get(s)[2], (int[]) d.get(s)[2]) || !Arrays.equals((int[]) a.get(s)[1], (int[]) d.get(s)[1]);
        }
        assertTrue(differs, "another seed draws other clips");
    }

    @Test
    void epochVisitsEveryVideoOnceAndStartsSpreadOut() {
        RandomClipSampler sampler = new RandomClipSampler(ds, T, STRIDE, 9);
        assertEquals(2, sampler.stepsPerEpoch(3));
        int[] v = new int[3];
        int[] st = new int[3];
        for (int epoch = 0; epoch < 3; epoch++) {
            Set<Integer> seen = new HashSet<>();
            for (int k = 0; k < 2; k++) {
                sampler.clips(epoch * 2L + k, 3, v, st);
                for (int j = 0; j < 3; j++) {
                    seen.add(v[j]);
                    assertTrue(st[j] >= 0 && st[j] + sampler.span() <= 16, "start " + st[j]);
                }
            }
            assertEquals(6, seen.size(), "epoch " + epoch + " visits each video once");
        }
        Set<Integer> starts = new HashSet<>();
        for (long k = 0; k < 40; k++) {
            sampler.clips(k, 3, v, st);
            for (int s : st) {
                starts.add(s);
            }
        }
        assertEquals(16 - sampler.span() + 1, starts.size(), "every start frame occurs, the last one included");
    }

    @Test
    void buffersAreReusedInARing() {
        RandomClipSampler sampler = new RandomClipSampler(ds, T, STRIDE, 0);
        long[] addr = new long[9];
        try (ClipLoader l = ClipLoader.builder(ds, sampler, SPEC, 2).workers(2).buffers(3).startStep(4).build()) {
            for (int s = 0; s < 9; s++) {
                try (ClipBatch b = l.next()) {
                    addr[s] = b.clips().data().addressPointer().address();
                    assertTrue(b.waitNanos() >= 0);
                }
            }
            assertTrue(l.totalWaitNanos() >= 0);
            // All buffers held: asking for more is an error, not a deadlock.
            ClipBatch x = l.next();
            ClipBatch y = l.next();
            ClipBatch z = l.next();
            assertThrows(IllegalStateException.class, l::next);
            x.release();
            y.release();
            z.release();
        }
        for (int s = 0; s < 9; s++) {
            assertEquals(addr[s % 3], addr[s], "step " + s + " reuses buffer " + (s % 3));
        }
        assertEquals(3, Arrays.stream(addr).distinct().count());
    }

    @Test
    void fixedSamplerDeliversEveryClipOnceWithAPartialLastBatch() {
        FixedClipSampler centred = FixedClipSampler.centred(ds, T, STRIDE);
        assertEquals(6, centred.size());
        FixedClipSampler dense = FixedClipSampler.dense(ds, T, STRIDE, 3);
        assertEquals(6 * 4, dense.size()); // starts 0, 3, 6, 9 (span 7 of 16 frames)
        List<String> seen = new ArrayList<>();
        try (ClipLoader l = ClipLoader.builder(ds, dense, SPEC, 5).workers(2).build()) {
            while (l.hasNext()) {
                try (ClipBatch b = l.next()) {
                    assertEquals(b.size(), b.clips().size(0));
                    assertEquals(b.step() == 4 ? 4 : 5, b.size());
                    for (int j = 0; j < b.size(); j++) {
                        seen.add(b.videos()[j] + "@" + b.starts()[j]);
                    }
                }
            }
        }
        assertEquals(24, seen.size());
        assertEquals(24, new HashSet<>(seen).size());
        assertTrue(seen.contains("5@9"));
    }

    @Test
    void workerErrorsNameTheFileAndStep() throws IOException {
        Path root = dir.resolve("fragile");
        Files.createDirectories(root);
        for (int v = 0; v < 2; v++) {
            Files.copy(dir.resolve("flat").resolve(balls.fileName(v)), root.resolve(balls.fileName(v)));
        }
        VideoFolderDataset fragile = VideoFolderDataset.of(root);
        // Cut a file after indexing: decoding must fail with its name, not hang or return garbage.
        Path victim = fragile.file(1);
        byte[] bytes = Files.readAllBytes(victim);
        Files.write(victim, Arrays.copyOf(bytes, bytes.length / 3));
        FixedClipSampler all = FixedClipSampler.dense(fragile, 16, 1, 1);
        try (ClipLoader l = ClipLoader.builder(fragile, all, SPEC, 1).workers(2).build()) {
            try (ClipBatch b = l.next()) {
                assertEquals(0, b.videos()[0]);
            }
            IllegalStateException e = assertThrows(IllegalStateException.class, l::next);
            assertTrue(e.getMessage().contains(victim.toString()) && e.getMessage().contains("step 1"), e.getMessage());
            assertThrows(IllegalStateException.class, l::next, "the loader is closed after a failure");
        }
    }

    @Test
    void sourceMapsMasksToMaskedBatches() {
        try (VideoClipSource src = VideoClipSource.builder(ds, SPEC, 3, T, STRIDE, masker).workers(2).seed(1).build()) {
            assertEquals(2, src.stepsPerEpoch());
            for (long s = 0; s < 4; s++) {
                MaskedBatch mb = src.next(s);
                assertArrayEquals(new long[] {3, 3, T, 32, 32}, mb.inputs().shape());
                assertEquals(1, mb.targetBlocks().length, "per-generator contexts: one target block per step");
                VideoMaskSet expect = masker.sample(3, s);
                int g = (int) (s % 2);
                assertTrue(Arrays.deepEquals(expect.contexts()[g], mb.contextIdx()), "step " + s + " uses generator " + g);
                assertTrue(Arrays.deepEquals(expect.targets()[g], mb.targetBlocks()[0]));
                for (int j = 0; j < 3; j++) {
                    assertTrue(mb.labels()[j] == 0 || mb.labels()[j] == 1);
                }
                assertTrue(src.lastWaitMillis() >= 0);
                src.release(mb);
            }
            assertThrows(IllegalStateException.class, () -> src.next(2));
            src.release(src.next(20)); // a jump restarts the loader at the step
        }
        MultiBlock3dMasker shared = MultiBlock3dMasker.builder(T / 2, 4, 4)
                .generators(MultiBlock3dMasker.BlockSpec.shortRange().withBlocks(2),
                        MultiBlock3dMasker.BlockSpec.longRange().withBlocks(1).withSpatialScale(0.3, 0.3))
                .sharedContext(true).seed(5).build();
        try (VideoClipSource src = VideoClipSource.builder(ds, SPEC, 3, T, STRIDE, shared).build()) {
            MaskedBatch mb = src.next(7);
            assertEquals(2, mb.targetBlocks().length, "shared context: one target block per generator");
            assertTrue(Arrays.deepEquals(shared.sample(3, 7).contexts()[0], mb.contextIdx()));
            src.release(mb);
        }
        assertThrows(IllegalArgumentException.class,
                () -> VideoClipSource.builder(ds, SPEC, 3, 5, STRIDE, masker).build(), "5 frames on a 2-step time grid");
    }

    @Test
    void trainsAVideoJepaStep() {
        // The batches drive core's MaskedJepaTask on clips (tubelet 2, patch 8) through the Trainer.
        VitConfig enc = new VitConfig(3, 32, 32, T, 8, 2, 32, 1, 2, 64, 1e-6);
        MaskedJepaTask task = new MaskedJepaTask(MaskedJepaConfig.vjepa(enc, PredictorConfig.forEncoder(enc, 16, 1, 2)),
                DataType.FLOAT, 1);
        List<Double> losses = new ArrayList<>();
        try (VideoClipSource src = VideoClipSource.builder(ds, SPEC, 3, T, STRIDE, masker).build();
             Trainer<MaskedBatch> t = Trainer.builder(task, src).totalSteps(4).seed(1)
                     .optim(OptimConfig.defaults().withLr(1e-3).withWarmupSteps(1))
                     .listener(new TrainingListener() {
                         @Override
                         public void onStepEnd(StepEvent e) {
                             losses.add(e.output().loss());
                         }
                     })
                     .build()) {
            t.fit();
        }
        assertEquals(4, losses.size());
        assertTrue(losses.stream().allMatch(l -> Double.isFinite(l) && l > 0), losses.toString());
        assertNotEquals(losses.get(0), losses.get(1));
    }
}
