package io.github.jepa4j.image.train;

import io.github.jepa4j.core.train.BatchSource;
import io.github.jepa4j.image.augment.Augmenter;
import io.github.jepa4j.image.augment.TwoViewBatch;
import io.github.jepa4j.image.augment.TwoViewBatcher;
import io.github.jepa4j.image.data.ImageDataset;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Feeds a joint-embedding task: two independently augmented views of each image, prepared by
 * worker threads into reusable buffers ({@link TwoViewBatcher}), adapted to core's
 * {@link BatchSource}. As {@link MaskedLoaderSource}, step {@code k} is the batcher's batch
 * {@code k}, a pure function of the seed, so a resumed run sees the same views.
 */
public final class TwoViewLoaderSource implements BatchSource<io.github.jepa4j.core.task.TwoViewBatch> {
    private final ImageDataset dataset;
    private final Supplier<Augmenter> augmenter;
    private final int batchSize;
    private final int workers;
    private final long seed;
    private final long stepsPerEpoch;
    private final Map<io.github.jepa4j.core.task.TwoViewBatch, TwoViewBatch> held = new IdentityHashMap<>();
    private TwoViewBatcher batcher;
    private long nextStep = -1;
    private double lastWait;

    public TwoViewLoaderSource(ImageDataset dataset, Supplier<Augmenter> augmenter, int batchSize, int workers, long seed) {
        if (batchSize <= 0 || batchSize > dataset.size()) {
            throw new IllegalArgumentException("batch size " + batchSize + " must be in [1, " + dataset.size()
                    + "] for dataset " + dataset.name());
        }
        this.dataset = dataset;
        this.augmenter = augmenter;
        this.batchSize = batchSize;
        this.workers = workers;
        this.seed = seed;
        this.stepsPerEpoch = dataset.size() / batchSize;
    }

    @Override
    public io.github.jepa4j.core.task.TwoViewBatch next(long step) {
        if (batcher == null) {
            int epoch = (int) (step / stepsPerEpoch);
            batcher = TwoViewBatcher.builder(dataset, augmenter, batchSize).workers(workers).seed(seed)
                    .shuffle(true).dropLast(true).startEpoch(epoch).build();
            nextStep = (long) epoch * stepsPerEpoch;
        }
        if (step < nextStep) {
            throw new IllegalStateException("steps must be requested in increasing order: asked for " + step
                    + " after " + (nextStep - 1));
        }
        while (nextStep < step) {
            batcher.next().release();
            nextStep++;
        }
        TwoViewBatch b = batcher.next();
        nextStep++;
        lastWait = b.waitNanos() / 1e6;
        var out = new io.github.jepa4j.core.task.TwoViewBatch(b.view1(), b.view2(), b.labels());
        held.put(out, b);
        return out;
    }

    @Override
    public void release(io.github.jepa4j.core.task.TwoViewBatch batch) {
        TwoViewBatch b = held.remove(batch);
        if (b != null) {
            b.release();
        }
    }

    @Override
    public long stepsPerEpoch() {
        return stepsPerEpoch;
    }

    @Override
    public double lastWaitMillis() {
        return lastWait;
    }

    @Override
    public void close() {
        if (batcher != null) {
            batcher.close();
        }
    }
}
