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
