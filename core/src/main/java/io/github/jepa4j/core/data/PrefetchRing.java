package io.github.jepa4j.core.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A prefetching ring of {@code R} reusable slots filled by worker threads while a consumer uses
 * earlier ones: the threading and synchronisation behind the modality loaders (jepa-image's
 * {@code BatchLoader} and {@code TwoViewBatcher}, jepa-video's {@code ClipLoader}), which supply
 * only the slot type {@code S} (their buffers) and how to fill a slot for a batch.
 *
 * <p>Batches are numbered globally, {@code g = first, first + 1, ..., end - 1} ({@code end =
 * Long.MAX_VALUE} for an unbounded stream). Batch {@code g} always uses slot {@code floorMod(g,
 * R)}. Each slot cycles through {@code EMPTY -> FILLING -> READY -> IN_USE -> EMPTY}: a worker
 * claims the next batch number (in order, under a claim lock, where {@link Worker#claim} may take
 * order-dependent input), waits until that slot is {@code EMPTY} and expects {@code g} (its
 * previous batch {@code g - R} was released), fills it with {@link Worker#fill}, and marks it
 * {@code READY}; {@link #next()} delivers batches strictly in order, blocking until the next one
 * is {@code READY}, and {@link Lease#release()} returns the slot. So at most {@code R} batches
 * are in flight and no slot memory is allocated after construction.
 *
 * <p>Errors: an exception in a worker is kept with its batch; workers still complete the batches
 * before it (the consumer needs them in order) but claim none after it. {@link #next()} for the
 * failed batch closes the ring and throws an {@link IllegalStateException} whose message comes
 * from {@link Builder#failure} and whose cause is the worker's exception. {@link #next()} also
 * throws {@link IllegalStateException} when the ring is closed or when the slot of the next batch
 * is still held by the consumer (every slot held: waiting would deadlock).
 *
 * <p>Wait time: {@link Lease#waitNanos()}, {@link #lastWaitNanos()} and {@link #totalWaitNanos()}
 * measure how long {@link #next()} blocked for a batch ("data wait"). {@link #close()} stops the
 * workers, runs the {@link Builder#onClose} hook and joins them (interrupting one still alive
 * after the join timeout, e.g. stuck in I/O); each worker's {@link Worker#close()} runs on its
 * thread as it exits.
 *
 * <p>Defaults: batches {@code [0, Long.MAX_VALUE)}, 1 worker, join timeout 10 s.
 *
 * @param <S> the slot type (one reusable buffer set)
 */
public final class PrefetchRing<S> implements AutoCloseable {
    private enum State { EMPTY, FILLING, READY, IN_USE }

    /** Fills a slot for a batch number; may throw, which fails that batch. */
    @FunctionalInterface
    public interface Filler<S> {
        void fill(S slot, long g) throws Throwable;
    }

    /**
     * The work of one worker thread, created on that thread by the builder's factory, so it may
     * keep per-thread state (decoders, augmenters, scratch).
     */
    public interface Worker<S> extends Filler<S> {
        /**
         * Called under the claim lock, in increasing {@code g}, before the worker waits for the
         * slot: the place to take input that must be consumed in batch order. Returns false to
         * stop this worker. An exception fails batch {@code g} (without calling {@link #fill}).
         */
        default boolean claim(long g) throws Throwable {
            return true;
        }

        /** Releases per-thread resources; runs on the worker thread when it exits. */
        default void close() {
        }
    }

    /** Builds the consumer's exception message for a failed batch. */
    @FunctionalInterface
    public interface Failure<S> {
        String message(S slot, long g, Throwable cause);
    }

    /** A delivered batch: its slot, held by the consumer until {@link #release()}. */
    public static final class Lease<S> {
        private final PrefetchRing<S> ring;
        private final S slot;
        private final long number;
        private final long waitNanos;

        private Lease(PrefetchRing<S> ring, S slot, long number, long waitNanos) {
            this.ring = ring;
            this.slot = slot;
            this.number = number;
            this.waitNanos = waitNanos;
        }

        public S slot() {
            return slot;
        }

        /** The global batch number g. */
        public long number() {
            return number;
        }

        /** How long {@link PrefetchRing#next()} waited for this batch. */
        public long waitNanos() {
            return waitNanos;
        }

        /** Returns the slot to the ring for refilling; idempotent. */
        public void release() {
            ring.release(number);
        }
    }

    /** A slot with its ring bookkeeping. */
    private static final class Entry<S> {
        final S slot;
        long expected; // the batch number this slot holds or will hold next
        State state = State.EMPTY;
        Throwable error;

        Entry(S slot, long expected) {
            this.slot = slot;
            this.expected = expected;
        }
    }

    private final String name;
    private final String unit;
    private final String units;
    private final String bufferNoun;
    private final String leaseNoun;
    private final Failure<S> failure;
    private final Consumer<S> onRelease;
    private final Runnable onClose;
    private final long joinMillis;
    private final long end;
    private final Supplier<? extends Worker<S>> workerFactory;
    private final List<Entry<S>> entries = new ArrayList<>();
    private final List<Thread> workers = new ArrayList<>();
    private final ReentrantLock claimLock = new ReentrantLock();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final AtomicLong failedAt = new AtomicLong(Long.MAX_VALUE);
    private volatile boolean closed;
    private boolean started;
    private long nextClaim; // guarded by claimLock
    private long nextConsume; // guarded by lock
    private long lastWaitNanos;
    private long totalWaitNanos;

    private PrefetchRing(Builder<S> b) {
        name = b.name;
        unit = b.unit;
        units = b.units;
        bufferNoun = b.bufferNoun;
        leaseNoun = b.leaseNoun;
        failure = b.failure;
        onRelease = b.onRelease;
        onClose = b.onClose;
        joinMillis = b.joinMillis;
        end = b.end;
        workerFactory = b.workerFactory;
        nextClaim = b.first;
        nextConsume = b.first;
        int r = b.slots.size();
        for (int i = 0; i < r; i++) {
            // Slot i first holds the first batch >= first that is congruent to i mod R.
            entries.add(new Entry<>(b.slots.get(i), b.first + Math.floorMod(i - b.first, (long) r)));
        }
        for (int i = 0; i < b.workers; i++) {
            Thread t = new Thread(this::work, b.threadName + "-" + i);
            t.setDaemon(true);
            workers.add(t);
        }
    }

    /**
     * A builder for a ring named {@code name} (in messages) over {@code slots} (R = their number),
     * whose worker threads each run a worker from {@code workerFactory}.
     */
    public static <S> Builder<S> builder(String name, List<S> slots, Supplier<? extends Worker<S>> workerFactory) {
        return new Builder<>(name, slots, workerFactory);
    }

    /** Starts the worker threads; idempotent. Separate from building so the owner can finish its own construction first. */
    public synchronized PrefetchRing<S> start() {
        if (!started && !closed) {
            started = true;
            workers.forEach(Thread::start);
        }
        return this;
    }

    /** Number of slots R. */
    public int size() {
        return entries.size();
    }

    /** The worker threads (for tests and diagnostics). */
    public List<Thread> workers() {
        return Collections.unmodifiableList(workers);
    }

    public boolean isClosed() {
        return closed;
    }

    /** Consumer wait of the most recent {@link #next()}, in nanoseconds. */
    public synchronized long lastWaitNanos() {
        return lastWaitNanos;
    }

    /** Sum of the consumer waits of all {@link #next()} calls, in nanoseconds. */
    public synchronized long totalWaitNanos() {
        return totalWaitNanos;
    }

    private Entry<S> entry(long g) {
        return entries.get((int) Math.floorMod(g, (long) entries.size()));
    }

    private void work() {
        Worker<S> worker = workerFactory.get();
        try {
            while (!closed) {
                long g;
                Throwable claimError = null;
                claimLock.lock();
                try {
                    // After a failure, batches before it are still completed (the consumer needs them in order).
                    if (closed || nextClaim >= end || nextClaim > failedAt.get()) {
                        return;
                    }
                    g = nextClaim++;
                    try {
                        if (!worker.claim(g)) {
                            return;
                        }
                    } catch (Throwable t) {
                        claimError = t;
                    }
                } finally {
                    claimLock.unlock();
                }
                Entry<S> e = entry(g);
                lock.lock();
                try {
                    while (!(e.expected == g && e.state == State.EMPTY)) {
                        if (closed) {
                            return;
                        }
                        changed.await();
                    }
                    e.state = State.FILLING;
                } catch (InterruptedException ie) {
                    return;
                } finally {
                    lock.unlock();
                }
                e.error = claimError;
                if (claimError == null) {
                    try {
                        worker.fill(e.slot, g);
                    } catch (Throwable t) {
                        e.error = t;
                    }
                }
                if (e.error != null) {
                    failedAt.accumulateAndGet(g, Math::min);
                }
                lock.lock();
                try {
                    e.state = State.READY;
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        } finally {
            worker.close();
        }
    }

    /** Whether another batch can be delivered (not closed, not past the end). */
    public boolean hasNext() {
        lock.lock();
        try {
            return !closed && nextConsume < end;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next batch in order, blocking until a worker has filled it. Release it after use.
     *
     * @throws IllegalStateException if a worker failed on this batch (the cause is the worker's
     *     exception), the ring is closed, or all slots are still held by the consumer
     * @throws NoSuchElementException past the last batch
     */
    public Lease<S> next() {
        Entry<S> e;
        long g;
        long waited;
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException(name + " is closed");
            }
            if (nextConsume >= end) {
                throw new NoSuchElementException(name + " has delivered all " + end + " " + units);
            }
            g = nextConsume;
            e = entry(g);
            if (e.state == State.IN_USE) {
                throw new IllegalStateException("all " + entries.size() + " " + bufferNoun + " are held by the consumer;"
                        + " release() each " + leaseNoun + " (or use try-with-resources) before asking for the next one");
            }
            long t0 = System.nanoTime();
            while (!(e.expected == g && e.state == State.READY)) {
                if (closed) {
                    throw new IllegalStateException(name + " is closed");
                }
                changed.await();
            }
            waited = System.nanoTime() - t0;
            e.state = State.IN_USE;
            nextConsume++;
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + unit + " " + nextConsume, ie);
        } finally {
            lock.unlock();
        }
        synchronized (this) {
            lastWaitNanos = waited;
            totalWaitNanos += waited;
        }
        if (e.error != null) {
            Throwable cause = e.error;
            close();
            throw new IllegalStateException(failure.message(e.slot, g, cause), cause);
        }
        return new Lease<>(this, e.slot, g, waited);
    }

    /** Returns batch {@code g}'s slot for refilling; does nothing unless the consumer holds it. */
    private void release(long g) {
        Entry<S> e = entry(g);
        lock.lock();
        try {
            if (e.state == State.IN_USE && e.expected == g) {
                e.state = State.EMPTY;
                onRelease.accept(e.slot);
                e.expected = g + entries.size();
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Stops the workers, runs the close hook and waits for the workers to exit; idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        onClose.run();
        boolean interrupted = false;
        for (Thread t : workers) {
            if (t == Thread.currentThread() || !t.isAlive()) {
                continue;
            }
            try {
                t.join(joinMillis);
                if (t.isAlive()) {
                    t.interrupt(); // a worker stuck in I/O
                    t.join(TimeUnit.SECONDS.toMillis(10));
                }
            } catch (InterruptedException ie) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Configuration; {@link #build()} validates and creates the ring, {@link PrefetchRing#start()} starts it. */
    public static final class Builder<S> {
        private final String name;
        private final List<S> slots;
        private final Supplier<? extends Worker<S>> workerFactory;
        private long first = 0;
        private long end = Long.MAX_VALUE;
        private int workers = 1;
        private String threadName;
        private String unit = "batch";
        private String units = "batches";
        private String bufferNoun = "buffers";
        private String leaseNoun = "batch";
        private Failure<S> failure;
        private Consumer<S> onRelease = s -> { };
        private Runnable onClose = () -> { };
        private long joinMillis = TimeUnit.SECONDS.toMillis(10);

        private Builder(String name, List<S> slots, Supplier<? extends Worker<S>> workerFactory) {
            this.name = name;
            this.slots = slots == null ? null : List.copyOf(slots);
            this.workerFactory = workerFactory;
            this.threadName = "jepa4j-" + name;
            this.failure = (s, g, cause) -> name + " worker failed preparing " + unit + " " + g + ": " + cause;
        }

        /** Batches {@code [first, end)} are delivered (default {@code [0, Long.MAX_VALUE)}). */
        public Builder<S> range(long first, long end) {
            this.first = first;
            this.end = end;
            return this;
        }

        /** Worker threads (default 1). */
        public Builder<S> workers(int n) {
            this.workers = n;
            return this;
        }

        /** Worker thread names are {@code prefix-i}. */
        public Builder<S> threadName(String prefix) {
            this.threadName = prefix;
            return this;
        }

        /**
         * Words in messages: a batch ({@code unit}, e.g. "step"), several ({@code units}), the
         * slots ({@code buffers}, e.g. "batch buffers") and what the consumer releases ({@code
         * lease}, e.g. "Batch").
         */
        public Builder<S> nouns(String unit, String units, String buffers, String lease) {
            this.unit = unit;
            this.units = units;
            this.bufferNoun = buffers;
            this.leaseNoun = lease;
            return this;
        }

        /** Message of the exception {@link PrefetchRing#next()} throws for a failed batch. */
        public Builder<S> failure(Failure<S> failure) {
            this.failure = failure;
            return this;
        }

        /** Runs under the ring's lock when the consumer releases a slot (e.g. to drop references). */
        public Builder<S> onRelease(Consumer<S> hook) {
            this.onRelease = hook;
            return this;
        }

        /** Runs in {@link PrefetchRing#close()} after the workers are told to stop, before joining them. */
        public Builder<S> onClose(Runnable hook) {
            this.onClose = hook;
            return this;
        }

        /** How long close() waits for a worker before interrupting it (default 10 s). */
        public Builder<S> joinMillis(long millis) {
            this.joinMillis = millis;
            return this;
        }

        public PrefetchRing<S> build() {
            if (slots == null || slots.isEmpty() || workerFactory == null) {
                throw new IllegalArgumentException("PrefetchRing " + name + " needs slots and a worker factory, got "
                        + slots + " and " + workerFactory);
            }
            if (workers <= 0) {
                throw new IllegalArgumentException("workers must be positive, got " + workers);
            }
            if (first < 0 || end < first) {
                throw new IllegalArgumentException("batch range [" + first + ", " + end + ") is invalid");
            }
            Objects.requireNonNull(failure, "failure");
            Objects.requireNonNull(onRelease, "onRelease");
            Objects.requireNonNull(onClose, "onClose");
            return new PrefetchRing<>(this);
        }
    }
}
