package io.github.jepa4j.core.nn;

import io.github.jepa4j.core.tensor.Kernels;
import io.github.jepa4j.core.tensor.Scratch;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Exact GELU (PyTorch's default, not the tanh approximation):
 * {@code y = 0.5 x (1 + erf(x / sqrt 2))}, {@code dy/dx = 0.5 (1 + erf(x / sqrt 2)) + x phi(x)}
 * with {@code phi(x) = exp(-x^2 / 2) / sqrt(2 pi)}.
 *
 * <p>On the CPU backend with FLOAT/DOUBLE contiguous tensors both passes are single fused
 * {@link Kernels} calls that read {@code x} (backward recomputes the derivative from it, nothing
 * is kept); otherwise (e.g. CUDA) composed ND4J ops, with {@code erf(x/sqrt 2)} kept for backward.
 */
public final class Gelu implements Layer {
    private static final int Y = 0, ERF = 1, DX = 2, TMP = 3;
    private static final double INV_SQRT2 = 1.0 / Math.sqrt(2.0);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);

    private final Scratch scratch = new Scratch(4);
    private INDArray x;
    /** erf(x / sqrt 2) of the last forward, or null when the kernel path ran (not needed then). */
    private INDArray erf;

    @Override
    public INDArray forward(INDArray x) {
        this.x = x;
        var dt = x.dataType();
        long[] shape = x.shape();
        INDArray y = scratch.get(Y, dt, shape);
        if (Kernels.supports(x, y)) {
            erf = null;
            Kernels.geluForward(x, y);
            return y;
        }
        computeErf();
        y.assign(erf).addi(1.0).muli(x).muli(0.5);
        return y;
    }

    private void computeErf() {
        erf = scratch.get(ERF, x.dataType(), x.shape());
        erf.assign(x).muli(INV_SQRT2);
        Nd4j.exec(new Erf(erf, erf));
    }

    @Override
    public INDArray backward(INDArray gradOut) {
        if (x == null) {
            throw new IllegalStateException("backward before forward");
        }
        var dt = gradOut.dataType();
        long[] shape = x.shape();
        INDArray dx = scratch.get(DX, dt, shape);
        if (Kernels.supports(x, gradOut, dx) && gradOut.length() == x.length()) {
            Kernels.geluBackward(x, gradOut, dx);
            return dx;
        }
        if (erf == null) {
            computeErf();
        }
        INDArray tmp = scratch.get(TMP, dt, shape);
        // tmp = x * phi(x)
        tmp.assign(x).muli(x).muli(-0.5);
        Transforms.exp(tmp, false);
        tmp.muli(x).muli(INV_SQRT_2PI);
        dx.assign(erf).addi(1.0).muli(0.5).addi(tmp).muli(gradOut);
        return dx;
    }
}
