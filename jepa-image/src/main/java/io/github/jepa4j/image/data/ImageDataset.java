package io.github.jepa4j.image.data;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A labelled, random-access image dataset of fixed shape {@code [C, H, W]}.
 *
 * <p>{@link #fill} writes images into a preallocated batch so that training allocates no image
 * memory per step. Implementations are immutable and thread-safe: a loader may call {@link
 * #fill} from several threads at once on different output arrays.
 */
public interface ImageDataset {

    /** Short name for logs, e.g. {@code "fashion-mnist/train"}. */
    String name();

    /** Number of images. */
    int size();

    int channels();

    int height();

    int width();

    /** Number of classes K; labels are in {@code [0, K)}. */
    int numClasses();

    /** Class label of image {@code i}. */
    int label(int i);

    /**
     * Writes image {@code indices[j]} into {@code out[j]} for every j, as normalised float values.
     *
     * @param out float32, c-order contiguous, shape {@code [indices.length, C, H, W]}
     * @throws IllegalArgumentException on a wrong shape, type or layout, or an index outside
     *     {@code [0, size())}
     */
    void fill(int[] indices, INDArray out);

    /** Writes {@code label(indices[j])} into {@code out[j]}; {@code out} is at least as long as {@code indices}. */
    default void labels(int[] indices, int[] out) {
        if (out.length < indices.length) {
            throw new IllegalArgumentException(name() + ": label output has length " + out.length + ", needs "
                    + indices.length);
        }
        for (int j = 0; j < indices.length; j++) {
            out[j] = label(indices[j]);
        }
    }

    /** Human-readable class names, indexed by label. */
    default String[] classNames() {
        String[] n = new String[numClasses()];
        for (int k = 0; k < n.length; k++) {
            n[k] = Integer.toString(k);
        }
        return n;
    }

    /** Names of the continuous factors of variation {@link #factors} returns; empty when unknown. */
    default String[] factorNames() {
        return new String[0];
    }

    /** Continuous factors of image {@code i} (see {@link #factorNames()}), for probes. */
    default double[] factors(int i) {
        return new double[0];
    }
}
