package io.github.jepa4j.world.plan;

/**
 * One evaluation episode: start and goal positions (free, each strictly inside a room) and
 * whether they lie in different rooms.
 */
public record EpisodeSpec(int index, double[] start, double[] goal, boolean crossRoom) {}
