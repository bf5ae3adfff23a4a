package io.github.jepa4j.image.data;

import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Validation of batch output arrays and bulk writes into them. */
final class BatchArrays {
    private BatchArrays() {}

    /**
     * Checks {@code out} is float32 {@code [n, c, h, w]} with c-order contiguous strides and
     * returns a pointer to its first element; {@code pointer.position(p).put(src, 0, len)} bulk
     * copies. The pointer does not own the memory.
     */
    static FloatPointer target(ImageDataset ds, int[] indices, INDArray out) {
        if (indices == null || out == null) {
            throw new IllegalArgumentException(ds.name() + ": fill needs non-null indices and output");
        }
        long[] want = {indices.length, ds.channels(), ds.height(), ds.width()};
        if (!Arrays.equals(out.shape(), want)) {
            throw new IllegalArgumentException(ds.name() + ": fill output must have shape " + Arrays.toString(want)
                    + " (indices.length, C, H, W), got " + Arrays.toString(out.shape()));
        }
        if (out.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException(ds.name() + ": fill output must be FLOAT, got " + out.dataType());
        }
        long[] st = out.stride();
        long expect = 1;
        for (int d = 3; d >= 0; d--) {
            if (want[d] > 1 && st[d] != expect) {
                throw new IllegalArgumentException(ds.name() + ": fill output must be c-order contiguous, got strides "
                        + Arrays.toString(st) + " for shape " + Arrays.toString(want));
            }
            expect *= want[d];
        }
        for (int i : indices) {
            if (i < 0 || i >= ds.size()) {
                throw new IllegalArgumentException(ds.name() + ": image index " + i + " is outside [0, " + ds.size() + ")");
            }
        }
        return new FloatPointer(out.data().addressPointer());
    }

    /** A 256-entry table {@code (u / 255 - mean) / std} for uint8 pixels. */
    static float[] normalisationTable(double mean, double std) {
        checkNormalisation(mean, std);
        float[] t = new float[256];
        for (int u = 0; u < 256; u++) {
            t[u] = (float) ((u / 255.0 - mean) / std);
        }
        return t;
    }

    static void checkNormalisation(double mean, double std) {
        if (!Double.isFinite(mean) || !(std > 0) || !Double.isFinite(std)) {
            throw new IllegalArgumentException("normalisation needs a finite mean and a positive finite std, got mean="
                    + mean + " std=" + std);
        }
    }
}
