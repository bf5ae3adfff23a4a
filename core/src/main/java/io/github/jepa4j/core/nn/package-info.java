/**
 * Layers with explicit forward and backward passes over a flat {@link io.github.jepa4j.core.nn.ParamStore}:
 * see {@link io.github.jepa4j.core.nn.Layer} for the contract every layer follows.
 */
package io.github.jepa4j.core.nn;
