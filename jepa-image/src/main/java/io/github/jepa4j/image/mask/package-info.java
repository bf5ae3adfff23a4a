/**
 * Token masks for image JEPA on a {@code gh x gw} patch grid: which patch tokens the context
 * encoder sees and which the predictor must predict.
 *
 * <p>Tokens are addressed by raster index {@code idx = r * gw + c}. A {@link
 * io.github.jepa4j.image.mask.Masker} samples a {@link io.github.jepa4j.image.mask.MaskSet} per
 * batch; every index list is sorted ascending and has the same length across the batch, so it
 * can gather a dense {@code [B, K, D]} tensor. Maskers: {@link
 * io.github.jepa4j.image.mask.MultiBlockMaskCollator} (I-JEPA), {@link
 * io.github.jepa4j.image.mask.RandomTokenMask} and {@link io.github.jepa4j.image.mask.BlockMask}
 * (ablations). All are deterministic functions of their seed and a per-batch stream number, so
 * masks do not depend on which thread samples them.
 */
package io.github.jepa4j.image.mask;
