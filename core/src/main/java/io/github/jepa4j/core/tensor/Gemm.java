package io.github.jepa4j.core.tensor;

import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Allocation-free matrix products into preallocated, row-major (c-order) outputs.
 *
 * <p>{@code INDArray.mmul} allocates its result and was measured 4-20x slower than BLAS into a
 * preallocated buffer. {@link Nd4j#gemm} insists on an f-order result, so a c-order
 * {@code C[m,n]} is written as its f-order transpose: {@code C^T = op(B)^T op(A)^T}. That is the
 * same memory, so callers keep working in row-major token matrices.
 */
public final class Gemm {
    private Gemm() {}

    /**
     * {@code c = alpha * op(a) * op(b) + beta * c} for 2-D arrays; {@code c} must be c-order and
     * contiguous (a prefix view of a flat buffer is fine).
     */
    public static INDArray mm(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB,
                              double alpha, double beta) {
        // C^T[n,m] = op(B)^T * op(A)^T; c.transpose() of a c-order matrix is f-order with default strides.
        Nd4j.gemm(b, a, c.transpose(), !transB, !transA, alpha, beta);
        return c;
    }

    /** {@code c = op(a) * op(b)}. */
    public static INDArray mm(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB) {
        return mm(a, b, c, transA, transB, 1.0, 0.0);
    }

    /** Per-thread ones vectors (one per data type) for column sums as GEMMs; grown on demand. */
    private static final ThreadLocal<java.util.Map<org.nd4j.linalg.api.buffer.DataType, INDArray>> ONES =
            ThreadLocal.withInitial(() -> new java.util.EnumMap<>(org.nd4j.linalg.api.buffer.DataType.class));

    /**
     * {@code out += sum over rows of m} for a c-order {@code m [rows, cols]} and {@code out [cols]},
     * as the GEMM {@code ones[1, rows] * m}. Measured 0.6 ms against 5.3 ms for ND4J's
     * {@code m.sum(out, 0)} on [3136, 512] float: the column reduction is the slow axis for ND4J.
     */
    public static void addColumnSums(INDArray m, INDArray out) {
        long rows = m.size(0);
        var dt = m.dataType();
        java.util.Map<org.nd4j.linalg.api.buffer.DataType, INDArray> cache = ONES.get();
        INDArray ones = cache.get(dt);
        if (ones == null || ones.length() < rows) {
            ones = Nd4j.createUninitializedDetached(dt, Math.max(rows, ones == null ? 0 : ones.length() * 2));
            ones.assign(1.0);
            cache.put(dt, ones);
        }
        INDArray row = (ones.length() == rows ? ones : ones.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, rows)))
                .reshape('c', 1, rows);
        mm(row, m, out.reshape('c', 1, m.size(1)), false, false, 1.0, 1.0);
    }

    /**
     * Batched product over the leading dimension of rank-3 arrays:
     * {@code c[i] = alpha * op(a[i]) * op(b[i]) + beta * c[i]} (libnd4j's matmul op, no allocation).
     */
    public static INDArray bmm(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB,
                               double alpha, double beta) {
        Nd4j.exec(new Mmul(a, b, c, alpha, beta,
                MMulTranspose.builder().transposeA(transA).transposeB(transB).build()));
        return c;
    }
}
