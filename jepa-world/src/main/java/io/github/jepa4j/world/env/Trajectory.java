package io.github.jepa4j.world.env;

/**
 * One recorded trajectory of {@link RoomEnv}: {@code T} positions and the {@code T - 1} actions
 * between them ({@code positions[t + 1] = step(positions[t], actions[t])}); actions are already
 * clipped to {@code [-1, 1]}.
 *
 * @param positions {@code [T][2]} agent centres {x, y}
 * @param actions   {@code [T - 1][2]} actions {ax, ay}
 */
public record Trajectory(double[][] positions, double[][] actions) {
    public Trajectory {
        if (positions == null || actions == null || positions.length < 1 || actions.length != positions.length - 1) {
            throw new IllegalArgumentException("a trajectory needs T >= 1 positions and T - 1 actions, got "
                    + (positions == null ? "null" : positions.length) + " and " + (actions == null ? "null" : actions.length));
        }
    }

    /** Number of frames T. */
    public int length() {
        return positions.length;
    }

    /** Whether the trajectory visits both rooms. */
    public boolean crossesRooms() {
        boolean left = false, right = false;
        for (double[] p : positions) {
            left |= p[0] < 0.5;
            right |= p[0] >= 0.5;
        }
        return left && right;
    }
}
