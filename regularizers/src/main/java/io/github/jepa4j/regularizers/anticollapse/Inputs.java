package io.github.jepa4j.regularizers.anticollapse;

import io.github.jepa4j.regularizers.Embeddings;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Argument checks shared by the anti-collapse modules, run before any work so a bad batch fails
 * with the module's name and the offending shape or value instead of deep inside a head.
 */
final class Inputs {
    private Inputs() {}

    static final String WHY_STATS = "statistics over the batch need N >= 2";

    /**
     * Checks {@code a} (and {@code b} when given): finite matrices {@code [N, D]} with
     * {@code N >= 2}, equal shapes and types; {@code D} equal to the registered width when
     * {@code dim > 0}; gradient buffers of the same shape. {@code gradB} may be null when {@code b}
     * is a stop-gradient input.
     */
    static void check(String owner, INDArray a, INDArray b, INDArray gradA, INDArray gradB, int dim) {
        Embeddings.requireMatrix(owner, "a", a, 2, WHY_STATS);
        if (b != null) {
            Embeddings.requireMatrix(owner, "b", b, 2, WHY_STATS);
            Embeddings.requireSameShape(owner, "a", a, "b", b);
        }
        if (dim > 0 && a.size(1) != dim) {
            throw new IllegalArgumentException(owner + ": registered for embeddings of width " + dim + " but a has shape "
                    + Arrays.toString(a.shape()));
        }
        requireGrad(owner, "gradA", gradA, a);
        if (b == null && gradB != null) {
            throw new IllegalArgumentException(owner + ": gradB is given but b is null");
        }
        if (gradB != null) {
            requireGrad(owner, "gradB", gradB, b);
        }
    }

    static void requireGrad(String owner, String name, INDArray grad, INDArray of) {
        if (grad == null) {
            throw new IllegalArgumentException(owner + ": " + name + " is null");
        }
        if (!Arrays.equals(grad.shape(), of.shape()) || grad.dataType() != of.dataType()) {
            throw new IllegalArgumentException(owner + ": " + name + " must match its embeddings " + Arrays.toString(of.shape())
                    + " " + of.dataType() + ", got " + Arrays.toString(grad.shape()) + " " + grad.dataType());
        }
    }

    static void requireWeight(String owner, double weight) {
        if (!(weight >= 0) || !Double.isFinite(weight)) {
            throw new IllegalArgumentException(owner + ": weight must be finite and >= 0, got " + weight);
        }
    }

    static void requireFiniteNonNegative(String owner, String name, double v) {
        if (!(v >= 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(owner + ": " + name + " must be finite and >= 0, got " + v);
        }
    }

    static void requirePositive(String owner, String name, double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(owner + ": " + name + " must be finite and > 0, got " + v);
        }
    }
}
