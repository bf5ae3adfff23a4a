package io.github.jepa4j.image.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.image.mask.MaskSet;
import io.github.jepa4j.image.mask.MultiBlockMaskCollator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class BatchLoaderTest {
    private static final ShapesDataset SHAPES = ShapesDataset.builder().size(100).seed(9).build();

    /** Delegates to shapes; fill sleeps, and throws for a chosen image. */
    static final class Wrapped implements ImageDataset {
        final ImageDataset d;
        final long sleepMs;
        final int failOn;
        final RuntimeException failure = new RuntimeException("disk on fire");

        Wrapped(ImageDataset d, long sleepMs, int failOn) {
            this.d = d;
            this.sleepMs = sleepMs;
            this.failOn = failOn;
        }

        public String name() {
            return "wrapped";
        }

        public int size() {
            return d.size();
        }

        public int channels() {
            return d.channels();
        }

        public int height() {
            return d.height();
        }

        public int width() {
            return d.width();
        }

        public int numClasses() {
            return d.numClasses();
        }

        public int label(int i) {
            return d.label(i);
        }

        public void fill(int[] indices, INDArray out) {
            if (sleepMs > 0) {
                try {
                    Thread.sleep(sleepMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            for (int i : indices) {
                if (i == failOn) {
                    throw failure;
                }
            }
            d.fill(indices, out);
        }
    }

    private record Snapshot(float[] images, int[] labels, int[] indices, MaskSet masks, int epoch, int k) {}

    private static List<Snapshot> take(BatchLoader loader, int n) {
        List<Snapshot> out = new ArrayList<>();
        for (int i = 0; i < n && loader.hasNext(); i++) {
            try (Batch b = loader.next()) {
                out.add(new Snapshot(b.images().dup().data().asFloat(), b.labels().clone(), b.indices().clone(),
                        b.masks(), b.epoch(), b.indexInEpoch()));
            }
        }
        return out;
    }

    private static MultiBlockMaskCollator masker() {
        return MultiBlockMaskCollator.builder(7, 7).minKeep(4).seed(1).build();
    }

    @Test
    void batchesAreTheSameForAnyWorkerCountAndMatchTheDataset() {
        List<Snapshot> one, three;
        try (BatchLoader l = BatchLoader.builder(SHAPES, 8).workers(1).buffers(2).seed(5).masker(masker()).build()) {
            one = take(l, 30);
        }
        try (BatchLoader l = BatchLoader.builder(SHAPES, 8).workers(3).buffers(5).seed(5).masker(masker()).build()) {
            three = take(l, 30);
        }
        assertEquals(30, one.size());
        for (int g = 0; g < 30; g++) {
            Snapshot a = one.get(g), b = three.get(g);
            assertArrayEquals(a.images(), b.images(), "images of batch " + g);
            assertArrayEquals(a.labels(), b.labels());
            assertArrayEquals(a.indices(), b.indices());
            assertEquals(a.masks(), b.masks());
            assertEquals(8, a.masks().batchSize());
            assertEquals(g / 12, a.epoch(), "100 / 8 = 12 batches per epoch");
            assertEquals(g % 12, a.k());
            INDArray direct = Nd4j.create(DataType.FLOAT, 8, 1, 28, 28);
            SHAPES.fill(a.indices(), direct);
            assertArrayEquals(direct.data().asFloat(), a.images());
            for (int j = 0; j < 8; j++) {
                assertEquals(SHAPES.label(a.indices()[j]), a.labels()[j]);
            }
        }
        // Each epoch visits distinct images, in a different order per epoch.
        int[] e0 = new int[96], e1 = new int[96];
        for (int k = 0; k < 12; k++) {
            System.arraycopy(one.get(k).indices(), 0, e0, k * 8, 8);
            System.arraycopy(one.get(12 + k).indices(), 0, e1, k * 8, 8);
        }
        assertEquals(96, Arrays.stream(e0).distinct().count());
        assertEquals(96, Arrays.stream(e1).distinct().count());
        assertFalse(Arrays.equals(e0, e1));
        assertNotEquals(one.get(0).masks(), one.get(1).masks());
    }

    @Test
    void augmentationIsInPlaceDeterministicAndResumable() {
        java.util.function.Supplier<io.github.jepa4j.image.augment.Augmenter> crop = io.github.jepa4j.image.augment.Augmenter
                .factory(new io.github.jepa4j.image.augment.RandomResizedCrop(28, 28, 0.3, 1.0, 0.75, 4.0 / 3.0));
        List<Snapshot> one, two, plain, resumed;
        try (BatchLoader l = BatchLoader.builder(SHAPES, 8).workers(1).seed(4).augmenter(crop).build()) {
            one = take(l, 14);
        }
        try (BatchLoader l = BatchLoader.builder(SHAPES, 8).workers(3).seed(4).augmenter(crop).build()) {
            two = take(l, 14);
        }
        try (BatchLoader l = BatchLoader.builder(SHAPES, 8).workers(1).seed(4).build()) {
            plain = take(l, 14);
        }
        try (BatchLoader l = BatchLoader.builder(SHAPES, 8).seed(4).augmenter(crop).startEpoch(1).epochs(1).build()) {
            resumed = take(l, 2);
        }
        for (int g = 0; g < 14; g++) {
            assertArrayEquals(one.get(g).images(), two.get(g).images(), "same crops for any worker count, batch " + g);
            assertArrayEquals(plain.get(g).indices(), one.get(g).indices(), "augmentation does not change the order");
            assertFalse(Arrays.equals(plain.get(g).images(), one.get(g).images()), "images of batch " + g + " were cropped");
        }
        assertArrayEquals(one.get(12).images(), resumed.get(0).images(), "a resumed loader draws the same crops");
        // A crop that changes the size cannot be applied in place.
        var shrink = io.github.jepa4j.image.augment.Augmenter.factory(new io.github.jepa4j.image.augment.RandomResizedCrop(14, 14));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BatchLoader.builder(SHAPES, 8).augmenter(shrink).build());
        assertTrue(e.getMessage().contains("28x28 images into 14x14"), e.getMessage());
    }

    @Test
    void resumingAtAnEpochRepeatsTheContinuousRun() {
        List<Snapshot> cont, resumed;
        try (BatchLoader l = BatchLoader.builder(SHAPES, 8).seed(2).masker(masker()).build()) {
            cont = take(l, 14);
        }
        try (BatchLoader l = BatchLoader.builder(SHAPES, 8).seed(2).masker(masker()).startEpoch(1).epochs(1).build()) {
            resumed = take(l, 100);
        }
        assertEquals(12, resumed.size(), "one epoch of 12 batches, then hasNext() is false");
        assertArrayEquals(cont.get(12).indices(), resumed.get(0).indices());
        assertEquals(cont.get(13).masks(), resumed.get(1).masks());
        assertArrayEquals(cont.get(13).images(), resumed.get(1).images());
    }

    @Test
    void buffersAreReusedAndReleasedBuffersRecycle() {
        try (BatchLoader l = BatchLoader.builder(SHAPES, 8).workers(2).buffers(3).build()) {
            Set<INDArray> seen = Collections.newSetFromMap(new IdentityHashMap<>());
            Set<int[]> labels = Collections.newSetFromMap(new IdentityHashMap<>());
            for (int g = 0; g < 40; g++) {
                try (Batch b = l.next()) {
                    seen.add(b.images());
                    labels.add(b.labels());
                }
            }
            assertEquals(3, seen.size(), "exactly the ring's buffers, none allocated later");
            assertEquals(3, labels.size());
            // Holding every buffer and asking for more is a usage error, not a deadlock.
            Batch a = l.next(), b = l.next(), c = l.next();
            IllegalStateException e = assertThrows(IllegalStateException.class, l::next);
            assertTrue(e.getMessage().contains("release()"), e.getMessage());
            a.release();
            a.release(); // idempotent
            b.close();
            c.close();
            try (Batch d = l.next()) {
                assertEquals(43, d.number());
            }
        }
    }

    @Test
    void keepingTheLastPartialBatchAndUnshuffledOrder() {
        try (BatchLoader l = BatchLoader.builder(SHAPES, 8).dropLast(false).shuffle(false).epochs(1).masker(masker()).build()) {
            List<Snapshot> all = take(l, 100);
            assertEquals(13, all.size());
            Snapshot last = all.get(12);
            assertArrayEquals(new int[] {96, 97, 98, 99}, last.indices());
            assertEquals(4, last.masks().batchSize());
            assertEquals(4 * 28 * 28, last.images().length);
            assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, all.get(0).indices());
            assertFalse(l.hasNext());
            assertThrows(java.util.NoSuchElementException.class, l::next);
        }
    }

    @Test
    void workerExceptionReachesTheConsumerWithItsCause() {
        Wrapped bad = new Wrapped(SHAPES, 0, 42); // image 42 sits in batch 5 when unshuffled
        BatchLoader l = BatchLoader.builder(bad, 8).shuffle(false).workers(2).buffers(3).build();
        for (int g = 0; g < 5; g++) {
            l.next().release();
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, l::next);
        assertSame(bad.failure, e.getCause());
        assertTrue(e.getMessage().contains("batch 5 of epoch 0") && e.getMessage().contains("wrapped"), e.getMessage());
        for (Thread t : l.workers()) {
            assertFalse(t.isAlive(), "the failure closed the loader");
        }
        assertThrows(IllegalStateException.class, l::next);
        l.close();
    }

    @Test
    void closeStopsBlockedWorkersAndWaitIsMeasured() {
        Wrapped slow = new Wrapped(SHAPES, 60, -1);
        BatchLoader l = BatchLoader.builder(slow, 8).workers(2).buffers(2).build();
        Batch first = l.next();
        assertTrue(first.waitNanos() > 30_000_000L, "first batch waits for a 60 ms fill: " + first.waitNanos());
        assertEquals(first.waitNanos(), l.lastWaitNanos());
        first.release();
        try {
            Thread.sleep(500); // the ring refills; workers now block on buffers
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        Batch ready = l.next();
        assertTrue(ready.waitNanos() < 30_000_000L, "a prefetched batch is ready: " + ready.waitNanos());
        assertTrue(l.totalWaitNanos() >= first.waitNanos() + ready.waitNanos());
        assertTimeoutPreemptively(Duration.ofSeconds(2), l::close);
        for (Thread t : l.workers()) {
            assertFalse(t.isAlive(), t.getName() + " still running");
        }
        assertFalse(l.hasNext());
        assertThrows(IllegalStateException.class, l::next);
    }

    @Test
    void builderValidates() {
        assertThrows(IllegalArgumentException.class, () -> BatchLoader.builder(SHAPES, 0).build());
        assertThrows(IllegalArgumentException.class, () -> BatchLoader.builder(SHAPES, 101).build());
        assertThrows(IllegalArgumentException.class, () -> BatchLoader.builder(SHAPES, 8).workers(0).build());
        assertThrows(IllegalArgumentException.class, () -> BatchLoader.builder(SHAPES, 8).buffers(0).build());
        assertThrows(IllegalArgumentException.class, () -> BatchLoader.builder(SHAPES, 8).epochs(0).build());
    }
}
