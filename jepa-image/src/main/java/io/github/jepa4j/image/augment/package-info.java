/**
 * Per-image data augmentation for multi-view (joint-embedding) methods, on float images
 * {@code [C, H, W]}.
 *
 * <p>Steps ({@link io.github.jepa4j.image.augment.Augmentation}, immutable and thread-safe):
 * {@link io.github.jepa4j.image.augment.RandomResizedCrop}, {@link
 * io.github.jepa4j.image.augment.Resize}, {@link io.github.jepa4j.image.augment.HorizontalFlip},
 * {@link io.github.jepa4j.image.augment.ColorJitter} and {@link
 * io.github.jepa4j.image.augment.GaussianBlur}. An {@link io.github.jepa4j.image.augment.Augmenter}
 * applies them in order with reusable buffers; it is not thread-safe, so use one per thread from a
 * {@code Supplier<Augmenter>} ({@link io.github.jepa4j.image.augment.Augmenter#factory}). All
 * randomness comes from a caller-supplied {@link java.util.SplittableRandom}: the same seed gives
 * the same output.
 *
 * <p>{@link io.github.jepa4j.image.augment.TwoViews} fills two view batches of the same images
 * with independent, deterministically seeded augmentations; {@link
 * io.github.jepa4j.image.augment.TwoViewBatcher} does so on prefetching worker threads, in the
 * order of a {@link io.github.jepa4j.image.data.BatchLoader}.
 */
package io.github.jepa4j.image.augment;
