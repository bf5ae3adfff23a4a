package io.github.jepa4j.core.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Element-wise closeness assertions: |a - e| <= atol + rtol * |e| for every element. */
public final class Close {
    private Close() {}

    public static void assertClose(String what, INDArray expected, INDArray actual, double tol) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape " + Arrays.toString(actual.shape())
                + " != expected " + Arrays.toString(expected.shape()));
        double[] e = expected.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[] a = actual.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        assertClose(what, e, a, tol);
    }

    public static void assertClose(String what, double[] e, double[] a, double tol) {
        if (e.length != a.length) {
            throw new AssertionError(what + ": length " + a.length + " != expected " + e.length);
        }
        double worst = 0;
        int worstAt = -1;
        for (int i = 0; i < e.length; i++) {
            double err = Math.abs(a[i] - e[i]) / (1.0 + Math.abs(e[i]));
            if (!(err <= worst) || Double.isNaN(a[i])) {
                worst = Double.isNaN(a[i]) ? Double.POSITIVE_INFINITY : err;
                worstAt = i;
            }
        }
        if (worst > tol) {
            throw new AssertionError(String.format("%s: element %d is %.12g, expected %.12g (scaled error %.3g > %.1g)",
                    what, worstAt, a[worstAt], e[worstAt], worst, tol));
        }
    }

    public static void assertClose(String what, double e, double a, double tol) {
        assertClose(what, new double[] {e}, new double[] {a}, tol);
    }
}
