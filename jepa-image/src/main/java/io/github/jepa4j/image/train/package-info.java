/** Wiring image datasets and masks into core's trainer, and frozen-feature extraction for evaluation. */
package io.github.jepa4j.image.train;
