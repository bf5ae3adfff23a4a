package io.github.jepa4j.video.data;

import io.github.jepa4j.core.data.PrefetchRing;
import io.github.jepa4j.video.mask.VideoMaskSet;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One step's clips from a {@link ClipLoader}: the clip tensor, which video and start frame each
 * clip came from, class labels and optional masks, held in one of the loader's reusable buffers
 * until {@link #release()} (or {@link #close()}, for try-with-resources). After release the
 * loader refills the buffer, so do not keep references to the arrays.
 */
public final class ClipBatch implements AutoCloseable {
    private final PrefetchRing.Lease<ClipLoader.Slot> lease;
    private final ClipLoader.Slot slot;

    ClipBatch(PrefetchRing.Lease<ClipLoader.Slot> lease) {
        this.lease = lease;
        this.slot = lease.slot();
    }

    /** Clips {@code [n, C, T, H, W]} float32, normalised per the loader's {@code FrameSpec}. */
    public INDArray clips() {
        return slot.view;
    }

    /** Number of clips n (the batch size, except a finite sampler's last step). */
    public int size() {
        return slot.size;
    }

    /** Dataset index of each clip's video, length n. */
    public int[] videos() {
        return trim(slot.videos);
    }

    /** Start frame of each clip in its video, length n. */
    public int[] starts() {
        return trim(slot.starts);
    }

    /** Class label of each clip's video (-1 for videos outside class folders), length n. */
    public int[] labels() {
        return trim(slot.labels);
    }

    private int[] trim(int[] a) {
        return slot.size == a.length ? a : Arrays.copyOf(a, slot.size);
    }

    /** Token masks of this step, or null when the loader has no masker. */
    public VideoMaskSet masks() {
        return slot.masks;
    }

    /** The step this batch belongs to. */
    public long step() {
        return lease.number();
    }

    /** How long {@link ClipLoader#next()} waited for this batch ("data wait"). */
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
