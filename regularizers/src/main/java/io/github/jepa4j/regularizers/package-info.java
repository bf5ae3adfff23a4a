/**
 * Pluggable anti-collapse modules (VICReg, EMA-teacher distillation, SIGReg, Barlow Twins),
 * collapse metrics (RankMe, std of L2-normalised embeddings, alpha-ReQ), the collapse alarm and
 * frozen-encoder evaluation probes. Imports only {@code core}.
 */
package io.github.jepa4j.regularizers;
