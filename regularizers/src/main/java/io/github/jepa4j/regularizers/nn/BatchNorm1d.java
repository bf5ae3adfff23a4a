package io.github.jepa4j.regularizers.nn;

import io.github.jepa4j.core.nn.Init;
import io.github.jepa4j.core.nn.Layer;
import io.github.jepa4j.core.nn.Param;
import io.github.jepa4j.core.nn.ParamStore;
import io.github.jepa4j.core.tensor.Scratch;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastSubOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Batch normalisation over the rows of {@code x [rows, dim]} (or {@code [..., dim]}, viewed as
 * rows), in training mode: every call normalises with the statistics of its own batch, as
 * PyTorch's {@code BatchNorm1d} in {@code train()} mode (Ioffe and Szegedy, ICML 2015):
 *
 * <pre>
 *   mean_j = (1/n) sum_i x_ij,   var_j = (1/n) sum_i (x_ij - mean_j)^2        (biased, as PyTorch normalises)
 *   xhat = (x - mean) / sqrt(var + eps),   y = gamma * xhat + beta
 * </pre>
 *
 * Defaults: {@code eps = 1e-5}, {@code gamma = 1}, {@code beta = 0} (not decayed). There are no
 * running statistics: the heads that use this layer (VICReg expander, BYOL predictor) exist only
 * during training, where PyTorch also uses batch statistics.
 *
 * <p><b>Groups.</b> With {@link #setGroups(int) groups} {@code G > 1} the rows are split into
 * {@code G} equal consecutive blocks, each normalised with its own statistics (gamma and beta
 * shared). Two views concatenated along the batch ({@code [a; b]}) then go through a head in one
 * pass with exactly the per-view statistics that two separate PyTorch calls would use.
 *
 * <p>Backward, per group and column, with {@code gh = g * gamma}:
 * {@code dx = rstd * (gh - mean(gh) - xhat * mean(gh * xhat))}, {@code dgamma += sum_rows(g * xhat)},
 * {@code dbeta += sum_rows(g)}. Needs at least 2 rows per group (one row has no variance;
 * PyTorch refuses it too).
 */
public final class BatchNorm1d implements Layer {
    public static final double DEFAULT_EPS = 1e-5;

    private static final int Y = 0, XHAT = 1, MEAN = 2, RSTD = 3, TMP = 4, DX = 5, ROWVEC = 6;

    private final String name;
    private final int dim;
    private final double eps;
    private final Param gamma;
    private final Param beta;
    private final Scratch scratch = new Scratch(7);
    private int groups = 1;
    private INDArray xhat;
    private INDArray rstd;
    private long[] inShape;
    private int fwdGroups;

    /** Affine batch norm with {@code eps = 1e-5}; registers {@code name.weight} (gamma) and {@code name.bias} (beta). */
    public BatchNorm1d(ParamStore store, String name, int dim) {
        this(store, name, dim, DEFAULT_EPS, true);
    }

    public BatchNorm1d(ParamStore store, String name, int dim, double eps, boolean affine) {
        if (dim <= 0) {
            throw new IllegalArgumentException("BatchNorm1d '" + name + "' needs dim > 0, got " + dim);
        }
        if (!(eps > 0) || !Double.isFinite(eps)) {
            throw new IllegalArgumentException("BatchNorm1d '" + name + "' needs a finite eps > 0, got " + eps);
        }
        this.name = name;
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

    public int dim() {
        return dim;
    }

    public double eps() {
        return eps;
    }

    public int groups() {
        return groups;
    }

    /** Rows of the next forward are split into {@code groups} equal blocks normalised separately. */
    public void setGroups(int groups) {
        if (groups < 1) {
            throw new IllegalArgumentException("BatchNorm1d '" + name + "': groups must be >= 1, got " + groups);
        }
        this.groups = groups;
    }

    @Override
    public INDArray forward(INDArray x) {
        if (x.rank() < 2 || x.size(x.rank() - 1) != dim) {
            throw new IllegalArgumentException("BatchNorm1d '" + name + "' expects input [..., " + dim + "], got "
                    + Arrays.toString(x.shape()));
        }
        INDArray x2 = Layer.rows(x);
        long rows = x2.size(0);
        if (rows % groups != 0 || rows / groups < 2) {
            throw new IllegalArgumentException("BatchNorm1d '" + name + "' needs at least 2 rows per group to estimate a"
                    + " variance, got " + rows + " rows in " + groups + " group(s) (input " + Arrays.toString(x.shape()) + ")");
        }
        inShape = x.shape();
        fwdGroups = groups;
        long n = rows / groups;
        var dt = x.dataType();
        xhat = scratch.get(XHAT, dt, groups, n, dim);
        INDArray mean = scratch.get(MEAN, dt, groups, dim);
        rstd = scratch.get(RSTD, dt, groups, dim);
        xhat.reshape('c', rows, dim).assign(x2);
        xhat.mean(mean, 1);
        Nd4j.exec(new BroadcastSubOp(xhat, mean, xhat, 0, 2));
        INDArray sq = scratch.get(TMP, dt, groups, n, dim);
        sq.assign(xhat).muli(xhat);
        sq.mean(rstd, 1);                                        // biased variance
        rstd.addi(eps);
        Transforms.sqrt(rstd, false).rdivi(1.0);
        Nd4j.exec(new BroadcastMulOp(xhat, rstd, xhat, 0, 2));
        INDArray y = scratch.get(Y, dt, rows, dim);
        y.assign(xhat.reshape('c', rows, dim));
        if (gamma != null) {
            y.muliRowVector(gamma.value()).addiRowVector(beta.value());
        }
        return y.reshape('c', inShape);
    }

    @Override
    public INDArray backward(INDArray gradOut) {
        if (xhat == null) {
            throw new IllegalStateException("BatchNorm1d '" + name + "': backward before forward");
        }
        INDArray g = Layer.rows(gradOut);
        long rows = xhat.size(0) * xhat.size(1);
        if (g.size(0) != rows || g.size(1) != dim) {
            throw new IllegalArgumentException("BatchNorm1d '" + name + "' gradient must be [" + rows + ", " + dim + "], got "
                    + Arrays.toString(gradOut.shape()));
        }
        var dt = g.dataType();
        long n = rows / fwdGroups;
        INDArray xhat2 = xhat.reshape('c', rows, dim);
        INDArray tmp = scratch.get(TMP, dt, fwdGroups, n, dim);
        INDArray tmp2 = tmp.reshape('c', rows, dim);
        if (gamma != null) {
            INDArray rowVec = scratch.get(ROWVEC, dt, dim);
            tmp2.assign(g).muli(xhat2);
            tmp2.sum(rowVec, 0);
            gamma.grad().addi(rowVec);
            g.sum(rowVec, 0);
            beta.grad().addi(rowVec);
        }
        INDArray dx = scratch.get(DX, dt, fwdGroups, n, dim);
        INDArray dx2 = dx.reshape('c', rows, dim);
        dx2.assign(g);
        if (gamma != null) {
            dx2.muliRowVector(gamma.value());                    // gh = g * gamma
        }
        INDArray stat = scratch.get(MEAN, dt, fwdGroups, dim);
        tmp.assign(dx).muli(xhat);
        tmp.mean(stat, 1);                                       // mean(gh * xhat) per group
        tmp.assign(xhat);
        Nd4j.exec(new BroadcastMulOp(tmp, stat, tmp, 0, 2));
        dx.subi(tmp);                                            // gh - xhat * mean(gh * xhat)
        dx.mean(stat, 1);                                        // = mean(gh): xhat has zero mean per group
        Nd4j.exec(new BroadcastSubOp(dx, stat, dx, 0, 2));
        Nd4j.exec(new BroadcastMulOp(dx, rstd, dx, 0, 2));
        return dx2.reshape('c', inShape);
    }
}
