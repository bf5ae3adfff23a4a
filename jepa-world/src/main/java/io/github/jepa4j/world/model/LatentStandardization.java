package io.github.jepa4j.world.model;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The per-feature standardisation that turns the frozen encoder's embedding {@code e} into the
 * world model's latent {@code z}:
 *
 * <pre>
 *   z_i = (e_i - mean_i) / std_i        mean, std [d] over all training frames (std floored at 1e-6)
 * </pre>
 * Why: the encoder's final LayerNorm puts every frame on the unit per-frame scale, but the
 * position features vary little across frames (per-feature std about 0.05 for the default recipe),
 * so a one-step change is a tiny target next to the optimiser's noise and the predictor barely
 * beats "no change". Standardising each feature over the training frames gives the predictor
 * inputs and targets of unit variance (and L1 planning energies in which every feature counts
 * alike). V-JEPA 2-AC layer-norms each target token instead; with one pooled 16-wide latent the
 * statistic that matters is the spread across frames, which only a per-feature standardisation fixes.
 * {@link #identity} (mean 0, std 1) leaves embeddings unchanged (joint training, old checkpoints).
 */
public final class LatentStandardization {
    private static final double MIN_STD = 1e-6;
    private final INDArray mean;
    private final INDArray std;

    /** {@code mean} and {@code std} of shape {@code [d]} (copied; std must be positive). */
    public LatentStandardization(INDArray mean, INDArray std) {
        if (mean == null || std == null || mean.length() != std.length() || mean.length() == 0) {
            throw new IllegalArgumentException("mean and std must be non-empty vectors of the same length, got "
                    + (mean == null ? "null" : Arrays.toString(mean.shape())) + " and " + (std == null ? "null" : Arrays.toString(std.shape())));
        }
        if (std.minNumber().doubleValue() <= 0) {
            throw new IllegalArgumentException("std must be positive, min is " + std.minNumber());
        }
        this.mean = mean.castTo(DataType.DOUBLE).reshape(1, mean.length()).dup();
        this.std = std.castTo(DataType.DOUBLE).reshape(1, std.length()).dup();
    }

    /** Mean 0, std 1: the embedding itself. */
    public static LatentStandardization identity(int d) {
        return new LatentStandardization(Nd4j.zeros(DataType.DOUBLE, d), Nd4j.ones(DataType.DOUBLE, d));
    }

    /** Fits mean and std over all rows of {@code e} ({@code [..., d]}: every leading index is one frame). */
    public static LatentStandardization fit(INDArray e) {
        if (e.rank() < 2) {
            throw new IllegalArgumentException("embeddings must be [..., d], got " + Arrays.toString(e.shape()));
        }
        long d = e.size(e.rank() - 1);
        INDArray flat = e.castTo(DataType.DOUBLE).reshape('c', e.length() / d, d);
        if (flat.size(0) < 2) {
            throw new IllegalArgumentException("need at least 2 frames to fit a standardisation, got " + flat.size(0));
        }
        INDArray s = flat.std(false, 0);
        Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.impl.scalar.ScalarMax(s, MIN_STD));
        return new LatentStandardization(flat.mean(0), s);
    }

    public int dim() {
        return (int) mean.length();
    }

    /** The per-feature mean {@code [d]} (a copy). */
    public INDArray mean() {
        return mean.reshape(mean.length()).dup();
    }

    /** The per-feature std {@code [d]} (a copy). */
    public INDArray std() {
        return std.reshape(std.length()).dup();
    }

    /** Standardises {@code e [..., d]} in place and returns it. */
    public INDArray applyInPlace(INDArray e) {
        long d = e.size(e.rank() - 1);
        if (d != dim()) {
            throw new IllegalArgumentException("embedding width " + d + " differs from the standardisation's " + dim());
        }
        INDArray m = mean.castTo(e.dataType());
        INDArray s = std.castTo(e.dataType());
        if (e.rank() == 2) {
            e.subiRowVector(m).diviRowVector(s);
        } else {
            INDArray flat = e.dup('c').reshape('c', e.length() / d, d);
            flat.subiRowVector(m).diviRowVector(s);
            e.assign(flat.reshape('c', e.shape()));
        }
        return e;
    }

    @Override
    public String toString() {
        return "LatentStandardization[d=" + dim() + ", mean std " + String.format("%.4f", std.meanNumber().doubleValue()) + "]";
    }
}
