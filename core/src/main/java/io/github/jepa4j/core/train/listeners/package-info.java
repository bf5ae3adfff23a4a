/** Standard training listeners: progress logging, metrics CSV, NaN guard, checkpoints. */
package io.github.jepa4j.core.train.listeners;
