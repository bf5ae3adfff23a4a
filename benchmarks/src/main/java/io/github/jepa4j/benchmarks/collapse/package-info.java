/**
 * Collapse study: a matrix of methods x anti-collapse mechanisms x seeds trained for a fixed number
 * of steps, with collapse metrics and an online kNN probe recorded along the way, written as CSVs,
 * XChart plots and a Markdown summary ({@link io.github.jepa4j.benchmarks.collapse.CollapseStudy}).
 */
package io.github.jepa4j.benchmarks.collapse;
