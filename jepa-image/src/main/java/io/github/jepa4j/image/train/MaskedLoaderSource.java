package io.github.jepa4j.image.train;

import io.github.jepa4j.core.task.MaskedBatch;
import io.github.jepa4j.core.train.BatchSource;
import io.github.jepa4j.image.augment.Augmenter;
import io.github.jepa4j.image.data.Batch;
import io.github.jepa4j.image.data.BatchLoader;
import io.github.jepa4j.image.data.ImageDataset;
import io.github.jepa4j.image.mask.MaskSet;
import io.github.jepa4j.image.mask.Masker;

/**
 * Feeds a masked JEPA task from an image dataset: a prefetching {@link BatchLoader} (worker
 * threads, reusable buffers, masks sampled on the workers) adapted to core's
 * {@link BatchSource}.
 *
 * <p>Batch {@code k} of the run is the loader's batch {@code k} (epoch {@code k / stepsPerEpoch}),
 * whose images and masks are a pure function of the seeds and {@code k}. The loader is opened at
 * the first requested step, at that step's epoch, skipping to the step: so a run resumed at step
 * {@code k} sees exactly the batches an uninterrupted run would (bookkeeping in {@link
 * LoaderSourceBase}).
 */
public final class MaskedLoaderSource extends LoaderSourceBase<BatchLoader, Batch, MaskedBatch> {
    private final ImageDataset dataset;
    private final int batchSize;
    private final Masker masker;
    private final int workers;
    private final long seed;
    private final java.util.function.Supplier<Augmenter> augmenter;

    public MaskedLoaderSource(ImageDataset dataset, int batchSize, Masker masker, int workers, long seed) {
        this(dataset, batchSize, masker, workers, seed, null);
    }

    /**
     * @param augmenter per-thread augmentation applied in place to every image before masking
     *                  (I-JEPA: a random resized crop back to the input size); null for none
     */
    public MaskedLoaderSource(ImageDataset dataset, int batchSize, Masker masker, int workers, long seed,
                              java.util.function.Supplier<Augmenter> augmenter) {
        super(dataset, batchSize);
        this.augmenter = augmenter;
        this.dataset = dataset;
        this.batchSize = batchSize;
        this.masker = masker;
        this.workers = workers;
        this.seed = seed;
    }

    @Override
    BatchLoader open(int epoch) {
        return BatchLoader.builder(dataset, batchSize).masker(masker).augmenter(augmenter).workers(workers).seed(seed)
                .shuffle(true).dropLast(true).startEpoch(epoch).build();
    }

    @Override
    MaskedBatch adapt(Batch b) {
        MaskSet m = b.masks();
        return new MaskedBatch(b.images(), m.context(), m.targetBlocks(), b.labels(), m.contextLengths());
    }

    @Override
    long waitNanos(Batch b) {
        return b.waitNanos();
    }
}
