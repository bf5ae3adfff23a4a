/**
 * Layers for the regularizers' heads, following core's {@link io.github.jepa4j.core.nn.Layer}
 * contract: {@link io.github.jepa4j.regularizers.nn.BatchNorm1d} (training-mode batch statistics,
 * optionally per group of rows), {@link io.github.jepa4j.regularizers.nn.Relu} and
 * {@link io.github.jepa4j.regularizers.nn.MlpHead} ({@code (Linear-BN-ReLU) x k -> Linear}: the
 * VICReg expander and the BYOL predictor).
 */
package io.github.jepa4j.regularizers.nn;
