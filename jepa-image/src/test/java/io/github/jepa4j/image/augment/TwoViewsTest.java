package io.github.jepa4j.image.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.image.data.Batch;
import io.github.jepa4j.image.data.BatchLoader;
import io.github.jepa4j.image.data.ImageDataset;
import io.github.jepa4j.image.data.ImageFolderDataset;
import io.github.jepa4j.image.data.ShapesDataset;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class TwoViewsTest {
    private static final ShapesDataset SHAPES = ShapesDataset.builder().size(30).imageSize(16, 16).seed(4).build();

    private static Supplier<Augmenter> factory() {
        return Augmenter.factory(new RandomResizedCrop(12, 12, 0.3, 1, 0.75, 4.0 / 3), new HorizontalFlip(),
                new ColorJitter(0.4, 0.4).withProbability(0.8), new GaussianBlur());
    }

    private record Views(float[] v1, float[] v2) {}

    private static Views fill(TwoViews tv, int[] idx, long batch) {
        INDArray a = Nd4j.create(DataType.FLOAT, idx.length, 1, 12, 12);
        INDArray b = Nd4j.create(DataType.FLOAT, idx.length, 1, 12, 12);
        tv.fill(idx, batch, a, b);
        return new Views(a.data().asFloat(), b.data().asFloat());
    }

    @Test
    void viewsAreIndependentDeterministicAugmentationsOfTheSameImages() throws Exception {
        TwoViews tv = new TwoViews(SHAPES, factory(), 7);
        assertEquals(12, tv.viewHeight());
        assertEquals(12, tv.viewWidth());
        assertEquals(1, tv.channels());
        int[] idx = {3, 9, 3, 20};
        Views v = fill(tv, idx, 5);
        int m = 144;
        for (int j = 0; j < idx.length; j++) {
            float[] a = Arrays.copyOfRange(v.v1(), j * m, (j + 1) * m);
            float[] b = Arrays.copyOfRange(v.v2(), j * m, (j + 1) * m);
            assertFalse(Arrays.equals(a, b), "the two views of position " + j + " differ");
            // Each view is exactly the augmenter applied with the documented seed.
            INDArray raw = Nd4j.create(DataType.FLOAT, 1, 1, 16, 16);
            SHAPES.fill(new int[] {idx[j]}, raw);
            float[] src = raw.data().asFloat();
            Augmenter aug = factory().get();
            assertArrayEquals(aug.apply(src, 1, 16, 16, new SplittableRandom(TwoViews.viewSeed(7, 5, j, 0))).toArray(), a);
            assertArrayEquals(aug.apply(src, 1, 16, 16, new SplittableRandom(TwoViews.viewSeed(7, 5, j, 1))).toArray(), b);
        }
        // The same image at another position or in another batch gets other augmentations.
        assertFalse(Arrays.equals(Arrays.copyOfRange(v.v1(), 0, m), Arrays.copyOfRange(v.v1(), 2 * m, 3 * m)));
        Views again = fill(tv, idx, 5);
        assertArrayEquals(v.v1(), again.v1());
        assertArrayEquals(v.v2(), again.v2());
        assertFalse(Arrays.equals(v.v1(), fill(tv, idx, 6).v1()), "another batch number");
        assertFalse(Arrays.equals(v.v1(), fill(new TwoViews(SHAPES, factory(), 8), idx, 5).v1()), "another seed");
        // Another thread (its own Augmenter) gives the same result.
        Views[] other = new Views[1];
        Thread t = new Thread(() -> other[0] = fill(tv, idx, 5));
        t.start();
        t.join();
        assertArrayEquals(v.v1(), other[0].v1());
        assertArrayEquals(v.v2(), other[0].v2());
    }

    @Test
    void fillValidatesTheViewArrays() {
        TwoViews tv = new TwoViews(SHAPES, factory(), 0);
        INDArray a = Nd4j.create(DataType.FLOAT, 2, 1, 12, 12);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> tv.fill(new int[] {0, 1}, 0, a, Nd4j.create(DataType.FLOAT, 2, 1, 16, 16)));
        assertTrue(e.getMessage().contains("view2") && e.getMessage().contains("[2, 1, 12, 12]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> tv.fill(new int[] {0, 1}, 0, a, a));
        assertThrows(IllegalArgumentException.class,
                () -> tv.fill(new int[] {0, 1}, 0, a, Nd4j.create(DataType.DOUBLE, 2, 1, 12, 12)));
        assertThrows(IllegalArgumentException.class,
                () -> tv.fill(new int[] {0, 30}, 0, a, Nd4j.create(DataType.FLOAT, 2, 1, 12, 12)));
        assertThrows(IllegalArgumentException.class, () -> new TwoViews(SHAPES, null, 0));
        assertThrows(IllegalArgumentException.class, () -> new TwoViews(SHAPES, () -> null, 0));
    }

    private record Snap(float[] v1, float[] v2, int[] labels, int[] indices, int epoch, int k, long stream) {}

    private static List<Snap> take(TwoViewBatcher b, int n) {
        List<Snap> out = new ArrayList<>();
        for (int i = 0; i < n && b.hasNext(); i++) {
            try (TwoViewBatch t = b.next()) {
                out.add(new Snap(t.view1().dup().data().asFloat(), t.view2().dup().data().asFloat(), t.labels().clone(),
                        t.indices().clone(), t.epoch(), t.indexInEpoch(), t.stream()));
            }
        }
        return out;
    }

    @Test
    void batcherIsDeterministicFollowsBatchLoaderOrderAndMatchesTwoViews() {
        List<Snap> one, three;
        try (TwoViewBatcher b = TwoViewBatcher.builder(SHAPES, factory(), 4).workers(1).buffers(2).seed(3).build()) {
            assertEquals(7, b.batchesPerEpoch());
            one = take(b, 16);
        }
        try (TwoViewBatcher b = TwoViewBatcher.builder(SHAPES, factory(), 4).workers(3).buffers(5).seed(3).build()) {
            three = take(b, 16);
        }
        List<int[]> loaderOrder = new ArrayList<>();
        try (BatchLoader l = BatchLoader.builder(SHAPES, 4).seed(3).build()) {
            for (int g = 0; g < 16; g++) {
                try (Batch x = l.next()) {
                    loaderOrder.add(x.indices().clone());
                }
            }
        }
        TwoViews tv = new TwoViews(SHAPES, factory(), 3);
        for (int g = 0; g < 16; g++) {
            Snap a = one.get(g), c = three.get(g);
            assertArrayEquals(a.v1(), c.v1(), "view1 of batch " + g);
            assertArrayEquals(a.v2(), c.v2(), "view2 of batch " + g);
            assertArrayEquals(a.indices(), c.indices());
            assertArrayEquals(loaderOrder.get(g), a.indices(), "same images as a BatchLoader with the seed");
            assertEquals(g / 7, a.epoch());
            assertEquals(g % 7, a.k());
            assertEquals(g, a.stream());
            for (int j = 0; j < 4; j++) {
                assertEquals(SHAPES.label(a.indices()[j]), a.labels()[j]);
            }
            Views direct = fill(tv, a.indices(), a.stream());
            assertArrayEquals(direct.v1(), a.v1());
            assertArrayEquals(direct.v2(), a.v2());
            assertFalse(Arrays.equals(a.v1(), a.v2()));
        }
    }

    @Test
    void resumingAtAnEpochRepeatsTheContinuousRunAndPartialBatchesAreKept() {
        List<Snap> cont, resumed;
        try (TwoViewBatcher b = TwoViewBatcher.builder(SHAPES, factory(), 4).seed(9).dropLast(false).build()) {
            assertEquals(8, b.batchesPerEpoch());
            cont = take(b, 10);
        }
        try (TwoViewBatcher b = TwoViewBatcher.builder(SHAPES, factory(), 4).seed(9).dropLast(false).startEpoch(1)
                .epochs(1).build()) {
            resumed = take(b, 100);
            assertFalse(b.hasNext());
            assertThrows(java.util.NoSuchElementException.class, b::next);
        }
        assertEquals(8, resumed.size());
        assertEquals(2, cont.get(7).indices().length, "30 = 7 * 4 + 2");
        assertEquals(2 * 144, cont.get(7).v1().length);
        for (int g = 0; g < 2; g++) {
            Snap a = cont.get(8 + g), b = resumed.get(g);
            assertArrayEquals(a.indices(), b.indices());
            assertArrayEquals(a.v1(), b.v1());
            assertArrayEquals(a.v2(), b.v2());
            assertEquals(8 + g, b.stream());
        }
    }

    @Test
    void buffersAreReusedAndMisuseIsReported() {
        try (TwoViewBatcher b = TwoViewBatcher.builder(SHAPES, factory(), 4).workers(2).buffers(3).build()) {
            Set<INDArray> seen = Collections.newSetFromMap(new IdentityHashMap<>());
            for (int g = 0; g < 20; g++) {
                try (TwoViewBatch t = b.next()) {
                    seen.add(t.view1());
                    seen.add(t.view2());
                    assertEquals(g, t.number());
                    assertEquals(4, t.size());
                }
            }
            assertEquals(6, seen.size(), "three buffer pairs, none allocated later");
            TwoViewBatch x = b.next(), y = b.next(), z = b.next();
            IllegalStateException e = assertThrows(IllegalStateException.class, b::next);
            assertTrue(e.getMessage().contains("release()"), e.getMessage());
            x.release();
            x.release();
            y.close();
            z.close();
            assertEquals(23, b.next().number());
        }
    }

    /** Shapes whose image 13 cannot be read. */
    private static final class Failing implements ImageDataset {
        final RuntimeException failure = new IllegalArgumentException("cannot decode image file 13.png");

        public String name() {
            return "failing";
        }

        public int size() {
            return SHAPES.size();
        }

        public int channels() {
            return 1;
        }

        public int height() {
            return 16;
        }

        public int width() {
            return 16;
        }

        public int numClasses() {
            return SHAPES.numClasses();
        }

        public int label(int i) {
            return SHAPES.label(i);
        }

        public void fill(int[] indices, INDArray out) {
            for (int i : indices) {
                if (i == 13) {
                    throw failure;
                }
            }
            SHAPES.fill(indices, out);
        }
    }

    @Test
    void workerFailureReachesTheConsumerAndCloseStopsWorkers() {
        Failing bad = new Failing();
        TwoViewBatcher b = TwoViewBatcher.builder(bad, factory(), 4).shuffle(false).workers(2).buffers(2).build();
        for (int g = 0; g < 3; g++) {
            b.next().release(); // images 0..11
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, b::next);
        assertSame(bad.failure, e.getCause());
        assertTrue(e.getMessage().contains("batch 3 of epoch 0") && e.getMessage().contains("failing"), e.getMessage());
        for (Thread t : b.workers()) {
            assertFalse(t.isAlive(), "the failure closed the batcher");
        }
        assertThrows(IllegalStateException.class, b::next);
        b.close();

        TwoViewBatcher open = TwoViewBatcher.builder(SHAPES, factory(), 4).workers(2).buffers(2).build();
        open.next(); // held: workers block on buffers
        open.close();
        for (Thread t : open.workers()) {
            assertFalse(t.isAlive(), t.getName());
        }
        assertFalse(open.hasNext());
    }

    @Test
    void builderValidates() {
        assertThrows(IllegalArgumentException.class, () -> TwoViewBatcher.builder(SHAPES, factory(), 0).build());
        assertThrows(IllegalArgumentException.class, () -> TwoViewBatcher.builder(SHAPES, factory(), 31).build());
        assertThrows(IllegalArgumentException.class, () -> TwoViewBatcher.builder(SHAPES, null, 4).build());
        assertThrows(IllegalArgumentException.class, () -> TwoViewBatcher.builder(SHAPES, factory(), 4).workers(0).build());
        assertThrows(IllegalArgumentException.class, () -> TwoViewBatcher.builder(SHAPES, factory(), 4).buffers(0).build());
        assertThrows(IllegalArgumentException.class, () -> TwoViewBatcher.builder(SHAPES, factory(), 4).epochs(0).build());
    }

    @Test
    void imageFolderWithTheStandardRecipeEndToEnd(@TempDir Path tmp) throws Exception {
        SplittableRandom r = new SplittableRandom(1);
        for (String cls : new String[] {"a", "b"}) {
            Files.createDirectories(tmp.resolve(cls));
            for (int i = 0; i < 5; i++) {
                int h = 12 + r.nextInt(8), w = 12 + r.nextInt(8);
                byte[] px = new byte[h * w * 3];
                for (int k = 0; k < px.length; k++) {
                    px[k] = (byte) r.nextInt(256);
                }
                try (BytePointer bp = new BytePointer(px); Mat m = new Mat(h, w, CV_8UC3, bp)) {
                    assertTrue(imwrite(tmp.resolve(cls + "/" + i + ".png").toString(), m));
                }
            }
        }
        ImageFolderDataset d = ImageFolderDataset.builder(tmp).imageSize(16, 16).build();
        Supplier<Augmenter> recipe = Augmenter.standardViews(8, 8, d.mean(), d.std());
        List<List<Snap>> runs = new ArrayList<>();
        for (int workers : new int[] {1, 2}) {
            try (TwoViewBatcher b = TwoViewBatcher.builder(d, recipe, 3).workers(workers).seed(5).epochs(2).build()) {
                runs.add(take(b, 100));
            }
        }
        assertEquals(6, runs.get(0).size(), "10 / 3 = 3 batches per epoch, 2 epochs");
        for (int g = 0; g < 6; g++) {
            Snap a = runs.get(0).get(g), c = runs.get(1).get(g);
            assertEquals(3 * 3 * 8 * 8, a.v1().length);
            assertArrayEquals(a.v1(), c.v1());
            assertArrayEquals(a.v2(), c.v2());
            assertFalse(Arrays.equals(a.v1(), a.v2()));
            for (float v : a.v1()) {
                assertTrue(v >= -2.2f && v <= 2.7f, "within the normalised range of [0, 1] intensities: " + v);
            }
        }
    }
}
