package io.github.jepa4j.world.plan;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What a planner needs from a world model: an encoder of frames into state embeddings and the
 * energy of action sequences, optionally with its gradient with respect to the actions.
 *
 * <p>For an action sequence {@code a_b = (a_b1 .. a_bH)} the model unrolls its predictor from
 * {@code z0}: {@code z_t = f(z_{t-1}, a_bt)}, {@code f^H(z0, a_b) = z_H}, and the energy is the
 * mean absolute difference to the goal embedding,
 * {@code E_b = (1 / D) sum_i |f^H(z0, a_b)_i - zGoal_i|} (L1, as V-JEPA 2-AC).
 *
 * <p>Shapes: frames {@code [B, 3, S, S]} FLOAT in {@code [0, 1]}; embeddings {@code [D]} with
 * {@code D = latentDim()} (an implementation may keep them in any data type); actions
 * {@code [B, H, A]} with {@code A = actionDim()}. Implementations may reuse internal buffers and
 * are not required to be thread-safe; the arrays passed in are not modified.
 */
public interface WorldModel {
    /** Size D of one flattened state embedding. */
    int latentDim();

    /** Size A of one action. */
    int actionDim();

    /** Embeddings of a batch of frames {@code [B, 3, S, S]} -> {@code [B, latentDim]} (float). */
    INDArray encode(INDArray frames);

    /**
     * Energies {@code E_b = mean_i |f^H(z0, a_b)_i - zGoal_i|} (L1) for {@code B} action sequences
     * {@code actions [B, H, A]}; {@code z0}, {@code zGoal} are {@code [latentDim]}.
     */
    double[] energies(INDArray z0, INDArray zGoal, INDArray actions);

    /** Same energies; also writes {@code dE_b / d actions} into {@code grad [B, H, A]}. */
    double[] energiesAndGradients(INDArray z0, INDArray zGoal, INDArray actions, INDArray grad);
}
