package io.github.jepa4j.image.train;

import io.github.jepa4j.core.train.BatchSource;
import io.github.jepa4j.image.augment.Augmenter;
import io.github.jepa4j.image.augment.TwoViewBatch;
import io.github.jepa4j.image.augment.TwoViewBatcher;
import io.github.jepa4j.image.data.ImageDataset;
import java.util.function.Supplier;

/**
 * Feeds a joint-embedding task: two independently augmented views of each image, prepared by
 * worker threads into reusable buffers ({@link TwoViewBatcher}), adapted to core's
 * {@link BatchSource}. As {@link MaskedLoaderSource}, step {@code k} is the batcher's batch
 * {@code k}, a pure function of the seed, so a resumed run sees the same views (bookkeeping in
 * {@link LoaderSourceBase}).
 */
public final class TwoViewLoaderSource
        extends LoaderSourceBase<TwoViewBatcher, TwoViewBatch, io.github.jepa4j.core.task.TwoViewBatch> {
    private final ImageDataset dataset;
    private final Supplier<Augmenter> augmenter;
    private final int batchSize;
    private final int workers;
    private final long seed;

    public TwoViewLoaderSource(ImageDataset dataset, Supplier<Augmenter> augmenter, int batchSize, int workers, long seed) {
        super(dataset, batchSize);
        this.dataset = dataset;
        this.augmenter = augmenter;
        this.batchSize = batchSize;
        this.workers = workers;
        this.seed = seed;
    }

    @Override
    TwoViewBatcher open(int epoch) {
        return TwoViewBatcher.builder(dataset, augmenter, batchSize).workers(workers).seed(seed)
                .shuffle(true).dropLast(true).startEpoch(epoch).build();
    }

    @Override
    io.github.jepa4j.core.task.TwoViewBatch adapt(TwoViewBatch b) {
        return new io.github.jepa4j.core.task.TwoViewBatch(b.view1(), b.view2(), b.labels());
    }

    @Override
    long waitNanos(TwoViewBatch b) {
        return b.waitNanos();
    }
}
