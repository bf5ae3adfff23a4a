package io.github.jepa4j.world.plan;

import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Helpers shared by the planners: a preallocated FLOAT {@code [B, H, A]} action batch filled from
 * a Java array by one bulk copy, and validation of planner inputs.
 */
final class ActionSequences {
    private ActionSequences() {}

    /** A new c-order FLOAT array {@code [b, h, a]}. */
    static INDArray allocate(int b, int h, int a) {
        return Nd4j.create(DataType.FLOAT, b, h, a);
    }

    /** Copies {@code src[0 .. n)} into the contiguous FLOAT array {@code dst}. */
    static void put(float[] src, INDArray dst) {
        new FloatPointer(dst.data().addressPointer()).put(src, 0, (int) dst.length());
    }

    /** Copies the contiguous FLOAT array {@code src} into {@code dst[0 .. n)}. */
    static void get(INDArray src, float[] dst) {
        INDArray s = src.dataType() == DataType.FLOAT && src.ordering() == 'c' && !src.isView() ? src
                : src.castTo(DataType.FLOAT).dup('c');
        new FloatPointer(s.data().addressPointer()).get(dst, 0, (int) s.length());
    }

    static void checkEmbeddings(WorldModel model, INDArray z0, INDArray zGoal) {
        if (z0 == null || zGoal == null) {
            throw new IllegalArgumentException("plan needs z0 and zGoal, got " + z0 + ", " + zGoal);
        }
        if (z0.length() != model.latentDim() || zGoal.length() != model.latentDim()) {
            throw new IllegalArgumentException("plan needs embeddings of " + model.latentDim() + " values, got z0 "
                    + Arrays.toString(z0.shape()) + " and zGoal " + Arrays.toString(zGoal.shape()));
        }
    }

    static void checkEnergies(double[] e, int b) {
        if (e == null || e.length != b) {
            throw new IllegalStateException("world model returned " + (e == null ? "null" : e.length + "")
                    + " energies for " + b + " action sequences");
        }
    }
}
