package io.github.jepa4j.video.data;

/**
 * Chooses the clips of each step: which video and which start frame, for clips of
 * {@link #frames()} frames taken every {@link #stride()} frames.
 *
 * <p>{@link #clips} must be a pure function of the sampler's configuration (including any
 * seed), the step and the batch size: a loader calls it on any worker thread, in any order, and
 * a run resumed at step {@code k} must see the clips an uninterrupted run saw there.
 */
public interface ClipSampler {

    /** Frames per clip T. */
    int frames();

    /** Frame stride s: a clip holds frames {@code start, start + s, ..., start + (T - 1) s}. */
    int stride();

    /** Frames a clip spans in its video, {@code (T - 1) s + 1}. */
    default int span() {
        return (frames() - 1) * stride() + 1;
    }

    /** Steps delivered at this batch size; {@link Long#MAX_VALUE} when unbounded. */
    long steps(int batchSize);

    /** Steps in one pass over the data at this batch size. */
    long stepsPerEpoch(int batchSize);

    /**
     * Writes the video index and start frame of each clip of {@code step} into {@code videos}
     * and {@code starts} (each at least {@code batchSize} long).
     *
     * @return the number of clips n: {@code batchSize}, except for a finite sampler's last,
     *     partial step
     */
    int clips(long step, int batchSize, int[] videos, int[] starts);
}
