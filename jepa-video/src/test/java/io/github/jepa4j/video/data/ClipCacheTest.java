package io.github.jepa4j.video.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.core.task.MaskedBatch;
import io.github.jepa4j.video.decode.FrameSpec;
import io.github.jepa4j.video.decode.VideoClipDecoder;
import io.github.jepa4j.video.mask.MultiBlock3dMasker;
import io.github.jepa4j.video.synth.BouncingBalls;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ClipCacheTest {
    private static final int T = 4;
    private static final int STRIDE = 2;
    /** Normalised, so that the uint8 -> float expansion must apply the spec's tables. */
    private static final FrameSpec SPEC = FrameSpec.rgb(16, 16).normalized(FrameSpec.IMAGENET_MEAN, FrameSpec.IMAGENET_STD);

    @TempDir
    static Path dir;

    static VideoFolderDataset ds;

    @BeforeAll
    static void generate() {
        // Lossy codec on purpose: the cache must reproduce whatever the decoder delivers.
        BouncingBalls.builder().videos(4).frames(16).size(24, 24).radius(3).codec(BouncingBalls.Codec.MPEG4).seed(4)
                .build().write(dir);
        ds = VideoFolderDataset.of(dir);
    }

    private static List<float[]> pass(ClipLoader l) {
        List<float[]> out = new ArrayList<>();
        while (l.hasNext()) {
            try (ClipBatch b = l.next()) {
                out.add(b.clips().data().asFloat());
            }
        }
        return out;
    }

    @Test
    void secondPassDecodesNothingAndYieldsIdenticalClips() {
        FixedClipSampler clips = FixedClipSampler.dense(ds, T, STRIDE, 3); // 4 videos x 4 starts
        List<float[]> plain;
        try (ClipLoader l = ClipLoader.builder(ds, clips, SPEC, 3).workers(2).build()) {
            plain = pass(l);
            assertEquals(16, l.clipsDecoded());
        }
        ClipCache cache = new ClipCache(1 << 20);
        List<float[]> first;
        List<float[]> second;
        try (ClipLoader l = ClipLoader.builder(ds, clips, SPEC, 3).workers(2).cache(cache).build()) {
            first = pass(l);
            assertEquals(16, l.clipsDecoded());
        }
        assertEquals(16, cache.size());
        assertEquals(16 * VideoClipDecoder.clipBytes(SPEC, T), cache.bytes());
        try (ClipLoader l = ClipLoader.builder(ds, clips, SPEC, 3).workers(2).cache(cache).build()) {
            second = pass(l);
            assertEquals(0, l.clipsDecoded(), "every clip comes from the cache");
        }
        assertEquals(16, cache.hits());
        assertEquals(plain.size(), second.size());
        for (int s = 0; s < plain.size(); s++) {
            assertArrayEquals(plain.get(s), first.get(s), 0f, "step " + s + ": first cached pass equals plain decoding");
            assertArrayEquals(plain.get(s), second.get(s), 0f, "step " + s + ": cache hits equal plain decoding");
        }
    }

    @Test
    void bytesAndWriteClipMatchReadClip() {
        try (VideoClipDecoder d = new VideoClipDecoder(ds.file(1), SPEC)) {
            INDArray direct = Nd4j.create(DataType.FLOAT, 2, 3, T, 16, 16);
            d.readClip(5, T, STRIDE, direct, 1);
            byte[] px = new byte[(int) VideoClipDecoder.clipBytes(SPEC, T) + 7];
            d.readClipBytes(5, T, STRIDE, px, 7);
            INDArray viaBytes = Nd4j.create(DataType.FLOAT, 2, 3, T, 16, 16);
            VideoClipDecoder.writeClip(px, 7, SPEC, T, viaBytes, 1);
            assertArrayEquals(direct.data().asFloat(), viaBytes.data().asFloat(), 0f);
            assertTrue(viaBytes.getDouble(1, 0, 0, 0, 0) != 0 || viaBytes.getDouble(1, 1, 0, 0, 0) != 0);
            assertThrows(IllegalArgumentException.class, () -> d.readClipBytes(5, T, STRIDE, new byte[10], 0));
            assertThrows(IllegalArgumentException.class, () -> VideoClipDecoder.writeClip(new byte[10], 0, SPEC, T, viaBytes, 0));
        }
    }

    @Test
    void boundIsNeverExceededAndEvictionIsLeastRecentlyUsed() {
        FrameSpec spec = FrameSpec.gray(2, 2);
        Path f = dir.resolve("x.mp4");
        ClipCache.Key[] k = new ClipCache.Key[6];
        for (int i = 0; i < k.length; i++) {
            k[i] = new ClipCache.Key(f, i, 2, 1, spec); // 8 bytes each
        }
        ClipCache c = new ClipCache(30); // room for 3 clips
        for (int i = 0; i < 3; i++) {
            assertTrue(c.put(k[i], new byte[8]));
        }
        assertEquals(24, c.bytes());
        assertSame(c.get(k[0]), c.get(k[0])); // k0 is now the most recently used
        assertTrue(c.put(k[3], new byte[8]));  // evicts k1, the least recently used
        assertFalse(c.contains(k[1]));
        assertTrue(c.contains(k[0]) && c.contains(k[2]) && c.contains(k[3]));
        assertEquals(1, c.evictions());
        for (int i = 0; i < 100; i++) {
            c.put(k[i % 6], new byte[8]);
            assertTrue(c.bytes() <= 30 && c.size() <= 3, c.toString());
        }
        assertNull(new ClipCache(4).get(k[0]));
        assertFalse(new ClipCache(4).put(k[0], new byte[8]), "a clip larger than the budget is not stored");
        assertThrows(IllegalArgumentException.class, () -> c.put(k[0], new byte[7]));
        assertThrows(IllegalArgumentException.class, () -> new ClipCache(0));
        assertEquals(k[0], new ClipCache.Key(dir.resolve("./x.mp4"), 0, 2, 1, FrameSpec.gray(2, 2)), "keys normalise paths");
    }

    @Test
    void concurrentUseKeepsTheBound() throws Exception {
        FrameSpec spec = FrameSpec.gray(4, 4);
        ClipCache c = new ClipCache(1000); // 62 clips of 16 bytes
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int seed = t;
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < 5000; i++) {
                        ClipCache.Key key = new ClipCache.Key(dir.resolve("v" + ((i * 7 + seed) % 13)), i % 17, 1, 1, spec);
                        if (c.get(key) == null) {
                            c.put(key, new byte[16]);
                        }
                        if (c.bytes() > 1000) {
                            throw new AssertionError("over budget: " + c);
                        }
                    }
                }));
            }
            for (Future<?> fu : fs) {
                fu.get();
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(c.size() * 16L, c.bytes());
        assertTrue(c.bytes() <= 1000 && c.evictions() > 0, c.toString());
        assertEquals(20000, c.hits() + c.misses());
    }

    @Test
    void sourceCachesClipsAndSharesACache() {
        MultiBlock3dMasker masker = MultiBlock3dMasker.builder(T / 2, 4, 4).seed(1).build();
        FixedClipSampler clips = FixedClipSampler.dense(ds, T, STRIDE, 9); // 4 videos x 2 starts, 2 clips a step
        try (VideoClipSource src = VideoClipSource.builder(ds, SPEC, 2, T, STRIDE, masker).sampler(clips)
                .cacheBytes(1 << 20).workers(1).build()) {
            for (long k = 0; k < 4; k++) {
                src.release(src.next(k));
            }
            assertEquals(8, src.cache().misses());
            assertEquals(8, src.cache().size());
        }
        assertThrows(IllegalArgumentException.class,
                () -> VideoClipSource.builder(ds, SPEC, 2, T, STRIDE, masker).cacheBytes(-1).build());
        // A shared cache: a second source over the same clips decodes nothing.
        ClipCache shared = new ClipCache(1 << 20);
        for (int round = 0; round < 2; round++) {
            try (VideoClipSource src = VideoClipSource.builder(ds, SPEC, 2, T, STRIDE, masker).sampler(clips)
                    .cache(shared).workers(1).build()) {
                for (long k = 0; k < 4; k++) { // the whole finite sampler, so prefetching changes no count
                    MaskedBatch mb = src.next(k);
                    src.release(mb);
                }
            }
            assertEquals(8, shared.misses(), "round " + round + ": only the first round decodes");
        }
        assertEquals(8, shared.hits());
    }
}
