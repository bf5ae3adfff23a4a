package io.github.jepa4j.image.mask;

/**
 * Samples the context and target token masks of a batch on a fixed patch grid.
 *
 * <p>Implementations are thread-safe and deterministic: {@link #sample(int, long)} is a pure
 * function of the masker's configuration (including its seed), the batch size and the stream
 * number, so a data loader can sample batch {@code k}'s masks on any worker thread by passing
 * {@code k} as the stream and get the same masks regardless of thread timing.
 */
public interface Masker {

    /** Grid rows gh. */
    int gridHeight();

    /** Grid columns gw. */
    int gridWidth();

    /** Masks for {@code batchSize} images, determined by the seed and {@code stream}. */
    MaskSet sample(int batchSize, long stream);

    /** Masks for the next stream number of an internal counter (0, 1, 2, ...). */
    MaskSet sample(int batchSize);
}
