package io.github.jepa4j.world.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An action-conditioned predictor in representation space: one step of the world model,
 * {@code z_{t+1} = P(z_t, a_t)}.
 *
 * <p>Shapes: {@code z [B, latentDim]}, {@code a [B, actionDim]}, output {@code [B, latentDim]}.
 * The contract follows core's {@link io.github.jepa4j.core.nn.Layer}: {@link #forward} returns a
 * buffer owned by the predictor (valid until its next forward) and keeps references to its
 * inputs, which the caller leaves unchanged until {@link #backward}; backward <em>adds</em>
 * parameter gradients into the store's gradient views and returns {@code dL/dz} (owned), with
 * {@code dL/da} available from {@link #actionGradient()} until the next backward. Both input
 * gradients are needed to backpropagate a planning energy through an unrolled rollout to the
 * actions (gradient MPC). No native allocation per call after warm-up.
 */
public interface ActionPredictor {
    int latentDim();

    int actionDim();

    /** One step {@code [B, d], [B, A] -> [B, d]} (owned by the predictor). */
    INDArray forward(INDArray z, INDArray a);

    /** Accumulates parameter gradients for the last forward and returns {@code dL/dz [B, d]}. */
    INDArray backward(INDArray gradOut);

    /** {@code dL/da [B, A]} of the last {@link #backward}. */
    INDArray actionGradient();
}
