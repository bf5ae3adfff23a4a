package io.github.jepa4j.regularizers.nn;

import io.github.jepa4j.core.nn.Init;
import io.github.jepa4j.core.nn.Layer;
import io.github.jepa4j.core.nn.Linear;
import io.github.jepa4j.core.nn.ParamStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A projection/prediction head on embeddings {@code [rows, in]}:
 * {@code (Linear -> BatchNorm1d -> ReLU) x k -> Linear}, with {@code k = hidden.size()}. This is the
 * VICReg expander (Bardes et al. 2022: {@code 8192-8192-8192}, last layer without bias) and the BYOL
 * projector/predictor (Grill et al. 2020: {@code Linear-BN-ReLU-Linear}).
 *
 * <p>Parameter names follow PyTorch's {@code nn.Sequential} indices under {@code prefix}:
 * block {@code i} is {@code prefix.(3i)} (Linear, weight only), {@code prefix.(3i+1)} (BatchNorm
 * weight/bias), ReLU at {@code 3i+2}; the last Linear is {@code prefix.(3k)}.
 *
 * <p>Differences from the PyTorch references, on purpose: the Linear layers in front of a batch
 * norm have no bias (the batch norm subtracts it again, so its gradient is exactly zero and it
 * would only be dead weight); weights are initialised as PyTorch's default {@code nn.Linear}
 * (uniform in {@code +-1/sqrt(fan_in)}; final bias, if any, zero).
 *
 * <p>{@link #forward(INDArray, int)} with {@code groups = 2} runs two views stacked along the batch
 * ({@code [a; b]}) in one pass with per-view batch statistics (see {@link BatchNorm1d}). Follows
 * core's {@link Layer} contract (owned outputs, accumulated parameter gradients, no per-call
 * allocation after warm-up).
 */
public final class MlpHead implements Layer {
    private final int in;
    private final int out;
    private final List<Layer> layers = new ArrayList<>();
    private final List<BatchNorm1d> norms = new ArrayList<>();

    /**
     * @param store     where the parameters are registered (before it is allocated)
     * @param prefix    parameter name prefix, e.g. {@code anticollapse.vicreg.expander}
     * @param in        input width
     * @param hidden    widths of the {@code Linear-BN-ReLU} blocks (may be empty)
     * @param out       output width of the last Linear
     * @param finalBias whether the last Linear has a bias (VICReg: no; BYOL: yes)
     */
    public MlpHead(ParamStore store, String prefix, int in, List<Integer> hidden, int out, boolean finalBias) {
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException("MlpHead '" + prefix + "' needs positive widths, got in=" + in + " out=" + out);
        }
        this.in = in;
        this.out = out;
        int width = in;
        int idx = 0;
        for (Integer h : hidden) {
            if (h == null || h <= 0) {
                throw new IllegalArgumentException("MlpHead '" + prefix + "' hidden widths must be positive, got " + hidden);
            }
            layers.add(new Linear(store, prefix + "." + idx, width, h, false, torchDefault(width)));
            BatchNorm1d bn = new BatchNorm1d(store, prefix + "." + (idx + 1), h);
            layers.add(bn);
            norms.add(bn);
            layers.add(new Relu());
            width = h;
            idx += 3;
        }
        layers.add(new Linear(store, prefix + "." + idx, width, out, finalBias, torchDefault(width)));
    }

    /** PyTorch's default {@code nn.Linear} weight init: uniform in {@code +-1/sqrt(fan_in)}. */
    static Init torchDefault(int fanIn) {
        double bound = 1.0 / Math.sqrt(fanIn);
        return (v, shape, rng) -> {
            for (int i = 0; i < v.length; i++) {
                v[i] = (2 * rng.nextDouble() - 1) * bound;
            }
        };
    }

    public int in() {
        return in;
    }

    public int out() {
        return out;
    }

    /** The layers in order (Linear, BatchNorm1d, Relu, ..., Linear). */
    public List<Layer> layers() {
        return Collections.unmodifiableList(layers);
    }

    /** One batch ({@code groups = 1}). */
    @Override
    public INDArray forward(INDArray x) {
        return forward(x, 1);
    }

    /** {@code x [rows, in]}, rows split into {@code groups} equally sized views for the batch statistics. */
    public INDArray forward(INDArray x, int groups) {
        if (x.rank() != 2 || x.size(1) != in) {
            throw new IllegalArgumentException("MlpHead expects input [rows, " + in + "], got " + Arrays.toString(x.shape()));
        }
        for (BatchNorm1d bn : norms) {
            bn.setGroups(groups);
        }
        INDArray h = x;
        for (Layer l : layers) {
            h = l.forward(h);
        }
        return h;
    }

    @Override
    public INDArray backward(INDArray gradOut) {
        INDArray g = gradOut;
        for (int i = layers.size() - 1; i >= 0; i--) {
            g = layers.get(i).backward(g);
        }
        return g;
    }
}
