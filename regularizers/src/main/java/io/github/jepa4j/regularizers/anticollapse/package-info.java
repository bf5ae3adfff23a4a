/**
 * Implementations of core's {@link io.github.jepa4j.core.task.AntiCollapse} plug-in:
 * {@link io.github.jepa4j.regularizers.anticollapse.VicReg} (optional expander),
 * {@link io.github.jepa4j.regularizers.anticollapse.SigReg},
 * {@link io.github.jepa4j.regularizers.anticollapse.BarlowTwins} and
 * {@link io.github.jepa4j.regularizers.anticollapse.EmaDistillation} (BYOL predictor head), each
 * built from a typed, JSON-serialisable config record, and
 * {@link io.github.jepa4j.regularizers.anticollapse.AntiCollapseRegistry}, which finds them by name.
 *
 * <p>Conventions shared by all modules: embeddings {@code a, b} are {@code [N, D]} with
 * {@code N >= 2}; {@code b == null} is single-branch use; gradients are added into
 * {@code gradA}/{@code gradB} scaled by the weight; {@code gradB == null} with {@code b} given makes
 * {@code b} a stop-gradient input; returned terms are weighted and prefixed with the module name,
 * and sum to the module's contribution to the loss.
 */
package io.github.jepa4j.regularizers.anticollapse;
