package io.github.jepa4j.core.nn;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Attention key-padding biases for batches whose inputs keep different numbers of tokens
 * (ragged I-JEPA contexts). Each input's tokens are packed at the front of its row and the row
 * is padded to the batch's longest; the bias marks the padding {@link MultiHeadSelfAttention#MASKED}.
 */
public final class KeyPadding {
    private KeyPadding() {
    }

    /**
     * A bias {@code [repeats * batch, n]}: row {@code r} is {@link MultiHeadSelfAttention#MASKED} on
     * columns {@code [lengths[r % batch], padEnd)} and 0 elsewhere. With {@code repeats = 1, padEnd = n}
     * it pads an encoder's tokens; with {@code padEnd = Kc < n} the context part of predictor rows
     * {@code [context | targets]}, which repeat the batch once per target block.
     *
     * @param lengths real tokens per input; must hold {@code batch} entries, each in {@code [1, padEnd]}
     */
    public static INDArray bias(int[] lengths, int batch, int repeats, int n, int padEnd, DataType dt) {
        if (lengths == null || lengths.length != batch) {
            throw new IllegalArgumentException("token lengths are given for " + (lengths == null ? "no" : lengths.length)
                    + " inputs but the batch has " + batch);
        }
        if (repeats < 1 || padEnd < 0 || padEnd > n) {
            throw new IllegalArgumentException("key padding: " + repeats + " repeats, pad end " + padEnd
                    + "; need repeats >= 1 and a pad end in [0, " + n + "]");
        }
        int rows = repeats * batch;
        double[] v = new double[rows * n];
        for (int r = 0; r < rows; r++) {
            int len = lengths[r % batch];
            if (len < 1 || len > padEnd) {
                throw new IllegalArgumentException("key padding: input " + (r % batch) + " keeps " + len
                        + " tokens; must be in [1, " + padEnd + "] (lengths " + Arrays.toString(lengths) + ")");
            }
            Arrays.fill(v, r * n + len, r * n + padEnd, MultiHeadSelfAttention.MASKED);
        }
        return Nd4j.createFromArray(v).reshape('c', rows, n).castTo(dt);
    }
}
