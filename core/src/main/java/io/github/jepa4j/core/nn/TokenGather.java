package io.github.jepa4j.core.nn;

import io.github.jepa4j.core.tensor.Scratch;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Token selection as a {@link Layer}: {@code y[b, k, :] = x[b, idx[b, k], :]} with
 * {@code x [B, N, D]}, {@code idx [B, K]} and {@code y [B, K, D]}; backward
 * {@code dx = 0; dx[b, idx[b, k], :] += g[b, k, :]} (repeated indices accumulate). No parameters.
 *
 * <p>Set the indices with {@link #setIndices} before {@link #forward}; they are resolved to flat
 * row indices (and bounds-checked against N) at forward time and kept for backward, so changing
 * them after forward does not affect the matching backward. See {@link TokenOps}.
 */
public final class TokenGather implements Layer {
    private static final int OUT = 0, DX = 1;

    private final Scratch scratch = new Scratch(2);
    private final TokenOps.RowIndex rowIndex = new TokenOps.RowIndex();
    private int[][] hostIdx;
    private INDArray arrayIdx;
    private INDArray flat;
    private long[] inShape;

    /** Indices {@code [B][K]} for the next forward (kept by reference). */
    public TokenGather setIndices(int[][] idx) {
        if (idx == null) {
            throw new IllegalArgumentException("indices must not be null");
        }
        this.hostIdx = idx;
        this.arrayIdx = null;
        return this;
    }

    /** Integer (INT or LONG) indices {@code [B, K]} for the next forward (kept by reference). */
    public TokenGather setIndices(INDArray idx) {
        if (idx == null) {
            throw new IllegalArgumentException("indices must not be null");
        }
        this.arrayIdx = idx;
        this.hostIdx = null;
        return this;
    }

    @Override
    public INDArray forward(INDArray x) {
        TokenOps.requireTokens("TokenGather input", x);
        if (hostIdx == null && arrayIdx == null) {
            throw new IllegalStateException("TokenGather: call setIndices before forward");
        }
        long b = x.size(0);
        long n = x.size(1);
        flat = hostIdx != null ? rowIndex.set(hostIdx, b, n) : rowIndex.set(arrayIdx, b, n);
        inShape = x.shape();
        INDArray out = scratch.get(OUT, x.dataType(), b, flat.length() / b, x.size(2));
        return TokenOps.gatherRows(x, flat, out);
    }

    @Override
    public INDArray backward(INDArray gradOut) {
        if (flat == null) {
            throw new IllegalStateException("backward before forward");
        }
        long b = inShape[0];
        long k = flat.length() / b;
        if (gradOut.rank() != 3 || gradOut.size(0) != b || gradOut.size(1) != k || gradOut.size(2) != inShape[2]) {
            throw new IllegalArgumentException("TokenGather gradient must be [" + b + ", " + k + ", " + inShape[2]
                    + "], got " + Arrays.toString(gradOut.shape()));
        }
        INDArray dx = scratch.zeros(DX, gradOut.dataType(), inShape);
        return TokenOps.scatterAddRows(gradOut, flat, dx);
    }
}
