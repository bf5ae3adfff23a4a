/**
 * Evaluation probes on frozen features: {@link io.github.jepa4j.regularizers.probe.LinearProbe}
 * (multinomial logistic regression, L-BFGS), {@link io.github.jepa4j.regularizers.probe.KnnProbe}
 * (DINO's weighted kNN), {@link io.github.jepa4j.regularizers.probe.AttentiveProbe} (learned-query
 * cross-attention pooling over tokens, classification or regression) and
 * {@link io.github.jepa4j.regularizers.probe.LinearRegressionProbe} (ridge, R² per target).
 * Each is deterministic and reports accuracy or R².
 */
package io.github.jepa4j.regularizers.probe;
