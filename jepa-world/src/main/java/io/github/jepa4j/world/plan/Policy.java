package io.github.jepa4j.world.plan;

import io.github.jepa4j.world.env.RoomEnv;

/**
 * Something that acts in a {@link RoomEnv} episode: a model-based planner ({@link PlannerPolicy})
 * or a baseline ({@link RandomPolicy}, {@link GreedyPolicy}). Baselines may read the true
 * positions; the planner policy only sees rendered frames.
 */
public interface Policy {
    /** Short name used in reports ({@code "planner"}, {@code "random"}, {@code "greedy"}). */
    String name();

    /** Starts an episode: {@code env} is at the start position; {@code goal} is the goal position {x, y}. */
    void begin(RoomEnv env, double[] goal);

    /** The next action {ax, ay} for the environment's current state. */
    double[] act(RoomEnv env);
}
