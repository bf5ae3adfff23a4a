package io.github.jepa4j.core.loss;

import io.github.jepa4j.core.nn.LayerNorm;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The JEPA target normalisation: layer norm over the feature dimension without affine
 * parameters ({@code F.layer_norm(h, (D,))} in I-JEPA and V-JEPA, eps 1e-5). Applied to the
 * stop-gradient target-encoder output, so it has no backward.
 */
public final class TargetNorm {
    /** PyTorch's {@code F.layer_norm} default. */
    public static final double DEFAULT_EPS = 1e-5;

    private final LayerNorm norm;

    public TargetNorm(int dim) {
        this(dim, DEFAULT_EPS);
    }

    public TargetNorm(int dim, double eps) {
        this.norm = LayerNorm.plain(dim, eps);
    }

    /** Normalised copy of {@code h [..., D]} in a buffer owned by this object (valid until next call). */
    public INDArray apply(INDArray h) {
        return norm.forward(h);
    }
}
