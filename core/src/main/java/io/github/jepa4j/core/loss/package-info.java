/** Prediction losses in representation space (smooth-L1, L1, MSE) against layer-normed targets. */
package io.github.jepa4j.core.loss;
