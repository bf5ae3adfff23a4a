package io.github.jepa4j.world.model;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A batch of trajectory windows in representation space.
 *
 * @param latents embeddings of the frames {@code [B, T+1, d]} (layer-normed targets)
 * @param actions the actions between them {@code [B, T, A]}: {@code a_t} leads from frame t to t+1
 */
public record TransitionBatch(INDArray latents, INDArray actions) {
    public TransitionBatch {
        if (latents == null || actions == null || latents.rank() != 3 || actions.rank() != 3
                || latents.size(0) != actions.size(0) || latents.size(1) != actions.size(1) + 1 || actions.size(1) < 1) {
            throw new IllegalArgumentException("a transition batch needs latents [B, T+1, d] and actions [B, T, A] with T >= 1, got "
                    + (latents == null ? "null" : Arrays.toString(latents.shape())) + " and "
                    + (actions == null ? "null" : Arrays.toString(actions.shape())));
        }
    }

    public int batchSize() {
        return (int) latents.size(0);
    }

    /** Transitions per window, T. */
    public int steps() {
        return (int) actions.size(1);
    }
}
