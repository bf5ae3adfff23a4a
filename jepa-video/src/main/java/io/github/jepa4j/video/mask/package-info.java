/**
 * Spatio-temporal token masks for video JEPA on a {@code gt x gh x gw} tubelet grid (token
 * index {@code (t * gh + r) * gw + c}): {@link io.github.jepa4j.video.mask.MultiBlock3dMasker}
 * (V-JEPA multi-block) samples a {@link io.github.jepa4j.video.mask.VideoMaskSet} per batch,
 * deterministically from its seed and a stream number, and maps it to core's
 * {@code MaskedBatch}.
 */
package io.github.jepa4j.video.mask;
