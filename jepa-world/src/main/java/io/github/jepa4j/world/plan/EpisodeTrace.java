package io.github.jepa4j.world.plan;

/**
 * What happened in one episode of one policy: the visited positions {@code path[0] = start}, one
 * more per executed step, whether the agent came within the success radius of the goal, and the
 * final distance to the goal.
 */
public record EpisodeTrace(EpisodeSpec spec, double[][] path, boolean success, double finalDistance) {
    /** Number of executed steps. */
    public int steps() {
        return path.length - 1;
    }
}
