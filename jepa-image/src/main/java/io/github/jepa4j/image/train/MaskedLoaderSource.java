package io.github.jepa4j.image.train;

import io.github.jepa4j.core.task.MaskedBatch;
import io.github.jepa4j.core.train.BatchSource;
import io.github.jepa4j.image.data.Batch;
import io.github.jepa4j.image.data.BatchLoader;
import io.github.jepa4j.image.data.ImageDataset;
import io.github.jepa4j.image.mask.MaskSet;
import io.github.jepa4j.image.mask.Masker;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Feeds a masked JEPA task from an image dataset: a prefetching {@link BatchLoader} (worker
 * threads, reusable buffers, masks sampled on the workers) adapted to core's
 * {@link BatchSource}.
 *
 * <p>Batch {@code k} of the run is the loader's batch {@code k} (epoch {@code k / stepsPerEpoch}),
 * whose images and masks are a pure function of the seeds and {@code k}. The loader is opened at
 * the first requested step, at that step's epoch, skipping to the step: so a run resumed at step
 * {@code k} sees exactly the batches an uninterrupted run would.
 */
public final class MaskedLoaderSource implements BatchSource<MaskedBatch> {
    private final ImageDataset dataset;
    private final int batchSize;
    private final Masker masker;
    private final int workers;
    private final long seed;
    private final long stepsPerEpoch;
    private final Map<MaskedBatch, Batch> held = new IdentityHashMap<>();
    private BatchLoader loader;
    private long nextStep = -1;
    private double lastWait;

    public MaskedLoaderSource(ImageDataset dataset, int batchSize, Masker masker, int workers, long seed) {
        if (batchSize <= 0 || batchSize > dataset.size()) {
            throw new IllegalArgumentException("batch size " + batchSize + " must be in [1, " + dataset.size()
                    + "] for dataset " + dataset.name());
        }
        this.dataset = dataset;
        this.batchSize = batchSize;
        this.masker = masker;
        this.workers = workers;
        this.seed = seed;
        this.stepsPerEpoch = dataset.size() / batchSize;
    }

    @Override
    public MaskedBatch next(long step) {
        if (loader == null) {
            int epoch = (int) (step / stepsPerEpoch);
            loader = BatchLoader.builder(dataset, batchSize).masker(masker).workers(workers).seed(seed)
                    .shuffle(true).dropLast(true).startEpoch(epoch).build();
            nextStep = (long) epoch * stepsPerEpoch;
        }
        if (step < nextStep) {
            throw new IllegalStateException("steps must be requested in increasing order: asked for " + step
                    + " after " + (nextStep - 1));
        }
        while (nextStep < step) { // resume mid-epoch: skip to the requested step
            loader.next().release();
            nextStep++;
        }
        Batch b = loader.next();
        nextStep++;
        lastWait = b.waitNanos() / 1e6;
        MaskSet m = b.masks();
        MaskedBatch mb = new MaskedBatch(b.images(), m.context(), m.targetBlocks(), b.labels());
        held.put(mb, b);
        return mb;
    }

    @Override
    public void release(MaskedBatch batch) {
        Batch b = held.remove(batch);
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
        if (loader != null) {
            loader.close();
        }
    }
}
