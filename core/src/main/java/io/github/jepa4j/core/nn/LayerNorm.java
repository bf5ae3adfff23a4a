package io.github.jepa4j.core.nn;

import io.github.jepa4j.core.tensor.Kernels;
import io.github.jepa4j.core.tensor.Scratch;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Layer normalisation over the last dimension.
 *
 * <p>{@code y = (x - mean(x)) / sqrt(var(x) + eps) * gamma + beta}, biased variance, per row of
 * {@code x [..., dim]}. With {@code affine = false} there is no gamma/beta (the I-JEPA target
 * normalisation). Backward with {@code xhat} the normalised input and {@code gh = g * gamma}:
 * {@code dx = rstd * (gh - mean(gh) - xhat * mean(gh * xhat))}, {@code dgamma += sum_rows(g * xhat)},
 * {@code dbeta += sum_rows(g)}. {@code eps} is typically 1e-6 (I-JEPA) or 1e-5 (PyTorch default).
 *
 * <p>On the CPU backend with FLOAT/DOUBLE contiguous tensors each pass is one fused
 * {@link Kernels} call (forward keeps per-row mean and rstd; backward recomputes {@code xhat} from
 * the input). Otherwise (e.g. CUDA) it is composed from primitive ND4J ops into scratch buffers
 * (the fused {@code layer_norm_bp} op was measured 15-25 ms on [3136,128]).
 */
public final class LayerNorm implements Layer {
    private static final int Y = 0, XHAT = 1, RSTD = 2, TMP = 3, ROWVEC = 4, DX = 5, COLVEC = 6, MEAN = 7;

    private final int dim;
    private final double eps;
    private final Param gamma;
    private final Param beta;
    private final Scratch scratch = new Scratch(8);
    /** The last forward's input as [rows, dim]. */
    private INDArray x2;
    /** xhat of the last forward, or null after a kernel forward (backward recomputes it). */
    private INDArray xhat;
    private INDArray mean;
    private INDArray rstd;
    private long[] inShape;

    public LayerNorm(ParamStore store, String name, int dim, double eps, boolean affine) {
        if (dim <= 0) {
            throw new IllegalArgumentException("LayerNorm '" + name + "' needs dim > 0, got " + dim);
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("LayerNorm '" + name + "' needs eps > 0, got " + eps);
        }
        this.dim = dim;
        this.eps = eps;
        if (affine) {
            this.gamma = store.add(name + ".weight", new long[] {dim}, false, Init.ones());
            this.beta = store.add(name + ".bias", new long[] {dim}, false, Init.zeros());
        } else {
            this.gamma = null;
            this.beta = null;
        }
    }

    /** A LayerNorm without parameters (no store needed). */
    public static LayerNorm plain(int dim, double eps) {
        return new LayerNorm(null, "plain", dim, eps, false);
    }

    public int dim() {
        return dim;
    }

    public double eps() {
        return eps;
    }

    @Override
    public INDArray forward(INDArray x) {
        if (x.size(x.rank() - 1) != dim) {
            throw new IllegalArgumentException("LayerNorm expects input [..., " + dim + "], got " + Arrays.toString(x.shape()));
        }
        inShape = x.shape();
        x2 = Layer.rows(x);
        long rows = x2.size(0);
        var dt = x.dataType();
        rstd = scratch.get(RSTD, dt, rows);
        mean = scratch.get(MEAN, dt, rows);
        INDArray y = scratch.get(Y, dt, rows, dim);
        INDArray g = gamma == null ? null : gamma.value();
        INDArray b = beta == null ? null : beta.value();
        if (Kernels.supports(x2, g, b, y, mean, rstd)) {
            xhat = null;
            Kernels.layerNormForward(x2, g, b, eps, y, mean, rstd);
            return y.reshape('c', inShape);
        }
        xhat = scratch.get(XHAT, dt, rows, dim);
        x2.mean(mean, 1);
        xhat.assign(x2).subiColumnVector(mean);
        INDArray sq = scratch.get(TMP, dt, rows, dim);
        sq.assign(xhat).muli(xhat);
        sq.mean(rstd, 1);
        rstd.addi(eps);
        Transforms.sqrt(rstd, false).rdivi(1.0);
        xhat.muliColumnVector(rstd);
        y.assign(xhat);
        if (gamma != null) {
            y.muliRowVector(gamma.value()).addiRowVector(beta.value());
        }
        return y.reshape('c', inShape);
    }

    @Override
    public INDArray backward(INDArray gradOut) {
        return backward(gradOut, null);
    }

    /**
     * {@code residual + backward(gradOut)}: the gradient a pre-norm block's residual branch adds to
     * this LayerNorm's input gradient, summed in the same pass on the kernel path (the same bits as
     * the separate add). {@code residual} has the input's shape and is not modified; null: none.
     */
    public INDArray backwardAdd(INDArray gradOut, INDArray residual) {
        return backward(gradOut, residual);
    }

    private INDArray backward(INDArray gradOut, INDArray residual) {
        if (x2 == null) {
            throw new IllegalStateException("backward before forward");
        }
        if (residual != null && residual.length() != x2.length()) {
            throw new IllegalArgumentException("LayerNorm residual gradient must have the input's shape "
                    + Arrays.toString(inShape) + ", got " + Arrays.toString(residual.shape()));
        }
        INDArray g = Layer.rows(gradOut);
        var dt = g.dataType();
        long rows = g.size(0);
        if (g.length() != x2.length() || g.size(1) != dim) {
            throw new IllegalArgumentException("LayerNorm gradient must have the input's shape "
                    + Arrays.toString(inShape) + ", got " + Arrays.toString(gradOut.shape()));
        }
        INDArray dx = scratch.get(DX, dt, rows, dim);
        INDArray gv = gamma == null ? null : gamma.value();
        INDArray dg = gamma == null ? null : gamma.grad();
        INDArray db = beta == null ? null : beta.grad();
        INDArray r = residual == null ? null : Layer.rows(residual);
        if (Kernels.supports(x2, mean, rstd, gv, g, r, dx, dg, db)) {
            Kernels.layerNormBackward(x2, mean, rstd, gv, g, r, dx, dg, db);
            return dx.reshape('c', inShape);
        }
        if (xhat == null) {
            // The forward ran the kernel; rebuild xhat for the composed path.
            xhat = scratch.get(XHAT, dt, rows, dim);
            xhat.assign(x2).subiColumnVector(mean).muliColumnVector(rstd);
        }
        INDArray tmp = scratch.get(TMP, dt, rows, dim);
        if (gamma != null) {
            INDArray rowVec = scratch.get(ROWVEC, dt, dim);
            tmp.assign(g).muli(xhat);
            tmp.sum(rowVec, 0);
            gamma.grad().addi(rowVec);
            g.sum(rowVec, 0);
            beta.grad().addi(rowVec);
        }
        dx.assign(g);
        if (gamma != null) {
            dx.muliRowVector(gamma.value());
        }
        // dx currently holds gh = g * gamma.
        INDArray colVec = scratch.get(COLVEC, dt, rows);
        tmp.assign(dx).muli(xhat);
        tmp.mean(colVec, 1);                  // mean(gh * xhat)
        tmp.assign(xhat).muliColumnVector(colVec);
        dx.subi(tmp);                         // gh - xhat * mean(gh * xhat)
        dx.mean(colVec, 1);                   // mean of that = mean(gh) (xhat has zero mean)
        dx.subiColumnVector(colVec);
        dx.muliColumnVector(rstd);
        if (r != null) {
            r.add(dx, dx);
        }
        return dx.reshape('c', inShape);
    }
}
