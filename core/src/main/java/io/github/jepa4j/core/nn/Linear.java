package io.github.jepa4j.core.nn;

import io.github.jepa4j.core.tensor.Gemm;
import io.github.jepa4j.core.tensor.Scratch;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Fully connected layer {@code y = x W^T + b}.
 *
 * <p>Shapes: {@code x [..., in]}, {@code W [out, in]} (PyTorch layout), {@code b [out]},
 * {@code y [..., out]}. Backward: {@code dW += g^T x}, {@code db += sum_rows g},
 * {@code dx = g W}. Weights are initialised truncated-normal (std 0.02), biases zero, as in
 * timm and I-JEPA; weights are decayed, biases are not.
 */
public final class Linear implements Layer {
    private static final int OUT = 0;
    private static final int GRAD_IN = 1;

    private final int in;
    private final int out;
    private final Param weight;
    private final Param bias;
    private final Scratch scratch = new Scratch(2);
    private INDArray x2d;
    private long[] inShape;

    public Linear(ParamStore store, String name, int in, int out, boolean bias) {
        this(store, name, in, out, bias, Init.truncNormal(0.02));
    }

    public Linear(ParamStore store, String name, int in, int out, boolean bias, Init weightInit) {
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException("Linear '" + name + "' needs positive sizes, got in=" + in + " out=" + out);
        }
        this.in = in;
        this.out = out;
        this.weight = store.add(name + ".weight", new long[] {out, in}, true, weightInit);
        this.bias = bias ? store.add(name + ".bias", new long[] {out}, false, Init.zeros()) : null;
    }

    public int in() {
        return in;
    }

    public int out() {
        return out;
    }

    public Param weight() {
        return weight;
    }

    /** The bias, or null when built without one. */
    public Param bias() {
        return bias;
    }

    @Override
    public INDArray forward(INDArray x) {
        if (x.size(x.rank() - 1) != in) {
            throw new IllegalArgumentException("Linear expects input [..., " + in + "], got " + Arrays.toString(x.shape()));
        }
        inShape = x.shape();
        x2d = Layer.rows(x);
        long rows = x2d.size(0);
        INDArray y = scratch.get(OUT, x.dataType(), rows, out);
        Gemm.affine(x2d, weight.value(), bias == null ? null : bias.value(), y);
        long[] outShape = inShape.clone();
        outShape[outShape.length - 1] = out;
        return y.reshape('c', outShape);
    }

    @Override
    public INDArray backward(INDArray gradOut) {
        if (x2d == null) {
            throw new IllegalStateException("backward before forward");
        }
        INDArray g = Layer.rows(gradOut);
        if (g.size(0) != x2d.size(0) || g.size(1) != out) {
            throw new IllegalArgumentException("Linear gradient must be [" + x2d.size(0) + ", " + out + "], got " + Arrays.toString(gradOut.shape()));
        }
        // dW and the bias sums are not needed until the update: deferred inside a WeightGradients scope.
        INDArray x = x2d;
        WeightGradients.run(() -> {
            Gemm.mm(g, x, weight.grad(), true, false, 1.0, 1.0);
            if (bias != null) {
                Gemm.addColumnSums(g, bias.grad());
            }
        });
        INDArray dx = scratch.get(GRAD_IN, g.dataType(), g.size(0), in);
        Gemm.mm(g, weight.value(), dx, false, false);
        return dx.reshape('c', inShape);
    }
}
