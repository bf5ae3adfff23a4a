package io.github.jepa4j.regularizers;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

/**
 * Argument checks shared by the losses and metrics, which all take a batch of embeddings
 * {@code [N, D]} (rows = samples, columns = embedding dimensions) in a floating-point type.
 *
 * <p>Every failure is an {@link IllegalArgumentException} whose message starts with the caller
 * ({@code owner}), names the argument and gives the offending shape or value.
 */
public final class Embeddings {
    private Embeddings() {}

    /**
     * Checks that {@code z} is a finite floating-point matrix with at least {@code minRows} rows
     * and returns it as a c-order array with default strides (the same array when it already is).
     *
     * @param minRows the smallest batch the caller can handle, with the reason given in {@code why}
     */
    public static INDArray requireMatrix(String owner, String name, INDArray z, int minRows, String why) {
        if (z == null) {
            throw new IllegalArgumentException(owner + ": " + name + " is null");
        }
        if (z.rank() != 2) {
            throw new IllegalArgumentException(owner + ": " + name + " must be a matrix [N, D], got shape "
                    + Arrays.toString(z.shape()));
        }
        if (!z.dataType().isFPType()) {
            throw new IllegalArgumentException(owner + ": " + name + " must be a floating-point array, got "
                    + z.dataType() + " with shape " + Arrays.toString(z.shape()));
        }
        if (z.size(1) < 1) {
            throw new IllegalArgumentException(owner + ": " + name + " has no columns: shape " + Arrays.toString(z.shape()));
        }
        if (z.size(0) < minRows) {
            throw new IllegalArgumentException(owner + ": " + name + " has batch size " + z.size(0) + " (shape "
                    + Arrays.toString(z.shape()) + "), needs at least " + minRows + " rows" + (why.isEmpty() ? "" : ": " + why));
        }
        requireFinite(owner, name, z);
        return z.ordering() == 'c' && Shape.hasDefaultStridesForShape(z) ? z : z.dup('c');
    }

    /** Checks that two branches have the same shape and data type. */
    public static void requireSameShape(String owner, String nameA, INDArray a, String nameB, INDArray b) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException(owner + ": " + nameA + " and " + nameB + " must have the same shape, got "
                    + Arrays.toString(a.shape()) + " and " + Arrays.toString(b.shape()));
        }
        if (a.dataType() != b.dataType()) {
            throw new IllegalArgumentException(owner + ": " + nameA + " and " + nameB + " must have the same data type, got "
                    + a.dataType() + " and " + b.dataType());
        }
    }

    /** Rejects NaN and infinite entries, reporting the first one and how many there are. */
    public static void requireFinite(String owner, String name, INDArray z) {
        // One reduction on the fast path; a finite sum proves every entry finite.
        if (Double.isFinite(z.sumNumber().doubleValue())) {
            return;
        }
        // Slow path (a NaN/inf entry, or finite entries whose sum overflowed): scan to report.
        double[] v = z.dup('c').data().asDouble();
        long bad = 0;
        int first = -1;
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                bad++;
                if (first < 0) {
                    first = i;
                }
            }
        }
        if (bad == 0) {
            return;
        }
        long cols = z.size(z.rank() - 1);
        String at = z.rank() == 2 ? "[" + first / cols + ", " + first % cols + "]" : "flat index " + first;
        throw new IllegalArgumentException(owner + ": " + name + " contains " + bad + " non-finite value(s), first "
                + v[first] + " at " + at + " (shape " + Arrays.toString(z.shape()) + ")");
    }
}
