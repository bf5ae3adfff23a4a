package io.github.jepa4j.image.augment;

import io.github.jepa4j.core.data.PrefetchRing;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One batch from a {@link TwoViewBatcher}: two augmented views of the same images, their labels
 * and dataset indices, held in one of the batcher's reusable buffers until {@link #release()}
 * (or {@link #close()}, for try-with-resources). Do not keep references to the arrays after
 * release: the batcher refills them.
 */
public final class TwoViewBatch implements AutoCloseable {
    private final PrefetchRing.Lease<TwoViewBatcher.Slot> lease;
    private final TwoViewBatcher.Slot slot;

    TwoViewBatch(PrefetchRing.Lease<TwoViewBatcher.Slot> lease) {
        this.lease = lease;
        this.slot = lease.slot();
    }

    /** First views {@code [n, C, H', W']} float32, c-order contiguous. */
    public INDArray view1() {
        return slot.view1View;
    }

    /** Second views {@code [n, C, H', W']}: the same images as {@link #view1()}, augmented independently. */
    public INDArray view2() {
        return slot.view2View;
    }

    /** Class labels, length {@link #size()}. */
    public int[] labels() {
        return slot.labels;
    }

    /** Dataset indices of the images, length {@link #size()}. */
    public int[] indices() {
        return slot.indices;
    }

    /** Number of images n (the batch size, except a partial last batch when it is kept). */
    public int size() {
        return slot.indices.length;
    }

    /** Position of this batch in the batcher's sequence: 0, 1, 2, ... across epochs. */
    public long number() {
        return lease.number();
    }

    public int epoch() {
        return slot.epoch;
    }

    /** Index of this batch within its epoch. */
    public int indexInEpoch() {
        return slot.indexInEpoch;
    }

    /** The batch number seeding the augmentations: {@code epoch * batchesPerEpoch + indexInEpoch}. */
    public long stream() {
        return slot.stream;
    }

    /** How long {@link TwoViewBatcher#next()} waited for this batch ("data wait"). */
    public long waitNanos() {
        return lease.waitNanos();
    }

    /** Returns the buffers to the batcher; idempotent. */
    public void release() {
        lease.release();
    }

    @Override
    public void close() {
        release();
    }
}
