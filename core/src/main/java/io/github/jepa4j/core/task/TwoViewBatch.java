package io.github.jepa4j.core.task;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Two augmented views of the same inputs, for joint-embedding methods.
 *
 * @param view1  first view {@code [B, C, H, W]} (or clips)
 * @param view2  second view, same shape; row b is the same source input as in view1
 * @param labels optional labels {@code [B]} (may be null)
 */
public record TwoViewBatch(INDArray view1, INDArray view2, int[] labels) {
    public TwoViewBatch {
        if (view1 == null || view2 == null || !Arrays.equals(view1.shape(), view2.shape())) {
            throw new IllegalArgumentException("the two views must have the same shape, got "
                    + (view1 == null ? "null" : Arrays.toString(view1.shape())) + " and "
                    + (view2 == null ? "null" : Arrays.toString(view2.shape())));
        }
        if (labels != null && labels.length != view1.size(0)) {
            throw new IllegalArgumentException("batch of " + view1.size(0) + " inputs has " + labels.length + " labels");
        }
    }

    public int batchSize() {
        return (int) view1.size(0);
    }
}
