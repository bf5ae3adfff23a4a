package io.github.jepa4j.world.env;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A batch of rendered trajectories for training a world model, all FLOAT, c-order.
 *
 * @param frames    {@code [N, T, 3, S, S]} rendered frames in {@code [0, 1]}
 * @param actions   {@code [N, T - 1, 2]} clipped actions; action {@code t} leads from frame {@code t} to {@code t + 1}
 * @param positions {@code [N, T, 2]} true agent positions {x, y} in room units
 */
public record Trajectories(INDArray frames, INDArray actions, INDArray positions) {}
