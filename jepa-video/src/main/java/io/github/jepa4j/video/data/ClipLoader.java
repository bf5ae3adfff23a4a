package io.github.jepa4j.video.data;

import io.github.jepa4j.video.decode.FrameSpec;
import io.github.jepa4j.video.decode.VideoClipDecoder;
import io.github.jepa4j.video.mask.MultiBlock3dMasker;
import io.github.jepa4j.video.mask.VideoMaskSet;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
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
 * Prefetching clip loader: worker threads decode the clips a {@link ClipSampler} picks for each
 * step into a ring of {@code R} reusable float batches {@code [B, C, T, H, W]}, with masks from
 * an optional {@link MultiBlock3dMasker} sampled on the worker, while the consumer trains on
 * earlier steps.
 *
 * <p>The design is jepa-image's {@code BatchLoader}'s (slot states, in-order delivery, errors
 * rethrown for the failed batch), indexed by step instead of epoch permutation, because clips
 * are drawn per step and resuming at any step must be O(1): step {@code k}'s clips are {@code
 * sampler.clips(k, B)} and its masks {@code masker.sample(n, k)}, so content depends only on
 * the seeds and {@code k}, never on the number of workers or timing, and a loader started at
 * step {@code k} ({@link Builder#startStep}) delivers exactly what a loader started at 0
 * delivers there.
 *
 * <p>Buffers: step {@code k} uses buffer {@code k mod R}; a worker waits until the consumer
 * released the previous batch of that buffer, so at most {@code R} steps are in flight and no
 * pixel memory is allocated after construction (a partial last batch is a view). Decoders: each
 * worker keeps its own small LRU of open {@link VideoClipDecoder}s (one native decoder per
 * thread and file), closed when the worker exits. {@link ClipBatch#waitNanos()} is the time
 * {@link #next()} blocked ("data wait"). A worker exception stops the loader and {@link #next()}
 * rethrows it for the failed step as an {@link IllegalStateException} naming the step and the
 * cause (which names the file). {@link #close()} stops and joins the workers.
 *
 * <p>Defaults: 2 workers, 4 buffers, start at step 0, 4 open decoders per worker, no masker.
 */
public final class ClipLoader implements Iterator<ClipBatch>, AutoCloseable {
    private static final AtomicInteger LOADER_IDS = new AtomicInteger();

    private enum State { EMPTY, FILLING, READY, IN_USE }

    /** One reusable buffer and the step it holds. */
    static final class Slot {
        final INDArray clips;
        final int[] videos;
        final int[] starts;
        final int[] labels;
        long expected; // the step this slot holds or will hold next
        State state = State.EMPTY;
        INDArray view;
        int size;
        VideoMaskSet masks;
        Throwable error;

        Slot(INDArray clips, int batchSize, long first) {
            this.clips = clips;
            this.videos = new int[batchSize];
            this.starts = new int[batchSize];
            this.labels = new int[batchSize];
            this.expected = first;
        }
    }

    private final VideoFolderDataset dataset;
    private final ClipSampler sampler;
    private final FrameSpec spec;
    private final MultiBlock3dMasker masker;
    private final int batchSize;
    private final int openDecoders;
    private final long startStep;
    private final long endStep;
    private final Slot[] slots;
    private final List<Thread> workers = new ArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final AtomicLong nextClaim;
    private final AtomicLong failedAt = new AtomicLong(Long.MAX_VALUE);
    private volatile boolean closed;
    private long nextConsume;
    private long lastWaitNanos;
    private long totalWaitNanos;

    private ClipLoader(Builder b) {
        dataset = b.dataset;
        sampler = b.sampler;
        spec = b.spec;
        masker = b.masker;
        batchSize = b.batchSize;
        openDecoders = b.openDecoders;
        startStep = b.startStep;
        endStep = sampler.steps(batchSize);
        nextClaim = new AtomicLong(startStep);
        nextConsume = startStep;
        slots = new Slot[b.buffers];
        for (int i = 0; i < slots.length; i++) {
            INDArray a = Nd4j.create(DataType.FLOAT, batchSize, spec.channels(), sampler.frames(), spec.height(), spec.width());
            // Slot i first holds the first step >= startStep that is congruent to i mod R.
            long first = startStep + Math.floorMod(i - startStep, (long) slots.length);
            slots[i] = new Slot(a, batchSize, first);
        }
        int id = LOADER_IDS.incrementAndGet();
        for (int i = 0; i < b.workers; i++) {
            Thread t = new Thread(this::work, "jepa4j-clip-loader-" + id + "-" + i);
            t.setDaemon(true);
            workers.add(t);
        }
        workers.forEach(Thread::start);
    }

    /** A builder for batches of {@code batchSize} clips of {@code dataset} chosen by {@code sampler}. */
    public static Builder builder(VideoFolderDataset dataset, ClipSampler sampler, FrameSpec spec, int batchSize) {
        return new Builder(dataset, sampler, spec, batchSize);
    }

    public VideoFolderDataset dataset() {
        return dataset;
    }

    public ClipSampler sampler() {
        return sampler;
    }

    public FrameSpec spec() {
        return spec;
    }

    public int batchSize() {
        return batchSize;
    }

    /** Number of reusable buffers R. */
    public int buffers() {
        return slots.length;
    }

    public int workers() {
        return workers.size();
    }

    /** Consumer wait of the most recent {@link #next()}, in nanoseconds. */
    public synchronized long lastWaitNanos() {
        return lastWaitNanos;
    }

    /** Sum of the consumer waits of all {@link #next()} calls, in nanoseconds. */
    public synchronized long totalWaitNanos() {
        return totalWaitNanos;
    }

    private void work() {
        Map<Integer, VideoClipDecoder> decoders = new LinkedHashMap<>(16, 0.75f, true);
        try {
            while (!closed) {
                long g = nextClaim.getAndIncrement();
                // After a failure, steps before it are still completed (the consumer needs them in order).
                if (g >= endStep || g > failedAt.get()) {
                    return;
                }
                Slot s = slots[(int) Math.floorMod(g, (long) slots.length)];
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
                    fill(s, g, decoders);
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
        } finally {
            decoders.values().forEach(VideoClipDecoder::close);
        }
    }

    private void fill(Slot s, long g, Map<Integer, VideoClipDecoder> decoders) {
        s.error = null;
        int n = sampler.clips(g, batchSize, s.videos, s.starts);
        s.size = n;
        s.view = n == batchSize ? s.clips
                : s.clips.get(NDArrayIndex.interval(0, n), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(),
                        NDArrayIndex.all());
        for (int j = 0; j < n; j++) {
            s.labels[j] = dataset.label(s.videos[j]);
            decoder(s.videos[j], decoders).readClip(s.starts[j], sampler.frames(), sampler.stride(), s.view, j);
        }
        s.masks = masker == null ? null : masker.sample(n, g);
    }

    private VideoClipDecoder decoder(int video, Map<Integer, VideoClipDecoder> decoders) {
        VideoClipDecoder d = decoders.get(video);
        if (d == null) {
            if (decoders.size() >= openDecoders) { // evict the least recently used
                Iterator<VideoClipDecoder> it = decoders.values().iterator();
                it.next().close();
                it.remove();
            }
            d = new VideoClipDecoder(dataset.file(video), spec, dataset.info(video));
            decoders.put(video, d);
        }
        return d;
    }

    @Override
    public boolean hasNext() {
        lock.lock();
        try {
            return !closed && nextConsume < endStep;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next step's batch, blocking until a worker has filled it. Release it after use.
     *
     * @throws IllegalStateException if a worker failed on this step (the cause is the worker's
     *     exception), the loader is closed, or all buffers are still held by the consumer
     */
    @Override
    public ClipBatch next() {
        Slot s;
        long g;
        long waited;
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("ClipLoader is closed");
            }
            if (nextConsume >= endStep) {
                throw new NoSuchElementException("ClipLoader has delivered all " + endStep + " steps");
            }
            g = nextConsume;
            s = slots[(int) Math.floorMod(g, (long) slots.length)];
            if (s.state == State.IN_USE) {
                throw new IllegalStateException("all " + slots.length + " clip buffers are held by the consumer;"
                        + " release() each ClipBatch (or use try-with-resources) before asking for the next one");
            }
            long t0 = System.nanoTime();
            while (!(s.expected == g && s.state == State.READY)) {
                if (closed) {
                    throw new IllegalStateException("ClipLoader is closed");
                }
                changed.await();
            }
            waited = System.nanoTime() - t0;
            s.state = State.IN_USE;
            nextConsume++;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for step " + nextConsume, e);
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
            throw new IllegalStateException("ClipLoader worker failed preparing step " + g + " from " + dataset.root()
                    + ": " + cause.getMessage(), cause);
        }
        return new ClipBatch(this, s, g, waited);
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

    /** Stops the workers (which close their decoders) and waits for them; idempotent. */
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
                t.join(TimeUnit.SECONDS.toMillis(30));
                if (t.isAlive()) {
                    t.interrupt();
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
        private final VideoFolderDataset dataset;
        private final ClipSampler sampler;
        private final FrameSpec spec;
        private final int batchSize;
        private MultiBlock3dMasker masker;
        private int workers = 2;
        private int buffers = 4;
        private long startStep = 0;
        private int openDecoders = 4;

        private Builder(VideoFolderDataset dataset, ClipSampler sampler, FrameSpec spec, int batchSize) {
            this.dataset = dataset;
            this.sampler = sampler;
            this.spec = spec;
            this.batchSize = batchSize;
        }

        /** Samples 3D token masks for each step on the worker thread (default none). */
        public Builder masker(MultiBlock3dMasker masker) {
            this.masker = masker;
            return this;
        }

        /** Worker threads, each with its own decoders (default 2). */
        public Builder workers(int n) {
            this.workers = n;
            return this;
        }

        /** Reusable batch buffers R, the bound on steps in flight (default 4). */
        public Builder buffers(int n) {
            this.buffers = n;
            return this;
        }

        /** First step delivered, for resuming (default 0). */
        public Builder startStep(long step) {
            this.startStep = step;
            return this;
        }

        /** Open decoders each worker keeps (LRU; default 4). */
        public Builder openDecoders(int n) {
            this.openDecoders = n;
            return this;
        }

        public ClipLoader build() {
            if (dataset == null || sampler == null || spec == null) {
                throw new IllegalArgumentException("ClipLoader needs a dataset, a sampler and a FrameSpec, got "
                        + dataset + ", " + sampler + ", " + spec);
            }
            if (batchSize <= 0) {
                throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
            }
            if (workers <= 0 || buffers <= 0 || openDecoders <= 0) {
                throw new IllegalArgumentException("workers, buffers and openDecoders must be positive, got " + workers
                        + ", " + buffers + " and " + openDecoders);
            }
            if (startStep < 0 || startStep > sampler.steps(batchSize)) {
                throw new IllegalArgumentException("start step " + startStep + " is outside [0, "
                        + sampler.steps(batchSize) + "]");
            }
            return new ClipLoader(this);
        }
    }
}
