/**
 * Video datasets and loaders: {@link io.github.jepa4j.video.data.VideoFolderDataset} (a folder of
 * video files with classes from subfolders and per-frame targets from {@code labels.csv}),
 * clip samplers (which video and start frame per step), the prefetching
 * {@link io.github.jepa4j.video.data.ClipLoader} (workers with their own decoders, a ring of
 * reusable clip batches), the optional {@link io.github.jepa4j.video.data.ClipCache} of decoded
 * uint8 clips (bounded by bytes, LRU) and {@link io.github.jepa4j.video.data.VideoClipSource}, core's
 * {@code BatchSource} of masked clip batches. Every batch is a pure function of the seeds and
 * the step.
 */
package io.github.jepa4j.video.data;
