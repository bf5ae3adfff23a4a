/**
 * Image datasets and the prefetching batch loader.
 *
 * <p>An {@link io.github.jepa4j.image.data.ImageDataset} writes images into a caller-owned,
 * preallocated float32 batch array {@code [B, C, H, W]}. Implementations: {@link
 * io.github.jepa4j.image.data.ShapesDataset} (procedural, needs no download; the quick-start
 * default) and {@link io.github.jepa4j.image.data.FashionMnist} (IDX files, read by {@link
 * io.github.jepa4j.image.data.IdxReader}) and {@link io.github.jepa4j.image.data.ImageFolderDataset}
 * (one subfolder per class, decoded with OpenCV). Two augmented views for joint-embedding methods
 * come from {@link io.github.jepa4j.image.augment}. {@link io.github.jepa4j.image.data.BatchLoader} fills
 * a small ring of reusable batch buffers on worker threads, with labels and optional token masks,
 * in an order that depends only on the seed and the epoch.
 */
package io.github.jepa4j.image.data;
