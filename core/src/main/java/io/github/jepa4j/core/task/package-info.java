/**
 * Method tasks that are not tied to a modality: the masked-prediction JEPA
 * ({@link io.github.jepa4j.core.task.MaskedJepaTask}, I-JEPA on images and V-JEPA on video differ
 * only in masks and loss) and the {@link io.github.jepa4j.core.task.AntiCollapse} plug-in point.
 */
package io.github.jepa4j.core.task;
