package io.github.jepa4j.image.train;

import io.github.jepa4j.core.train.BatchSource;
import io.github.jepa4j.image.data.ImageDataset;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The step bookkeeping shared by the image batch sources that adapt an epoch-based prefetching
 * loader ({@code L}, delivering batches {@code B}) to core's {@link BatchSource} of {@code O}.
 *
 * <p>Step {@code k} is the loader's batch {@code k}, with {@code stepsPerEpoch = size / batchSize}
 * (the last partial batch dropped). The loader is opened at the first requested step, at that
 * step's epoch, and skips (takes and releases) batches up to the step, so a run resumed at step
 * {@code k} sees exactly the batches an uninterrupted run would. Steps must then be requested in
 * increasing order. Each delivered {@code O} keeps its loader batch held until {@link
 * #release(Object)}.
 */
abstract class LoaderSourceBase<L extends Iterator<B> & AutoCloseable, B extends AutoCloseable, O>
        implements BatchSource<O> {
    private final long stepsPerEpoch;
    private final Map<O, B> held = new IdentityHashMap<>();
    private L loader;
    private long nextStep = -1;
    private double lastWait;

    /** Validates {@code batchSize} against the dataset ({@code 1 <= batchSize <= size}). */
    LoaderSourceBase(ImageDataset dataset, int batchSize) {
        if (batchSize <= 0 || batchSize > dataset.size()) {
            throw new IllegalArgumentException("batch size " + batchSize + " must be in [1, " + dataset.size()
                    + "] for dataset " + dataset.name());
        }
        this.stepsPerEpoch = dataset.size() / batchSize;
    }

    /** Opens the loader at the start of {@code epoch}. */
    abstract L open(int epoch);

    /** The task's batch viewing the loader's batch {@code b}. */
    abstract O adapt(B b);

    /** How long the loader waited for {@code b}, in nanoseconds. */
    abstract long waitNanos(B b);

    @Override
    public final O next(long step) {
        if (loader == null) {
            int epoch = (int) (step / stepsPerEpoch);
            loader = open(epoch);
            nextStep = (long) epoch * stepsPerEpoch;
        }
        if (step < nextStep) {
            throw new IllegalStateException("steps must be requested in increasing order: asked for " + step
                    + " after " + (nextStep - 1));
        }
        while (nextStep < step) { // resume mid-epoch: skip to the requested step
            closeChecked(loader.next());
            nextStep++;
        }
        B b = loader.next();
        nextStep++;
        lastWait = waitNanos(b) / 1e6;
        O out = adapt(b);
        held.put(out, b);
        return out;
    }

    @Override
    public final void release(O batch) {
        B b = held.remove(batch);
        if (b != null) {
            closeChecked(b);
        }
    }

    private static void closeChecked(AutoCloseable b) {
        try {
            b.close(); // the loader batches' close() is their release()
        } catch (Exception e) {
            throw new IllegalStateException("closing " + b + " failed", e);
        }
    }

    @Override
    public final long stepsPerEpoch() {
        return stepsPerEpoch;
    }

    @Override
    public final double lastWaitMillis() {
        return lastWait;
    }

    @Override
    public final void close() {
        if (loader != null) {
            closeChecked(loader);
        }
    }
}
