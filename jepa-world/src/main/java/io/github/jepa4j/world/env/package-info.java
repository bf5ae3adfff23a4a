/**
 * A deterministic two-room 2D environment rendered to small RGB images ({@link
 * io.github.jepa4j.world.env.RoomEnv}), seeded random-action trajectories in memory ({@link
 * io.github.jepa4j.world.env.TrajectoryGenerator}) and on disk as videos plus a CSV ({@link
 * io.github.jepa4j.world.env.TrajectoryRecorder}).
 */
package io.github.jepa4j.world.env;
