package io.github.jepa4j.world.plan;

import io.github.jepa4j.world.env.RoomEnv;

/**
 * Baseline: moves straight towards the goal's true position,
 * {@code a = clip((goal - position) / maxStep, -1, 1)} per component (so it lands exactly on a
 * goal within one step). With the environment's sliding collisions it follows a wall in the
 * goal's direction and gets stuck on the middle wall when the goal is in the other room and the
 * straight path (and the slide) misses the door.
 */
public final class GreedyPolicy implements Policy {
    private double[] goal;

    @Override
    public String name() {
        return "greedy";
    }

    @Override
    public void begin(RoomEnv env, double[] goal) {
        this.goal = goal.clone();
    }

    @Override
    public double[] act(RoomEnv env) {
        if (goal == null) {
            throw new IllegalStateException("GreedyPolicy.act before begin");
        }
        double[] p = env.position();
        double s = env.config().maxStep();
        return new double[] {clip((goal[0] - p[0]) / s), clip((goal[1] - p[1]) / s)};
    }

    private static double clip(double v) {
        return v < -1 ? -1 : (v > 1 ? 1 : v);
    }
}
