package io.github.jepa4j.image.data;

import io.github.jepa4j.core.data.PrefetchRing;
import io.github.jepa4j.image.mask.MaskSet;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One batch from a {@link BatchLoader}: images, labels, dataset indices and optional masks, held
 * in one of the loader's reusable buffers until {@link #release()} (or {@link #close()}, for
 * try-with-resources). After release the loader refills the buffer, so do not keep references
 * to the arrays.
 */
public final class Batch implements AutoCloseable {
    private final PrefetchRing.Lease<BatchLoader.Slot> lease;
    private final BatchLoader.Slot slot;

    Batch(PrefetchRing.Lease<BatchLoader.Slot> lease) {
        this.lease = lease;
        this.slot = lease.slot();
    }

    /** Images {@code [n, C, H, W]} float32, normalised by the dataset. */
    public INDArray images() {
        return slot.imagesView;
    }

    /** Class labels, length {@link #size()}. */
    public int[] labels() {
        return slot.labels;
    }

    /** Dataset indices of the images, length {@link #size()}. */
    public int[] indices() {
        return slot.indices;
    }

    /** Token masks sampled for this batch, or null when the loader has no masker. */
    public MaskSet masks() {
        return slot.masks;
    }

    /** Number of images n (the batch size, except a partial last batch when not dropping it). */
    public int size() {
        return slot.indices.length;
    }

    /** Position of this batch in the loader's sequence: 0, 1, 2, ... across epochs. */
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

    /** How long {@link BatchLoader#next()} waited for this batch to be ready ("data wait"). */
    public long waitNanos() {
        return lease.waitNanos();
    }

    /** Returns the buffer to the loader; idempotent. */
    public void release() {
        lease.release();
    }

    @Override
    public void close() {
        release();
    }
}
