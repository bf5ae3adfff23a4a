package io.github.jepa4j.core.loss;

import io.github.jepa4j.core.tensor.Scratch;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Regression loss between predicted and target representations, averaged over all elements.
 *
 * <p>With {@code d = pred - target} and {@code n} elements:
 * <ul>
 *   <li>{@link Kind#SMOOTH_L1} (I-JEPA, beta = 1): {@code l = 0.5 d^2 / beta} if {@code |d| < beta},
 *       else {@code |d| - 0.5 beta}; computed as {@code c (d - 0.5 c) / beta} with
 *       {@code c = clip(d, -beta, beta)}, whose gradient is {@code c / beta}.</li>
 *   <li>{@link Kind#L1} (V-JEPA): {@code |d|}, gradient {@code sign(d)}.</li>
 *   <li>{@link Kind#MSE}: {@code d^2}, gradient {@code 2 d}.</li>
 * </ul>
 * Targets are normalised by the caller (see {@link TargetNorm}): JEPAs regress layer-normed,
 * stop-gradient target-encoder features. Scratch buffers are reused across calls.
 */
public final class PredictionLoss {
    /** The element-wise penalty. */
    public enum Kind { SMOOTH_L1, L1, MSE }

    private static final int DIFF = 0, CLIP = 1;

    private final Kind kind;
    private final double beta;
    private final Scratch scratch = new Scratch(2);

    public PredictionLoss(Kind kind) {
        this(kind, 1.0);
    }

    /** {@code beta} is the smooth-L1 transition point (ignored by the other kinds). */
    public PredictionLoss(Kind kind, double beta) {
        if (!(beta > 0)) {
            throw new IllegalArgumentException("smooth-L1 beta must be > 0, got " + beta);
        }
        this.kind = kind;
        this.beta = beta;
    }

    public Kind kind() {
        return kind;
    }

    /**
     * Returns the mean loss and writes {@code d loss / d pred} (times {@code weight}) into
     * {@code gradPred}, which must have pred's shape (it is overwritten, not accumulated).
     */
    public double compute(INDArray pred, INDArray target, INDArray gradPred, double weight) {
        if (!Arrays.equals(pred.shape(), target.shape())) {
            throw new IllegalArgumentException("prediction " + Arrays.toString(pred.shape())
                    + " and target " + Arrays.toString(target.shape()) + " must have the same shape");
        }
        if (gradPred != null && !Arrays.equals(pred.shape(), gradPred.shape())) {
            throw new IllegalArgumentException("gradient buffer " + Arrays.toString(gradPred.shape())
                    + " must have the prediction's shape " + Arrays.toString(pred.shape()));
        }
        long n = pred.length();
        if (n == 0) {
            throw new IllegalArgumentException("empty prediction: there are no target tokens to predict");
        }
        var dt = pred.dataType();
        INDArray d = scratch.get(DIFF, dt, pred.shape());
        d.assign(pred).subi(target);
        double loss;
        switch (kind) {
            case SMOOTH_L1 -> {
                INDArray c = scratch.get(CLIP, dt, pred.shape());
                c.assign(d);
                Transforms.min(c, beta, false);
                Transforms.max(c, -beta, false);
                if (gradPred != null) {
                    gradPred.assign(c).muli(weight / (beta * n));
                }
                // d <- c * (2d - c) = 2 c (d - 0.5 c), twice the element-wise smooth-L1 value times beta, in
                // place (no temporary: the step's second half runs outside any workspace). Doubling is
                // exact in floating point, so the sum is bit for bit twice that of c * (d - 0.5 c).
                d.muli(2.0).subi(c).muli(c);
                loss = d.sumNumber().doubleValue() / (2.0 * beta * n);
            }
            case L1 -> {
                if (gradPred != null) {
                    gradPred.assign(d);
                    Transforms.sign(gradPred, false).muli(weight / n);
                }
                loss = d.norm1Number().doubleValue() / n;
            }
            case MSE -> {
                if (gradPred != null) {
                    gradPred.assign(d).muli(2.0 * weight / n);
                }
                loss = d.muli(d).sumNumber().doubleValue() / n;
            }
            default -> throw new IllegalStateException(kind.toString());
        }
        return loss * weight;
    }

    /** Parses "smooth_l1", "l1" or "mse" (case-insensitive). */
    public static Kind parse(String name) {
        for (Kind k : Kind.values()) {
            if (k.name().equalsIgnoreCase(name.replace('-', '_'))) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown prediction loss '" + name + "'; valid: smooth_l1, l1, mse");
    }
}
