package io.github.jepa4j.world.plan;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A receding-horizon (model-predictive) planner: it optimises an action sequence of length
 * {@link #horizon()} that minimises a {@link WorldModel}'s energy between the predicted final
 * embedding and the goal embedding, and returns its first action; the caller executes it,
 * observes the new state and plans again. Planners keep the last sequence to warm-start the next
 * call ({@link #reset()} forgets it, e.g. at the start of an episode). Not thread-safe.
 */
public interface Planner {
    /**
     * Plans from state embedding {@code z0} towards {@code zGoal} (both {@code [latentDim]}) and
     * returns the first action to execute ({@code actionDim} values within the action bounds).
     */
    double[] plan(INDArray z0, INDArray zGoal);

    /** The full action sequence {@code [H][A]} chosen by the last {@link #plan}, or null before it. */
    double[][] lastSequence();

    /** The model's energy of {@link #lastSequence()}, NaN before the first plan. */
    double lastEnergy();

    /** Forgets the warm start. */
    void reset();

    /** Planning horizon H (actions per sequence). */
    int horizon();
}
