/**
 * Layers with explicit forward and backward passes over a flat {@link io.github.jepa4j.core.nn.ParamStore}:
 * see {@link io.github.jepa4j.core.nn.Layer} for the contract every layer follows. Inside a
 * {@link io.github.jepa4j.core.nn.WeightGradients} scope, linear layers compute their weight
 * gradients on a second thread while the input gradients go on down the layers.
 */
package io.github.jepa4j.core.nn;
