/**
 * Representation-collapse diagnostics on a batch of embeddings {@code [N, D]}: per-dimension
 * standard deviation, standard deviation of L2-normalised rows, RankMe, the covariance
 * eigen-spectrum and its power-law decay (alpha-ReQ); see
 * {@link io.github.jepa4j.regularizers.metrics.CollapseMetrics}.
 */
package io.github.jepa4j.regularizers.metrics;
