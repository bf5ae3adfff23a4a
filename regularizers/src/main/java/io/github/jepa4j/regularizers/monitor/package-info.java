/**
 * Collapse monitoring during training:
 * {@link io.github.jepa4j.regularizers.monitor.CollapseMonitor}, a training listener that measures
 * collapse metrics on held-out embeddings, records them and raises
 * {@link io.github.jepa4j.regularizers.monitor.CollapseAlarm}s (warn or stop).
 */
package io.github.jepa4j.regularizers.monitor;
