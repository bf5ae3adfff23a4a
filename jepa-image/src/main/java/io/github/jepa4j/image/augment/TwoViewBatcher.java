package io.github.jepa4j.image.augment;

import io.github.jepa4j.core.data.PrefetchRing;
import io.github.jepa4j.image.data.Batch;
import io.github.jepa4j.image.data.BatchLoader;
import io.github.jepa4j.image.data.ImageDataset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Prefetching two-view loader for joint-embedding training: worker threads fill a ring of
 * {@code R} reusable buffer pairs ({@code view1, view2} of shape {@code [B, C, H', W']} float32,
 * labels, indices) with {@link TwoViews} while the consumer trains on earlier batches.
 *
 * <p>Order and epochs come from a {@link BatchLoader} (composed, not copied): an inner loader over
 * an index-only view of the dataset (images of size 1x1, never read) yields, for each batch in
 * sequence, its dataset indices, labels, epoch and index in the epoch, with exactly the
 * BatchLoader semantics (per-epoch permutation from {@code (seed, epoch)}, drop-last, start epoch
 * for resuming). Batch {@code g} of a TwoViewBatcher therefore holds the same images as batch
 * {@code g} of a BatchLoader with the same settings. Its views are seeded by the stream number
 * {@code epoch * batchesPerEpoch + indexInEpoch} (see {@link TwoViews#viewSeed}), so content
 * depends only on the seed and the batch position, never on thread count or timing, and a run
 * resumed at an epoch repeats an uninterrupted one.
 *
 * <p>Buffers and threads are core's {@link PrefetchRing}, as for BatchLoader: batch {@code g} uses buffer {@code g mod R}; workers
 * claim batches in order, wait for the consumer to release that buffer, decode and augment in
 * parallel; batches are delivered in order; a worker exception is rethrown by {@link #next()} as
 * an {@link IllegalStateException} whose cause is the original; {@link #close()} joins the
 * workers. Each worker thread uses its own {@link Augmenter} from the factory; it takes its
 * batch's indices from the inner loader in the ring's claim step, so they are taken in order.
 *
 * <p>Defaults: 2 workers, 4 buffers, seed 0, shuffle, drop the last partial batch, unbounded
 * epochs.
 */
public final class TwoViewBatcher implements Iterator<TwoViewBatch>, AutoCloseable {
    private static final AtomicInteger IDS = new AtomicInteger();

    /** One reusable buffer pair and the batch it currently holds. */
    static final class Slot {
        final INDArray view1;
        final INDArray view2;
        final int[] fullLabels;
        final int[] fullIndices;
        INDArray view1View;
        INDArray view2View;
        int[] labels;
        int[] indices;
        int epoch;
        int indexInEpoch;
        long stream;

        Slot(INDArray view1, INDArray view2, int batchSize) {
            this.view1 = view1;
            this.view2 = view2;
            this.fullLabels = new int[batchSize];
            this.fullIndices = new int[batchSize];
        }
    }

    /** One worker: what it takes from the inner loader for its current batch, and how it fills the views. */
    private final class ViewWorker implements PrefetchRing.Worker<Slot> {
        final int[] indices = new int[batchSize];
        final int[] labels = new int[batchSize];
        int n;
        int epoch;
        int indexInEpoch;
        Throwable error;

        /** Takes batch g's indices from the inner loader (the ring claims in order); false when closing. */
        @Override
        public boolean claim(long g) {
            error = null;
            try (Batch b = order.next()) {
                n = b.size();
                epoch = b.epoch();
                indexInEpoch = b.indexInEpoch();
                System.arraycopy(b.indices(), 0, indices, 0, n);
                System.arraycopy(b.labels(), 0, labels, 0, n);
            } catch (RuntimeException e) {
                if (ring.isClosed()) {
                    return false;
                }
                error = e;
            }
            return true;
        }

        @Override
        public void fill(Slot s, long g) throws Throwable {
            s.epoch = epoch;
            s.indexInEpoch = indexInEpoch;
            s.stream = (long) epoch * order.batchesPerEpoch() + indexInEpoch;
            if (error != null) {
                s.indices = new int[0];
                s.labels = new int[0];
                throw error;
            }
            if (n == batchSize) {
                s.indices = s.fullIndices;
                s.labels = s.fullLabels;
                s.view1View = s.view1;
                s.view2View = s.view2;
            } else {
                s.indices = new int[n];
                s.labels = new int[n];
                s.view1View = s.view1.get(NDArrayIndex.interval(0, n), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
                s.view2View = s.view2.get(NDArrayIndex.interval(0, n), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
            }
            System.arraycopy(indices, 0, s.indices, 0, n);
            System.arraycopy(labels, 0, s.labels, 0, n);
            views.fill(s.indices, s.stream, s.view1View, s.view2View);
        }
    }

    private final ImageDataset dataset;
    private final TwoViews views;
    private final BatchLoader order;
    private final int batchSize;
    private final PrefetchRing<Slot> ring;

    private TwoViewBatcher(Builder b) {
        dataset = b.dataset;
        batchSize = b.batchSize;
        views = new TwoViews(dataset, b.factory, b.seed);
        List<Slot> slots = new ArrayList<>();
        for (int i = 0; i < b.buffers; i++) {
            long[] shape = {batchSize, views.channels(), views.viewHeight(), views.viewWidth()};
            slots.add(new Slot(Nd4j.create(DataType.FLOAT, shape), Nd4j.create(DataType.FLOAT, shape), batchSize));
        }
        // Started last, so a failure above leaves no thread behind.
        order = BatchLoader.builder(new IndexOnly(dataset), batchSize).workers(1).buffers(b.buffers).seed(b.seed)
                .shuffle(b.shuffle).dropLast(b.dropLast).startEpoch(b.startEpoch).epochs(b.epochs).build();
        long totalBatches = b.epochs == Integer.MAX_VALUE ? Long.MAX_VALUE : (long) b.epochs * order.batchesPerEpoch();
        ring = PrefetchRing.builder("TwoViewBatcher", slots, ViewWorker::new)
                .range(0, totalBatches)
                .workers(b.workers)
                .threadName("jepa4j-two-view-" + IDS.incrementAndGet())
                .nouns("two-view batch", "batches", "two-view buffers", "TwoViewBatch")
                .failure((s, g, cause) -> "TwoViewBatcher worker failed preparing batch " + s.indexInEpoch + " of epoch "
                        + s.epoch + " from " + dataset.name() + ": " + cause)
                .onClose(order::close) // wakes a worker blocked in order.next()
                .build();
        ring.start();
    }

    /** A builder for batches of {@code batchSize} images of {@code dataset}, augmented by {@code factory}'s Augmenters. */
    public static Builder builder(ImageDataset dataset, Supplier<Augmenter> factory, int batchSize) {
        return new Builder(dataset, factory, batchSize);
    }

    public ImageDataset dataset() {
        return dataset;
    }

    /** The view filler (its seed, view shape). */
    public TwoViews views() {
        return views;
    }

    public int batchSize() {
        return batchSize;
    }

    public int batchesPerEpoch() {
        return order.batchesPerEpoch();
    }

    /** Number of reusable buffer pairs R. */
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

    @Override
    public boolean hasNext() {
        return ring.hasNext();
    }

    /**
     * The next batch, blocking until a worker has filled it. Release it after use.
     *
     * @throws IllegalStateException if a worker failed on this batch (the cause is the worker's
     *     exception), the batcher is closed, or all buffers are still held by the consumer
     */
    @Override
    public TwoViewBatch next() {
        return new TwoViewBatch(ring.next());
    }

    /** Stops the workers and the inner loader and waits for them to exit; idempotent. */
    @Override
    public void close() {
        ring.close();
    }

    /** The dataset's labels and size with 1x1 images that are never read: drives the inner loader's order. */
    private static final class IndexOnly implements ImageDataset {
        private final ImageDataset d;

        IndexOnly(ImageDataset d) {
            this.d = d;
        }

        @Override
        public String name() {
            return d.name();
        }

        @Override
        public int size() {
            return d.size();
        }

        @Override
        public int channels() {
            return 1;
        }

        @Override
        public int height() {
            return 1;
        }

        @Override
        public int width() {
            return 1;
        }

        @Override
        public int numClasses() {
            return d.numClasses();
        }

        @Override
        public int label(int i) {
            return d.label(i);
        }

        @Override
        public void labels(int[] indices, int[] out) {
            d.labels(indices, out);
        }

        @Override
        public void fill(int[] indices, INDArray out) {
            // Images are produced by the two-view workers, not here.
        }
    }

    /** Configuration with validation in {@link #build()}, which starts the workers. */
    public static final class Builder {
        private final ImageDataset dataset;
        private final Supplier<Augmenter> factory;
        private final int batchSize;
        private int workers = 2;
        private int buffers = 4;
        private long seed = 0;
        private boolean shuffle = true;
        private boolean dropLast = true;
        private int startEpoch = 0;
        private int epochs = Integer.MAX_VALUE;

        private Builder(ImageDataset dataset, Supplier<Augmenter> factory, int batchSize) {
            this.dataset = dataset;
            this.factory = factory;
            this.batchSize = batchSize;
        }

        /** Worker threads that decode and augment (default 2). */
        public Builder workers(int n) {
            this.workers = n;
            return this;
        }

        /** Reusable buffer pairs R, the bound on batches in flight (default 4). */
        public Builder buffers(int n) {
            this.buffers = n;
            return this;
        }

        /** Seed of the per-epoch shuffles and of the augmentations (default 0). */
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

        public TwoViewBatcher build() {
            if (dataset == null || factory == null) {
                throw new IllegalArgumentException("TwoViewBatcher needs a dataset and an augmenter factory");
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
            return new TwoViewBatcher(this);
        }
    }
}
