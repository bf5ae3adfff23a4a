package io.github.jepa4j.core.nn;

import java.nio.IntBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Token selection by index, per batch element: the masking primitive of I-JEPA / V-JEPA
 * (context tokens in, target tokens out).
 *
 * <ul>
 *   <li>{@link #gather}: {@code out[b, k, :] = x[b, idx[b, k], :]} with {@code x [B, N, D]},
 *       {@code idx [B, K]}, {@code out [B, K, D]};</li>
 *   <li>{@link #scatterAdd} (its adjoint): {@code gradX[b, idx[b, k], :] += gradOut[b, k, :]};
 *       repeated indices accumulate.</li>
 * </ul>
 * Both view the token tensors as {@code [B*N, D]} / {@code [B*K, D]} row matrices and run one
 * native op on flat row indices {@code b*N + idx[b, k]}: libnd4j's {@code gather} (measured as
 * fast as {@code Nd4j.pullRows} at [64x196 -> 64x150, 768], 2.5x slower only on tiny inputs, and
 * unlike it takes a preallocated index array) and {@code scatter_add} in its serial ("lock")
 * mode, which is what makes duplicates accumulate correctly. A Java loop of row views was
 * ~100x slower. Indices are bounds-checked in Java first; out-of-range indices raise an
 * {@link IllegalArgumentException} naming the batch element, position and N.
 *
 * <p>Outputs must be c-order with default strides (e.g. a {@link io.github.jepa4j.core.tensor.Scratch}
 * view), because they are written through a reshaped view. The flat index buffer of the static
 * methods is a per-thread reusable one, so after warm-up no native memory is allocated per call.
 */
public final class TokenOps {
    private static final ThreadLocal<RowIndex> SHARED = ThreadLocal.withInitial(RowIndex::new);

    private TokenOps() {}

    /** {@code out[b, k, :] = x[b, idx[b][k], :]}; returns {@code out}. */
    public static INDArray gather(INDArray x, int[][] idx, INDArray out) {
        requireTokens("x", x);
        INDArray flat = SHARED.get().set(idx, x.size(0), x.size(1));
        return gatherRows(x, flat, out);
    }

    /** As {@link #gather(INDArray, int[][], INDArray)} with an integer (INT or LONG) {@code idx [B, K]}. */
    public static INDArray gather(INDArray x, INDArray idx, INDArray out) {
        requireTokens("x", x);
        INDArray flat = SHARED.get().set(idx, x.size(0), x.size(1));
        return gatherRows(x, flat, out);
    }

    /** {@code gradX[b, idx[b][k], :] += gradOut[b, k, :]} (duplicates accumulate); returns {@code gradX}. */
    public static INDArray scatterAdd(INDArray gradOut, int[][] idx, INDArray gradX) {
        requireTokens("gradX", gradX);
        INDArray flat = SHARED.get().set(idx, gradX.size(0), gradX.size(1));
        return scatterAddRows(gradOut, flat, gradX);
    }

    /** As {@link #scatterAdd(INDArray, int[][], INDArray)} with an integer (INT or LONG) {@code idx [B, K]}. */
    public static INDArray scatterAdd(INDArray gradOut, INDArray idx, INDArray gradX) {
        requireTokens("gradX", gradX);
        INDArray flat = SHARED.get().set(idx, gradX.size(0), gradX.size(1));
        return scatterAddRows(gradOut, flat, gradX);
    }

    /**
     * Flat row indices {@code b*n + idx[b][k]} as a new INT array {@code [B*K]}, bounds-checked
     * against {@code [0, n)}. Allocates; the ops above use a reusable buffer instead.
     */
    public static INDArray flatIndices(int[][] idx, int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("token count n must be positive, got " + n);
        }
        int[] flat = new int[checkRectangular(idx) * idx.length];
        if ((long) idx.length * n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too many token rows for INT indices: " + idx.length + " x " + n);
        }
        fillFlat(idx, n, flat);
        return Nd4j.createFromArray(flat);
    }

    /** out [B*K rows] = x rows at {@code flat}; shapes are checked against {@code flat}'s length. */
    static INDArray gatherRows(INDArray x, INDArray flat, INDArray out) {
        long b = x.size(0);
        long k = flat.length() / b;
        requireOutput("out", out, x.dataType(), b, k, x.size(2));
        if (k > 0) {
            Nd4j.exec(DynamicCustomOp.builder("gather")
                    .addInputs(rows(x), flat)
                    .addOutputs(rows(out))
                    .addIntegerArguments(0)
                    .build());
        }
        return out;
    }

    /** gradX rows at {@code flat} += gradOut rows, serially so that duplicates accumulate. */
    static INDArray scatterAddRows(INDArray gradOut, INDArray flat, INDArray gradX) {
        long b = gradX.size(0);
        long k = flat.length() / b;
        requireOutput("gradX", gradX, gradX.dataType(), b, gradX.size(1), gradX.size(2));
        requireTokens("gradOut", gradOut);
        if (gradOut.size(0) != b || gradOut.size(1) != k || gradOut.size(2) != gradX.size(2)
                || gradOut.dataType() != gradX.dataType()) {
            throw new IllegalArgumentException("gradOut must be " + gradX.dataType() + " [" + b + ", " + k + ", "
                    + gradX.size(2) + "], got " + gradOut.dataType() + " " + Arrays.toString(gradOut.shape()));
        }
        if (k > 0) {
            INDArray target = rows(gradX);
            Nd4j.exec(DynamicCustomOp.builder("scatter_add")
                    .addInputs(target, flat, rows(gradOut))
                    .addOutputs(target)
                    .addBooleanArguments(true, false) // lock: serial, so duplicate rows accumulate; indices already checked
                    .build());
        }
        return gradX;
    }

    private static INDArray rows(INDArray t) {
        return t.reshape('c', t.size(0) * t.size(1), t.size(2));
    }

    static void requireTokens(String what, INDArray t) {
        if (t == null || t.rank() != 3) {
            throw new IllegalArgumentException(what + " must be a token tensor [B, N, D], got "
                    + (t == null ? "null" : Arrays.toString(t.shape())));
        }
    }

    private static void requireOutput(String what, INDArray out, DataType dtype, long b, long k, long d) {
        if (out == null || out.rank() != 3 || out.size(0) != b || out.size(1) != k || out.size(2) != d) {
            throw new IllegalArgumentException(what + " must be [" + b + ", " + k + ", " + d + "], got "
                    + (out == null ? "null" : Arrays.toString(out.shape())));
        }
        if (out.dataType() != dtype) {
            throw new IllegalArgumentException(what + " must be " + dtype + ", got " + out.dataType());
        }
        if (!isCContiguous(out)) {
            throw new IllegalArgumentException(what + " must be c-order with default strides (it is written through"
                    + " a reshaped view), got ordering " + out.ordering() + " strides " + Arrays.toString(out.stride()));
        }
    }

    /**
     * Whether {@code a} is laid out as a fresh c-order array of its shape (a view with an offset is
     * fine). ND4J's {@code Shape.hasDefaultStridesForShape} rejects shapes with unit dimensions,
     * so strides of size-1 dimensions are ignored here.
     */
    static boolean isCContiguous(INDArray a) {
        long expected = 1;
        for (int i = a.rank() - 1; i >= 0; i--) {
            if (a.size(i) != 1 && a.stride(i) != expected) {
                return false;
            }
            expected *= a.size(i);
        }
        return true;
    }

    private static int checkRectangular(int[][] idx) {
        if (idx == null || idx.length == 0) {
            throw new IllegalArgumentException("indices must be [B, K] with B > 0, got " + (idx == null ? "null" : "B=0"));
        }
        int k = idx[0].length;
        for (int b = 1; b < idx.length; b++) {
            if (idx[b].length != k) {
                throw new IllegalArgumentException("indices must be rectangular [B, K]: row 0 has " + k
                        + " entries, row " + b + " has " + idx[b].length);
            }
        }
        return k;
    }

    private static void fillFlat(int[][] idx, long n, int[] flat) {
        int k = idx[0].length;
        for (int b = 0; b < idx.length; b++) {
            for (int j = 0; j < k; j++) {
                flat[b * k + j] = (int) (b * n + checkIndex(idx[b][j], b, j, n));
            }
        }
    }

    private static long checkIndex(long i, int b, int pos, long n) {
        if (i < 0 || i >= n) {
            throw new IllegalArgumentException("token index " + i + " at batch " + b + ", position " + pos
                    + " is out of range [0, " + n + ")");
        }
        return i;
    }

    /**
     * A reusable native INT buffer of flat row indices plus its Java mirror. Grows geometrically;
     * after warm-up, setting indices of the same or smaller size allocates nothing.
     */
    static final class RowIndex {
        private INDArray buf;
        private int[] host = new int[0];

        /** Flat indices of {@code idx [B][K]} into a {@code [batch, n]} token grid; a view valid until the next set. */
        INDArray set(int[][] idx, long batch, long n) {
            int k = checkRectangular(idx);
            checkBatch(idx.length, batch);
            int len = idx.length * k;
            ensure(len, batch * n);
            fillFlat(idx, n, host);
            return upload(len);
        }

        /** Flat indices of an integer {@code idx [B, K]} array into a {@code [batch, n]} token grid. */
        INDArray set(INDArray idx, long batch, long n) {
            if (idx == null || idx.rank() != 2 || !idx.dataType().isIntType()) {
                throw new IllegalArgumentException("indices must be an integer array [B, K], got "
                        + (idx == null ? "null" : idx.dataType() + " " + Arrays.toString(idx.shape())));
            }
            checkBatch(idx.size(0), batch);
            int b = (int) idx.size(0);
            int k = (int) idx.size(1);
            int len = b * k;
            ensure(len, batch * n);
            if (len == 0) {
                return Nd4j.empty(DataType.INT);
            }
            INDArray view = buf.get(NDArrayIndex.interval(0, len));
            view.reshape('c', b, k).assign(idx); // native cast INT/LONG -> INT, any strides
            IntBuffer nio = buf.data().asNioInt();
            nio.position(0);
            nio.get(host, 0, len);
            for (int bi = 0; bi < b; bi++) {
                for (int j = 0; j < k; j++) {
                    host[bi * k + j] = (int) (bi * n + checkIndex(host[bi * k + j], bi, j, n));
                }
            }
            return upload(len);
        }

        private static void checkBatch(long b, long batch) {
            if (b != batch) {
                throw new IllegalArgumentException("indices have " + b + " rows but the tokens have batch size " + batch);
            }
        }

        private void ensure(int len, long rows) {
            if (rows > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("too many token rows for INT indices: " + rows);
            }
            if (buf == null || buf.length() < Math.max(len, 1)) {
                int cap = Math.max(Math.max(len, 1), buf == null ? 0 : (int) (buf.length() + buf.length() / 2));
                buf = Nd4j.createUninitializedDetached(DataType.INT, cap);
                host = new int[cap];
            }
        }

        private INDArray upload(int len) {
            if (len == 0) {
                return Nd4j.empty(DataType.INT);
            }
            IntBuffer nio = buf.data().asNioInt();
            nio.position(0);
            nio.put(host, 0, len);
            return len == buf.length() ? buf : buf.get(NDArrayIndex.interval(0, len));
        }
    }
}
