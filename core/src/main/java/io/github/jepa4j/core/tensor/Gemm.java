package io.github.jepa4j.core.tensor;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Allocation-free matrix products into preallocated, row-major (c-order) outputs.
 *
 * <p>{@code INDArray.mmul} allocates its result and was measured 4-20x slower than BLAS into a
 * preallocated buffer. On the CPU backend, FLOAT or DOUBLE arrays whose rows are contiguous go
 * straight to the OpenBLAS that nd4j-native itself runs on ({@code cblas_?gemm}, row-major): the
 * same kernels, without the op set-up of each ND4J call. That matters most for the batched
 * products of attention ({@link #bmm}): libnd4j's batched matmul does not call BLAS, and 256
 * products of [49, 32] x [32, 49]^T took 0.71 ms through it against 0.44 ms as a loop of
 * {@code cblas_sgemm} calls (JMH, {@code GemmBenchmark} in benchmarks/). Otherwise (CUDA, other
 * types, strided rows, or {@code -Djepa4j.blas=nd4j}) the products go through ND4J:
 * {@link Nd4j#gemm}, which insists on an f-order result, so a c-order {@code C[m,n]} is written as
 * its f-order transpose {@code C^T = op(B)^T op(A)^T} (the same memory), and libnd4j's matmul op
 * for batches.
 */
public final class Gemm {
    private Gemm() {}

    // CBLAS_ORDER / CBLAS_TRANSPOSE values, fixed by the CBLAS standard.
    private static final int ROW_MAJOR = 101;
    private static final int NO_TRANS = 111;
    private static final int TRANS = 112;
    private static volatile boolean direct = Kernels.hostBackend() && !"nd4j".equalsIgnoreCase(System.getProperty("jepa4j.blas"));

    /**
     * Whether products of qualifying arrays call OpenBLAS directly (default on the CPU backend;
     * {@code -Djepa4j.blas=nd4j} turns it off). Meant for benchmarks and equivalence tests.
     */
    public static boolean direct() {
        return direct;
    }

    /** Turns direct OpenBLAS calls on or off for the whole JVM (on only has effect on the CPU backend). */
    public static void setDirect(boolean on) {
        direct = on && Kernels.hostBackend();
    }

    /**
     * {@code c = alpha * op(a) * op(b) + beta * c} for 2-D arrays; {@code c} must be c-order and
     * contiguous (a prefix view of a flat buffer is fine).
     */
    public static INDArray mm(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB,
                              double alpha, double beta) {
        if (a.rank() != 2 || b.rank() != 2 || c.rank() != 2) {
            throw new IllegalArgumentException("mm needs 2-D arrays, got " + Arrays.toString(a.shape()) + ", "
                    + Arrays.toString(b.shape()) + " -> " + Arrays.toString(c.shape()));
        }
        long m = c.size(0);
        long n = c.size(1);
        long k = transA ? a.size(0) : a.size(1);
        if ((transA ? a.size(1) : a.size(0)) != m || (transB ? b.size(1) : b.size(0)) != k || (transB ? b.size(0) : b.size(1)) != n) {
            throw new IllegalArgumentException("mm shapes do not match: op(a) " + opShape(a, transA) + " x op(b) "
                    + opShape(b, transB) + " -> c " + Arrays.toString(c.shape()));
        }
        if (rowsDirect(a, b, c)) {
            blas(pointer(a), pointer(b), pointer(c), a.stride(0), b.stride(0), c.stride(0), c.dataType(), transA, transB,
                    (int) m, (int) n, (int) k, alpha, beta);
            return c;
        }
        // C^T[n,m] = op(B)^T * op(A)^T; c.transpose() of a c-order matrix is f-order with default strides.
        Nd4j.gemm(b, a, c.transpose(), !transB, !transA, alpha, beta);
        return c;
    }

    /** {@code c = op(a) * op(b)}. */
    public static INDArray mm(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB) {
        return mm(a, b, c, transA, transB, 1.0, 0.0);
    }

    /**
     * {@code y = x w^T + bias} (a fully connected layer; {@code bias} may be null) for 2-D
     * {@code x [rows, in]}, {@code w [out, in]}, {@code y [rows, out]}. With the {@link Kernels}
     * the bias is written into {@code y} first and the GEMM adds the product ({@code beta = 1}):
     * no zeroing pass and no broadcast add over {@code y}.
     */
    public static INDArray affine(INDArray x, INDArray w, INDArray bias, INDArray y) {
        if (bias != null && Kernels.supports(y, bias)) {
            Kernels.fillRows(bias, y);
            return mm(x, w, y, false, true, 1.0, 1.0);
        }
        mm(x, w, y, false, true);
        if (bias != null) {
            y.addiRowVector(bias);
        }
        return y;
    }

    /** Per-thread ones vectors (one per data type) for column sums as GEMMs; grown on demand. */
    private static final ThreadLocal<Map<DataType, INDArray>> ONES = ThreadLocal.withInitial(() -> new EnumMap<>(DataType.class));

    /**
     * {@code out += sum over rows of m} for a c-order {@code m [rows, cols]} and {@code out [cols]},
     * as the product {@code ones[1, rows] * m}: one {@code cblas_?gemv} when direct (0.10 ms on
     * [3136, 512] float in JMH against 0.43 ms as a one-row GEMM through ND4J), otherwise that GEMM
     * (itself faster than ND4J's {@code m.sum(out, 0)}, 0.6 ms against 5.3 ms in an earlier
     * measurement: the column reduction is the slow axis for ND4J).
     */
    public static void addColumnSums(INDArray m, INDArray out) {
        if (m.rank() != 2 || out.length() != m.size(1)) {
            throw new IllegalArgumentException("column sums of " + Arrays.toString(m.shape()) + " do not fit "
                    + Arrays.toString(out.shape()));
        }
        long rows = m.size(0);
        DataType dt = m.dataType();
        Map<DataType, INDArray> cache = ONES.get();
        INDArray ones = cache.get(dt);
        if (ones == null || ones.length() < rows) {
            ones = Nd4j.createUninitializedDetached(dt, Math.max(rows, ones == null ? 0 : ones.length() * 2));
            ones.assign(1.0);
            cache.put(dt, ones);
        }
        INDArray outRow = out.reshape('c', 1, m.size(1));
        // m stands in for the ones vector, which is made here: contiguous and of m's type.
        if (rowsDirect(m, m, outRow) && rows <= Integer.MAX_VALUE && outRow.stride(1) == 1) {
            int lda = (int) m.stride(0);
            if (dt == DataType.FLOAT) {
                openblas_nolapack.cblas_sgemv(ROW_MAJOR, TRANS, (int) rows, (int) m.size(1), 1f, floats(m, 0), lda,
                        floats(ones, 0), 1, 1f, floats(outRow, 0), 1);
            } else {
                openblas_nolapack.cblas_dgemv(ROW_MAJOR, TRANS, (int) rows, (int) m.size(1), 1.0, doubles(m, 0), lda,
                        doubles(ones, 0), 1, 1.0, doubles(outRow, 0), 1);
            }
            return;
        }
        INDArray row = (ones.length() == rows ? ones : ones.get(NDArrayIndex.interval(0, rows))).reshape('c', 1, rows);
        mm(row, m, outRow, false, false, 1.0, 1.0);
    }

    /**
     * Batched product over the leading dimension of rank-3 arrays:
     * {@code c[i] = alpha * op(a[i]) * op(b[i]) + beta * c[i]}, no allocation.
     */
    public static INDArray bmm(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB,
                               double alpha, double beta) {
        if (a.rank() != 3 || b.rank() != 3 || c.rank() != 3 || a.size(0) != c.size(0) || b.size(0) != c.size(0)) {
            throw new IllegalArgumentException("bmm needs rank-3 arrays with one batch size, got " + Arrays.toString(a.shape())
                    + ", " + Arrays.toString(b.shape()) + " -> " + Arrays.toString(c.shape()));
        }
        long m = c.size(1);
        long n = c.size(2);
        long k = transA ? a.size(1) : a.size(2);
        if ((transA ? a.size(2) : a.size(1)) != m || (transB ? b.size(2) : b.size(1)) != k || (transB ? b.size(1) : b.size(2)) != n) {
            throw new IllegalArgumentException("bmm shapes do not match: " + Arrays.toString(a.shape()) + (transA ? "^T" : "")
                    + " x " + Arrays.toString(b.shape()) + (transB ? "^T" : "") + " -> " + Arrays.toString(c.shape()));
        }
        if (rowsDirect(a, b, c)) {
            // One pointer per array, moved along the batch: making pointers (a JNI call each) per
            // product cost as much as the small products themselves.
            Pointer pa = pointer(a), pb = pointer(b), pc = pointer(c);
            long a0 = pa.position(), b0 = pb.position(), c0 = pc.position();
            for (long i = 0; i < c.size(0); i++) {
                pa.position(a0 + i * a.stride(0));
                pb.position(b0 + i * b.stride(0));
                pc.position(c0 + i * c.stride(0));
                blas(pa, pb, pc, a.stride(1), b.stride(1), c.stride(1), c.dataType(), transA, transB, (int) m, (int) n, (int) k,
                        alpha, beta);
            }
            return c;
        }
        Nd4j.exec(new Mmul(a, b, c, alpha, beta,
                MMulTranspose.builder().transposeA(transA).transposeB(transB).build()));
        return c;
    }

    private static String opShape(INDArray x, boolean trans) {
        return trans ? "[" + x.size(1) + ", " + x.size(0) + "]" : Arrays.toString(x.shape());
    }

    /**
     * Whether {@code a, b, c} can go to BLAS directly: the CPU backend, all FLOAT or all DOUBLE,
     * each matrix row-major with unit column stride (the last dim) and sizes that fit BLAS' ints.
     */
    private static boolean rowsDirect(INDArray a, INDArray b, INDArray c) {
        if (!direct) {
            return false;
        }
        DataType dt = c.dataType();
        if ((dt != DataType.FLOAT && dt != DataType.DOUBLE) || a.dataType() != dt || b.dataType() != dt) {
            return false;
        }
        return rowMajor(a) && rowMajor(b) && rowMajor(c);
    }

    private static boolean rowMajor(INDArray x) {
        int r = x.rank();
        long cols = x.size(r - 1);
        long ld = x.stride(r - 2);
        return (x.stride(r - 1) == 1 || cols == 1) && ld >= Math.max(1, cols) && ld <= Integer.MAX_VALUE
                && x.size(r - 2) <= Integer.MAX_VALUE && cols <= Integer.MAX_VALUE && !x.isEmpty();
    }

    /** One row-major {@code cblas_?gemm} on the matrices at the pointers' positions, with leading dimensions {@code ld*}. */
    private static void blas(Pointer a, Pointer b, Pointer c, long lda, long ldb, long ldc, DataType dt, boolean transA,
                             boolean transB, int m, int n, int k, double alpha, double beta) {
        int ta = transA ? TRANS : NO_TRANS;
        int tb = transB ? TRANS : NO_TRANS;
        if (dt == DataType.FLOAT) {
            openblas_nolapack.cblas_sgemm(ROW_MAJOR, ta, tb, m, n, k, (float) alpha, (FloatPointer) a, (int) lda, (FloatPointer) b,
                    (int) ldb, (float) beta, (FloatPointer) c, (int) ldc);
        } else {
            openblas_nolapack.cblas_dgemm(ROW_MAJOR, ta, tb, m, n, k, alpha, (DoublePointer) a, (int) lda, (DoublePointer) b,
                    (int) ldb, beta, (DoublePointer) c, (int) ldc);
        }
    }

    /** A FloatPointer or DoublePointer at {@code x}'s first element. */
    private static Pointer pointer(INDArray x) {
        return x.dataType() == DataType.FLOAT ? floats(x, 0) : doubles(x, 0);
    }

    // data().pointer() is the start of the whole allocation; offset() counts elements from it (views included).
    private static FloatPointer floats(INDArray x, long extra) {
        return new FloatPointer(x.data().pointer()).position(x.offset() + extra);
    }

    private static DoublePointer doubles(INDArray x, long extra) {
        return new DoublePointer(x.data().pointer()).position(x.offset() + extra);
    }
}
