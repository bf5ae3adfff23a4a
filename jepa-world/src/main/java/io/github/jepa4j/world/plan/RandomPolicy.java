package io.github.jepa4j.world.plan;

import io.github.jepa4j.world.env.RoomEnv;
import java.util.Random;

/**
 * Baseline: actions drawn uniformly from {@code [-1, 1]^2}, independently per step, from a
 * generator reseeded with {@code seed} at construction only (episodes continue the stream).
 */
public final class RandomPolicy implements Policy {
    private final Random rng;

    public RandomPolicy(long seed) {
        this.rng = new Random(seed);
    }

    @Override
    public String name() {
        return "random";
    }

    @Override
    public void begin(RoomEnv env, double[] goal) {
        // memoryless
    }

    @Override
    public double[] act(RoomEnv env) {
        return new double[] {2 * rng.nextDouble() - 1, 2 * rng.nextDouble() - 1};
    }
}
