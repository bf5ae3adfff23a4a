/**
 * Data-pipeline machinery shared by the modality modules, free of any image or video code: the
 * prefetching buffer ring ({@link io.github.jepa4j.core.data.PrefetchRing}) on which jepa-image's
 * and jepa-video's loaders are built.
 */
package io.github.jepa4j.core.data;
