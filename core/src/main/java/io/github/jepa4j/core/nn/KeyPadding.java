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
     * A bias {@code [rows, n]}: row {@code r} is {@link MultiHeadSelfAttention#MASKED} on columns
     * {@code [lengths[r % lengths.length], padEnd)} and 0 elsewhere. With {@code padEnd = n} it pads
     * an encoder's tokens; with {@code padEnd = Kc < n} the context part of a predictor row
     * {@code [context | targets]}, whose rows repeat the batch once per target block.
     */
    public static INDArray bias(int[] lengths, int rows, int n, int padEnd, DataType dt) {
        if (lengths == null || lengths.length == 0 || rows % lengths.length != 0) {
            throw new IllegalArgumentException("key padding: " + rows + " rows are not a whole number of batches of "
                    + (lengths == null ? "null" : lengths.length) + " lengths");
        }
        if (padEnd < 0 || padEnd > n) {
            throw new IllegalArgumentException("key padding: pad end " + padEnd + " outside [0, " + n + "]");
        }
        double[] v = new double[rows * n];
        for (int r = 0; r < rows; r++) {
            int len = lengths[r % lengths.length];
            if (len < 1 || len > padEnd) {
                throw new IllegalArgumentException("key padding: input " + (r % lengths.length) + " keeps " + len
                        + " tokens; must be in [1, " + padEnd + "] (lengths " + Arrays.toString(lengths) + ")");
            }
            Arrays.fill(v, r * n + len, r * n + padEnd, MultiHeadSelfAttention.MASKED);
        }
        return Nd4j.createFromArray(v).reshape('c', rows, n).castTo(dt);
    }
}
