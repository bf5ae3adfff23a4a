package io.github.jepa4j.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A layer with an explicit forward and backward pass over token tensors.
 *
 * <p>Contract, shared by every layer in jepa4j:
 * <ul>
 *   <li>Inputs are c-order with features in the last dimension: {@code [rows, in]} or
 *       {@code [B, N, in]}. The output has the same leading dimensions.</li>
 *   <li>{@link #forward} returns a buffer owned by the layer, valid until its next forward. The
 *       layer keeps a reference to its input, which the caller must leave unchanged until
 *       {@link #backward}.</li>
 *   <li>{@link #backward} takes the gradient of the loss w.r.t. the last forward's output,
 *       <em>adds</em> parameter gradients into the {@link ParamStore} gradient views, and returns
 *       the gradient w.r.t. the last forward's input (owned by the layer). It must not modify
 *       {@code gradOut}.</li>
 *   <li>After the first call at a given size no native memory is allocated per call: all
 *       intermediates live in a per-layer {@link io.github.jepa4j.core.tensor.Scratch}.</li>
 * </ul>
 * Running two inputs through one layer before a backward (two views, say) is done by
 * concatenating them along the batch dimension.
 */
public interface Layer {
    INDArray forward(INDArray x);

    INDArray backward(INDArray gradOut);

    /** Views a c-order tensor of rank >= 2 as a [rows, lastDim] matrix without copying. */
    static INDArray rows(INDArray x) {
        if (x.rank() == 2) {
            return x;
        }
        long last = x.size(x.rank() - 1);
        return x.reshape('c', x.length() / last, last);
    }
}
