/**
 * Anti-collapse losses on batches of embeddings {@code [N, D]} as pure functions with analytic
 * gradients: {@link io.github.jepa4j.regularizers.loss.VicRegLoss},
 * {@link io.github.jepa4j.regularizers.loss.BarlowTwinsLoss},
 * {@link io.github.jepa4j.regularizers.loss.ByolLoss} and
 * {@link io.github.jepa4j.regularizers.loss.SigRegLoss}. Each returns a
 * {@link io.github.jepa4j.regularizers.loss.LossTerms} holding the named terms, the weighted total
 * and the gradients of the total with respect to its inputs; nothing is kept between calls.
 */
package io.github.jepa4j.regularizers.loss;
