package io.github.jepa4j.image.data;

import io.github.jepa4j.image.augment.Augmenter;
import io.github.jepa4j.image.mask.MaskSet;
import io.github.jepa4j.image.mask.Masker;
import io.github.jepa4j.core.data.PrefetchRing;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Prefetching batch loader: worker threads fill a ring of {@code R} reusable batch buffers
 * ({@code [B, C, H, W]} float32 images, labels, indices, and masks from an optional {@link
 * Masker}, sampled on the worker) while the consumer trains on earlier batches.
 *
 * <p>Determinism: batch {@code g} (counting from 0 across epochs) of epoch {@code e} holds the
 * dataset indices {@code perm_e[k B, (k + 1) B)}, where {@code perm_e} is a permutation drawn
 * from {@code (seed, e)} (identity when not shuffling) and {@code k} is the index in the epoch;
 * its masks are {@code masker.sample(n, e * batchesPerEpoch + k)}. Content therefore depends
 * only on the seed and the batch position, not on thread count or timing, and a loader started
 * at epoch {@code e} repeats what a continuous run produced there.
 *
 * <p>Buffers: batch {@code g} always uses buffer {@code g mod R}; a worker waits until the
 * consumer has released the previous batch of that buffer, so at most {@code R} batches are in
 * flight and no memory is allocated after construction (a partial last batch, when kept, is a
 * view of a buffer). Batches are delivered in order. {@link Batch#waitNanos()} is the time
 * {@link #next()} blocked. An exception in a worker stops the loader and is rethrown by {@link
 * #next()} for the failed batch as an {@link IllegalStateException} with the original cause.
 * {@link #close()} stops and joins the workers. The ring, threads and synchronisation are core's
 * {@link PrefetchRing}; this class supplies the buffers and how to fill them.
 *
 * <p>Defaults: 2 workers, 4 buffers, shuffle, drop the last partial batch, unbounded epochs.
 */
public final class BatchLoader implements Iterator<Batch>, AutoCloseable {
    private static final AtomicInteger LOADER_IDS = new AtomicInteger();
    /** Separates the augmentation streams from the shuffle streams of the same seed. */
    private static final long AUGMENT_SALT = 0x5DEECE66DL;

    /** One reusable buffer and the batch it currently holds. */
    static final class Slot {
        final INDArray images;
        final int[] fullLabels;
        final int[] fullIndices;
        INDArray imagesView;
        int[] labels;
        int[] indices;
        MaskSet masks;
        int epoch;
        int indexInEpoch;

        Slot(INDArray images, int batchSize) {
            this.images = images;
            this.fullLabels = new int[batchSize];
            this.fullIndices = new int[batchSize];
        }
    }

    private final ImageDataset dataset;
    private final Masker masker;
    private final ThreadLocal<Augmenter> augmenter;
    private final int batchSize;
    private final int batchesPerEpoch;
    private final int lastBatchSize;
    private final boolean shuffle;
    private final long seed;
    private final int startEpoch;
    private final Map<Integer, int[]> permutations = new ConcurrentHashMap<>();
    private final PrefetchRing<Slot> ring;

    private BatchLoader(Builder b) {
        dataset = b.dataset;
        masker = b.masker;
        augmenter = b.augmenter == null ? null : ThreadLocal.withInitial(b.augmenter);
        batchSize = b.batchSize;
        shuffle = b.shuffle;
        seed = b.seed;
        startEpoch = b.startEpoch;
        int n = dataset.size();
        batchesPerEpoch = b.dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
        int rem = n - (batchesPerEpoch - 1) * batchSize;
        lastBatchSize = b.dropLast ? batchSize : rem;
        long totalBatches = b.epochs == Integer.MAX_VALUE ? Long.MAX_VALUE : (long) b.epochs * batchesPerEpoch;
        List<Slot> slots = new ArrayList<>();
        for (int i = 0; i < b.buffers; i++) {
            INDArray img = Nd4j.create(DataType.FLOAT, batchSize, dataset.channels(), dataset.height(), dataset.width());
            slots.add(new Slot(img, batchSize));
        }
        PrefetchRing.Worker<Slot> worker = this::fill;
        ring = PrefetchRing.builder("BatchLoader", slots, () -> worker)
                .range(0, totalBatches)
                .workers(b.workers)
                .threadName("jepa4j-batch-loader-" + LOADER_IDS.incrementAndGet())
                .nouns("batch", "batches", "batch buffers", "Batch")
                .failure((s, g, cause) -> "BatchLoader worker failed preparing batch " + (g % batchesPerEpoch)
                        + " of epoch " + epochOf(g) + " from " + dataset.name() + ": " + cause)
                .onRelease(s -> s.masks = null)
                .build()
                .start();
    }

    /** A builder for batches of {@code batchSize} images of {@code dataset}. */
    public static Builder builder(ImageDataset dataset, int batchSize) {
        return new Builder(dataset, batchSize);
    }

    public ImageDataset dataset() {
        return dataset;
    }

    public int batchSize() {
        return batchSize;
    }

    public int batchesPerEpoch() {
        return batchesPerEpoch;
    }

    /** Number of reusable buffers R. */
    public int buffers() {
        return ring.size();
    }

    /** Consumer wait of the most recent {@link #next()}, in nanoseconds. */
    public long lastWaitNanos() {
        return ring.lastWaitNanos();
    }

    /** Sum of the consumer waits of all {@link #next()} calls, in nanoseconds. */
    public long totalWaitNanos() {
        return ring.totalWaitNanos();
    }

    /** The worker threads (for tests and diagnostics). */
    List<Thread> workers() {
        return ring.workers();
    }

    private int epochOf(long g) {
        return startEpoch + (int) (g / batchesPerEpoch);
    }

    private int[] permutation(int epoch) {
        return permutations.computeIfAbsent(epoch, e -> {
            int n = dataset.size();
            int[] p = new int[n];
            for (int i = 0; i < n; i++) {
                p[i] = i;
            }
            if (shuffle) {
                SplittableRandom rng = new SplittableRandom(Rngs.splitMix(seed ^ Rngs.splitMix(e)));
                for (int i = n - 1; i > 0; i--) {
                    int j = rng.nextInt(i + 1);
                    int t = p[i];
                    p[i] = p[j];
                    p[j] = t;
                }
            }
            return p;
        });
    }

    private void fill(Slot s, long g) {
        int epoch = epochOf(g);
        int k = (int) (g % batchesPerEpoch);
        int n = k == batchesPerEpoch - 1 ? lastBatchSize : batchSize;
        int[] perm = permutation(epoch);
        s.epoch = epoch;
        s.indexInEpoch = k;
        if (n == batchSize) {
            s.indices = s.fullIndices;
            s.labels = s.fullLabels;
            s.imagesView = s.images;
        } else {
            s.indices = new int[n];
            s.labels = new int[n];
            s.imagesView = s.images.get(NDArrayIndex.interval(0, n), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
        }
        System.arraycopy(perm, k * batchSize, s.indices, 0, n);
        dataset.labels(s.indices, s.labels);
        dataset.fill(s.indices, s.imagesView);
        long batchNumber = (long) epoch * batchesPerEpoch + k;
        if (augmenter != null) {
            // In place, one image at a time; each image's draws depend only on the seed and its slot in the run.
            Augmenter a = augmenter.get();
            for (int i = 0; i < n; i++) {
                INDArray img = s.imagesView.slice(i);
                a.apply(img, new SplittableRandom(Rngs.splitMix(seed ^ Rngs.splitMix(batchNumber * 65_537L + i) ^ AUGMENT_SALT)), img);
            }
        }
        s.masks = masker == null ? null : masker.sample(n, batchNumber);
    }

    @Override
    public boolean hasNext() {
        return ring.hasNext();
    }

    /**
     * The next batch, blocking until a worker has filled it. Release it after use.
     *
     * @throws IllegalStateException if a worker failed on this batch (the cause is the worker's
     *     exception), the loader is closed, or all buffers are still held by the consumer
     */
    @Override
    public Batch next() {
        PrefetchRing.Lease<Slot> lease = ring.next();
        // Workers run at most R batches ahead, so permutations of finished epochs can go.
        int epoch = epochOf(lease.number());
        permutations.keySet().removeIf(e -> e < epoch);
        return new Batch(lease);
    }

    /** Stops the workers and waits for them to exit; idempotent. */
    @Override
    public void close() {
        ring.close();
    }

    /** Configuration with validation in {@link #build()}, which starts the workers. */
    public static final class Builder {
        private final ImageDataset dataset;
        private final int batchSize;
        private Masker masker;
        private java.util.function.Supplier<Augmenter> augmenter;
        private int workers = 2;
        private int buffers = 4;
        private long seed = 0;
        private boolean shuffle = true;
        private boolean dropLast = true;
        private int startEpoch = 0;
        private int epochs = Integer.MAX_VALUE;

        private Builder(ImageDataset dataset, int batchSize) {
            this.dataset = dataset;
            this.batchSize = batchSize;
        }

        /** Samples token masks for each batch on the worker thread (default none). */
        public Builder masker(Masker masker) {
            this.masker = masker;
            return this;
        }

        /**
         * Augments every image in place on the worker threads, one {@link Augmenter} per thread
         * (default none). Its output must have the dataset's image size (e.g. I-JEPA's random
         * resized crop back to the input size).
         */
        public Builder augmenter(java.util.function.Supplier<Augmenter> factory) {
            this.augmenter = factory;
            return this;
        }

        /** Worker threads (default 2). */
        public Builder workers(int n) {
            this.workers = n;
            return this;
        }

        /** Reusable batch buffers R, the bound on batches in flight (default 4). */
        public Builder buffers(int n) {
            this.buffers = n;
            return this;
        }

        /** Seed of the per-epoch shuffles (default 0). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Shuffle each epoch (default true); false gives dataset order. */
        public Builder shuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        /** Drop the last partial batch of each epoch (default true). */
        public Builder dropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        /** First epoch number, for resuming (default 0). */
        public Builder startEpoch(int epoch) {
            this.startEpoch = epoch;
            return this;
        }

        /** Number of epochs to deliver (default unbounded). */
        public Builder epochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        public BatchLoader build() {
            if (dataset == null) {
                throw new IllegalArgumentException("BatchLoader needs a dataset");
            }
            if (batchSize <= 0) {
                throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
            }
            if (dropLast && batchSize > dataset.size()) {
                throw new IllegalArgumentException("batch size " + batchSize + " exceeds the " + dataset.size()
                        + " images of " + dataset.name() + ", so dropping the last partial batch leaves none");
            }
            if (workers <= 0 || buffers <= 0) {
                throw new IllegalArgumentException("workers and buffers must be positive, got " + workers + " and " + buffers);
            }
            if (startEpoch < 0 || epochs <= 0) {
                throw new IllegalArgumentException("startEpoch must be >= 0 and epochs > 0, got " + startEpoch + " and " + epochs);
            }
            if (augmenter != null) {
                Augmenter a = augmenter.get();
                int h = dataset.height(), w = dataset.width();
                if (a.outputHeight(h, w) != h || a.outputWidth(h, w) != w) {
                    throw new IllegalArgumentException("BatchLoader augmenter " + a + " turns " + h + "x" + w + " images into "
                            + a.outputHeight(h, w) + "x" + a.outputWidth(h, w) + "; in-place augmentation must keep the size");
                }
            }
            return new BatchLoader(this);
        }
    }
}
