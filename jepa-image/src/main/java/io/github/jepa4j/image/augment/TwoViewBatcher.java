package io.github.jepa4j.image.augment;

import io.github.jepa4j.image.data.Batch;
import io.github.jepa4j.image.data.BatchLoader;
import io.github.jepa4j.image.data.ImageDataset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
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
 * <p>Buffers and threads mirror BatchLoader: batch {@code g} uses buffer {@code g mod R}; workers
 * claim batches in order, wait for the consumer to release that buffer, decode and augment in
 * parallel; batches are delivered in order; a worker exception is rethrown by {@link #next()} as
 * an {@link IllegalStateException} whose cause is the original; {@link #close()} joins the
 * workers. Each worker thread uses its own {@link Augmenter} from the factory.
 *
 * <p>Defaults: 2 workers, 4 buffers, seed 0, shuffle, drop the last partial batch, unbounded
 * epochs.
 */
public final class TwoViewBatcher implements Iterator<TwoViewBatch>, AutoCloseable {
    private static final AtomicInteger IDS = new AtomicInteger();

    private enum State { EMPTY, FILLING, READY, IN_USE }

    /** One reusable buffer pair and the batch it currently holds. */
    static final class Slot {
        final INDArray view1;
        final INDArray view2;
        final int[] fullLabels;
        final int[] fullIndices;
        long expected;
        State state = State.EMPTY;
        INDArray view1View;
        INDArray view2View;
        int[] labels;
        int[] indices;
        int epoch;
        int indexInEpoch;
        long stream;
        Throwable error;

        Slot(INDArray view1, INDArray view2, int batchSize, long first) {
            this.view1 = view1;
            this.view2 = view2;
            this.fullLabels = new int[batchSize];
            this.fullIndices = new int[batchSize];
            this.expected = first;
        }
    }

    /** What a worker takes from the inner loader for one batch. */
    private static final class Claim {
        final int[] indices;
        final int[] labels;
        long g;
        int n;
        int epoch;
        int indexInEpoch;
        Throwable error;

        Claim(int batchSize) {
            indices = new int[batchSize];
            labels = new int[batchSize];
        }
    }

    private final ImageDataset dataset;
    private final TwoViews views;
    private final BatchLoader order;
    private final int batchSize;
    private final long totalBatches;
    private final Slot[] slots;
    private final List<Thread> workers = new ArrayList<>();
    private final ReentrantLock claimLock = new ReentrantLock();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final AtomicLong failedAt = new AtomicLong(Long.MAX_VALUE);
    private volatile boolean closed;
    private long nextClaim; // guarded by claimLock
    private long nextConsume;
    private long lastWaitNanos;
    private long totalWaitNanos;

    private TwoViewBatcher(Builder b) {
        dataset = b.dataset;
        batchSize = b.batchSize;
        views = new TwoViews(dataset, b.factory, b.seed);
        slots = new Slot[b.buffers];
        for (int i = 0; i < slots.length; i++) {
            long[] shape = {batchSize, views.channels(), views.viewHeight(), views.viewWidth()};
            slots[i] = new Slot(Nd4j.create(DataType.FLOAT, shape), Nd4j.create(DataType.FLOAT, shape), batchSize, i);
        }
        // Started last, so a failure above leaves no thread behind.
        order = BatchLoader.builder(new IndexOnly(dataset), batchSize).workers(1).buffers(b.buffers).seed(b.seed)
                .shuffle(b.shuffle).dropLast(b.dropLast).startEpoch(b.startEpoch).epochs(b.epochs).build();
        totalBatches = b.epochs == Integer.MAX_VALUE ? Long.MAX_VALUE : (long) b.epochs * order.batchesPerEpoch();
        int id = IDS.incrementAndGet();
        for (int i = 0; i < b.workers; i++) {
            Thread t = new Thread(this::work, "jepa4j-two-view-" + id + "-" + i);
            t.setDaemon(true);
            workers.add(t);
        }
        workers.forEach(Thread::start);
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
        return slots.length;
    }

    /** Consumer wait of the most recent {@link #next()}, in nanoseconds. */
    public synchronized long lastWaitNanos() {
        return lastWaitNanos;
    }

    /** Sum of the consumer waits of all {@link #next()} calls, in nanoseconds. */
    public synchronized long totalWaitNanos() {
        return totalWaitNanos;
    }

    /** The worker threads (for tests and diagnostics). */
    List<Thread> workers() {
        return Collections.unmodifiableList(workers);
    }

    private void work() {
        Claim c = new Claim(batchSize);
        while (!closed) {
            if (!claim(c)) {
                return;
            }
            Slot s = slots[(int) (c.g % slots.length)];
            lock.lock();
            try {
                while (!(s.expected == c.g && s.state == State.EMPTY)) {
                    if (closed) {
                        return;
                    }
                    changed.await();
                }
                s.state = State.FILLING;
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            try {
                fill(s, c);
            } catch (Throwable t) {
                s.error = t;
                failedAt.accumulateAndGet(c.g, Math::min);
            }
            lock.lock();
            try {
                s.state = State.READY;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Takes the next batch's indices from the inner loader, in order; false when there is none to do. */
    private boolean claim(Claim c) {
        claimLock.lock();
        try {
            // After a failure, earlier batches are still completed (the consumer needs them in order).
            if (closed || nextClaim >= totalBatches || nextClaim > failedAt.get()) {
                return false;
            }
            c.g = nextClaim++;
            c.error = null;
            try (Batch b = order.next()) {
                c.n = b.size();
                c.epoch = b.epoch();
                c.indexInEpoch = b.indexInEpoch();
                System.arraycopy(b.indices(), 0, c.indices, 0, c.n);
                System.arraycopy(b.labels(), 0, c.labels, 0, c.n);
            } catch (RuntimeException e) {
                if (closed) {
                    return false;
                }
                c.error = e;
            }
            return true;
        } finally {
            claimLock.unlock();
        }
    }

    private void fill(Slot s, Claim c) throws Throwable {
        s.error = null;
        s.epoch = c.epoch;
        s.indexInEpoch = c.indexInEpoch;
        s.stream = (long) c.epoch * order.batchesPerEpoch() + c.indexInEpoch;
        if (c.error != null) {
            s.indices = new int[0];
            s.labels = new int[0];
            throw c.error;
        }
        int n = c.n;
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
        System.arraycopy(c.indices, 0, s.indices, 0, n);
        System.arraycopy(c.labels, 0, s.labels, 0, n);
        views.fill(s.indices, s.stream, s.view1View, s.view2View);
    }

    @Override
    public boolean hasNext() {
        lock.lock();
        try {
            return !closed && nextConsume < totalBatches;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next batch, blocking until a worker has filled it. Release it after use.
     *
     * @throws IllegalStateException if a worker failed on this batch (the cause is the worker's
     *     exception), the batcher is closed, or all buffers are still held by the consumer
     */
    @Override
    public TwoViewBatch next() {
        Slot s;
        long g;
        long waited;
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("TwoViewBatcher is closed");
            }
            if (nextConsume >= totalBatches) {
                throw new NoSuchElementException("TwoViewBatcher has delivered all " + totalBatches + " batches");
            }
            g = nextConsume;
            s = slots[(int) (g % slots.length)];
            if (s.state == State.IN_USE) {
                throw new IllegalStateException("all " + slots.length + " two-view buffers are held by the consumer;"
                        + " release() each TwoViewBatch (or use try-with-resources) before asking for the next one");
            }
            long t0 = System.nanoTime();
            while (!(s.expected == g && s.state == State.READY)) {
                if (closed) {
                    throw new IllegalStateException("TwoViewBatcher is closed");
                }
                changed.await();
            }
            waited = System.nanoTime() - t0;
            s.state = State.IN_USE;
            nextConsume++;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for two-view batch " + nextConsume, e);
        } finally {
            lock.unlock();
        }
        synchronized (this) {
            lastWaitNanos = waited;
            totalWaitNanos += waited;
        }
        if (s.error != null) {
            Throwable cause = s.error;
            close();
            throw new IllegalStateException("TwoViewBatcher worker failed preparing batch " + s.indexInEpoch + " of epoch "
                    + s.epoch + " from " + dataset.name() + ": " + cause, cause);
        }
        return new TwoViewBatch(this, s, g, waited);
    }

    void release(Slot s, long g) {
        lock.lock();
        try {
            if (s.state == State.IN_USE && s.expected == g) {
                s.state = State.EMPTY;
                s.expected = g + slots.length;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Stops the workers and the inner loader and waits for them to exit; idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        order.close(); // wakes a worker blocked in order.next()
        boolean interrupted = false;
        for (Thread t : workers) {
            if (t == Thread.currentThread()) {
                continue;
            }
            try {
                t.join(TimeUnit.SECONDS.toMillis(10));
                if (t.isAlive()) {
                    t.interrupt(); // a dataset stuck in I/O
                    t.join(TimeUnit.SECONDS.toMillis(10));
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
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
