package io.github.jepa4j.core.optim;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Exponential moving average of parameters, the update of a JEPA / BYOL target (teacher)
 * encoder from the online (student) encoder after each optimiser step:
 * <pre>
 *   target = m target + (1 - m) online
 * </pre>
 * with momentum {@code m} in [0, 1] from a schedule (I-JEPA: linear 0.996 to 1.0). Meant for whole
 * flat buffers, e.g. the target store's {@code params()} and the online store's matching
 * {@code paramRange(...)}: two in-place element-wise passes over {@code target}, no allocation,
 * {@code online} is only read.
 */
public final class Ema {
    private Ema() {}

    /**
     * Updates {@code target} in place: {@code target = m target + (1 - m) online}.
     *
     * @param target   the moving average, overwritten; same shape and data type as {@code online}
     * @param online   the current online parameters (not modified)
     * @param momentum {@code m} in [0, 1]; 1 leaves {@code target} unchanged, 0 copies {@code online}
     */
    public static void update(INDArray target, INDArray online, double momentum) {
        if (!(momentum >= 0.0 && momentum <= 1.0)) {
            throw new IllegalArgumentException("EMA momentum must be in [0, 1], got " + momentum);
        }
        if (target.length() != online.length() || !Arrays.equals(target.shape(), online.shape())) {
            throw new IllegalArgumentException("EMA target and online must have the same shape: target "
                    + Arrays.toString(target.shape()) + " (length " + target.length() + "), online "
                    + Arrays.toString(online.shape()) + " (length " + online.length() + ")");
        }
        if (target.dataType() != online.dataType()) {
            throw new IllegalArgumentException("EMA target and online must have the same data type: target "
                    + target.dataType() + ", online " + online.dataType());
        }
        if (momentum == 1.0) {
            return;
        }
        if (momentum == 0.0) {
            target.assign(online);
            return;
        }
        target.muli(momentum);
        // Axpy: z = alpha * x + y, here target = (1 - m) online + (m target).
        Nd4j.exec(new Axpy(online, target, target, 1.0 - momentum));
    }
}
