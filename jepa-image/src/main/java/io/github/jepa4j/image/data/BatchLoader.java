package io.github.jepa4j.image.data;

import io.github.jepa4j.image.mask.MaskSet;
import io.github.jepa4j.image.mask.Masker;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
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
 * {@link #close()} stops and joins the workers.
 *
 * <p>Defaults: 2 workers, 4 buffers, shuffle, drop the last partial batch, unbounded epochs.
 */
public final class BatchLoader implements Iterator<Batch>, AutoCloseable {
    private static final AtomicInteger LOADER_IDS = new AtomicInteger();

    private enum State { EMPTY, FILLING, READY, IN_USE }

    /** One reusable buffer and the batch it currently holds. */
    static final class Slot {
        final INDArray images;
        final int[] fullLabels;
        final int[] fullIndices;
        long expected; // the batch number this slot holds or will hold next
        State state = State.EMPTY;
        INDArray imagesView;
        int[] labels;
        int[] indices;
        MaskSet masks;
        int epoch;
        int indexInEpoch;
        Throwable error;

        Slot(INDArray images, int batchSize, long first) {
            this.images = images;
            this.fullLabels = new int[batchSize];
            this.fullIndices = new int[batchSize];
            this.expected = first;
        }
    }

    private final ImageDataset dataset;
    private final Masker masker;
    private final int batchSize;
    private final int batchesPerEpoch;
    private final int lastBatchSize;
    private final boolean shuffle;
    private final long seed;
    private final int startEpoch;
    private final long totalBatches;
    private final Slot[] slots;
    private final List<Thread> workers = new ArrayList<>();
    private final Map<Integer, int[]> permutations = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final AtomicLong nextClaim = new AtomicLong();
    private final AtomicLong failedAt = new AtomicLong(Long.MAX_VALUE);
    private volatile boolean closed;
    private long nextConsume;
    private long lastWaitNanos;
    private long totalWaitNanos;

    private BatchLoader(Builder b) {
        dataset = b.dataset;
        masker = b.masker;
        batchSize = b.batchSize;
        shuffle = b.shuffle;
        seed = b.seed;
        startEpoch = b.startEpoch;
        int n = dataset.size();
        batchesPerEpoch = b.dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
        int rem = n - (batchesPerEpoch - 1) * batchSize;
        lastBatchSize = b.dropLast ? batchSize : rem;
        totalBatches = b.epochs == Integer.MAX_VALUE ? Long.MAX_VALUE : (long) b.epochs * batchesPerEpoch;
        slots = new Slot[b.buffers];
        for (int i = 0; i < slots.length; i++) {
            INDArray img = Nd4j.create(DataType.FLOAT, batchSize, dataset.channels(), dataset.height(), dataset.width());
            slots[i] = new Slot(img, batchSize, i);
        }
        int id = LOADER_IDS.incrementAndGet();
        for (int i = 0; i < b.workers; i++) {
            Thread t = new Thread(this::work, "jepa4j-batch-loader-" + id + "-" + i);
            t.setDaemon(true);
            workers.add(t);
        }
        workers.forEach(Thread::start);
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

    private void work() {
        while (!closed) {
            long g = nextClaim.getAndIncrement();
            // After a failure, batches before it are still completed (the consumer needs them in order).
            if (g >= totalBatches || g > failedAt.get()) {
                return;
            }
            Slot s = slots[(int) (g % slots.length)];
            lock.lock();
            try {
                while (!(s.expected == g && s.state == State.EMPTY)) {
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
                fill(s, g);
            } catch (Throwable t) {
                s.error = t;
                failedAt.accumulateAndGet(g, Math::min);
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

    private void fill(Slot s, long g) {
        int epoch = epochOf(g);
        int k = (int) (g % batchesPerEpoch);
        int n = k == batchesPerEpoch - 1 ? lastBatchSize : batchSize;
        int[] perm = permutation(epoch);
        s.epoch = epoch;
        s.indexInEpoch = k;
        s.error = null;
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
        s.masks = masker == null ? null : masker.sample(n, (long) epoch * batchesPerEpoch + k);
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
     *     exception), the loader is closed, or all buffers are still held by the consumer
     */
    @Override
    public Batch next() {
        Slot s;
        long g;
        long waited;
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("BatchLoader is closed");
            }
            if (nextConsume >= totalBatches) {
                throw new NoSuchElementException("BatchLoader has delivered all " + totalBatches + " batches");
            }
            g = nextConsume;
            s = slots[(int) (g % slots.length)];
            if (s.state == State.IN_USE) {
                throw new IllegalStateException("all " + slots.length + " batch buffers are held by the consumer;"
                        + " release() each Batch (or use try-with-resources) before asking for the next one");
            }
            long t0 = System.nanoTime();
            while (!(s.expected == g && s.state == State.READY)) {
                if (closed) {
                    throw new IllegalStateException("BatchLoader is closed");
                }
                changed.await();
            }
            waited = System.nanoTime() - t0;
            s.state = State.IN_USE;
            nextConsume++;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for batch " + nextConsume, e);
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
            throw new IllegalStateException("BatchLoader worker failed preparing batch " + (g % batchesPerEpoch)
                    + " of epoch " + epochOf(g) + " from " + dataset.name() + ": " + cause, cause);
        }
        // Workers run at most R batches ahead, so permutations of finished epochs can go.
        int epoch = epochOf(g);
        permutations.keySet().removeIf(e -> e < epoch);
        return new Batch(this, s, g, waited);
    }

    void release(Slot s, long g) {
        lock.lock();
        try {
            if (s.state == State.IN_USE && s.expected == g) {
                s.state = State.EMPTY;
                s.masks = null;
                s.expected = g + slots.length;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Stops the workers and waits for them to exit; idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
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

    /** Configuration with validation in {@link #build()}, which starts the workers. */
    public static final class Builder {
        private final ImageDataset dataset;
        private final int batchSize;
        private Masker masker;
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
            return new BatchLoader(this);
        }
    }
}
