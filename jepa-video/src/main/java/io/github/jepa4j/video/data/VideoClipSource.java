package io.github.jepa4j.video.data;

import io.github.jepa4j.core.task.MaskedBatch;
import io.github.jepa4j.core.train.BatchSource;
import io.github.jepa4j.video.decode.FrameSpec;
import io.github.jepa4j.video.mask.MultiBlock3dMasker;
import io.github.jepa4j.video.mask.VideoMaskSet;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Feeds a masked video JEPA (core's {@code MaskedJepaTask} on clips): a prefetching {@link
 * ClipLoader} (worker threads with their own decoders, reusable {@code [B, C, T, H, W]}
 * buffers, 3D masks sampled on the workers) adapted to core's {@link BatchSource}.
 *
 * <p>Step {@code k}'s batch is the loader's step {@code k}: clips from the {@link ClipSampler}
 * (default {@link RandomClipSampler}: every video once per epoch, random start frame, from
 * {@code (seed, k)}) and masks {@code masker.sample(B, k)}. The loader is opened at the first
 * requested step, so a run resumed at step {@code k} sees exactly the batches an uninterrupted
 * run saw, at no extra decoding cost.
 *
 * <p>Masks to {@link MaskedBatch}: with a shared-context masker (or a single generator), one
 * batch carries all generators as target blocks ({@code M = G}); with per-generator contexts
 * (V-JEPA's default), step {@code k} uses generator {@code k mod G}, its own context and its
 * target union ({@code M = 1}); see {@link VideoMaskSet}. An optional {@link ClipCache}
 * ({@link Builder#cacheBytes}) outlives loader restarts, so later epochs decode only clips not
 * seen before. Labels are the class labels when every
 * video has a class, else null.
 */
public final class VideoClipSource implements BatchSource<MaskedBatch> {
    private final VideoFolderDataset dataset;
    private final ClipSampler sampler;
    private final FrameSpec spec;
    private final MultiBlock3dMasker masker;
    private final int batchSize;
    private final int workers;
    private final int buffers;
    private final boolean withLabels;
    private final ClipCache cache;
    private final boolean skipBadClips;
    private final Map<MaskedBatch, ClipBatch> held = new IdentityHashMap<>();
    private ClipLoader loader;
    private long nextStep = -1;
    private double lastWait;
    private long totalWaitNanos;

    private VideoClipSource(Builder b) {
        dataset = b.dataset;
        spec = b.spec;
        masker = b.masker;
        batchSize = b.batchSize;
        workers = b.workers;
        buffers = b.buffers;
        skipBadClips = b.skipBadClips;
        cache = b.cache != null ? b.cache : b.cacheBytes > 0 ? new ClipCache(b.cacheBytes) : null;
        sampler = b.sampler != null ? b.sampler : new RandomClipSampler(dataset, b.frames, b.stride, b.seed);
        boolean all = dataset.numClasses() > 0;
        for (int i = 0; i < dataset.size() && all; i++) {
            all = dataset.label(i) >= 0;
        }
        withLabels = all;
    }

    /**
     * A builder for clips of {@code frames} frames every {@code stride} frames of {@code dataset},
     * decoded per {@code spec}, in batches of {@code batchSize}, masked by {@code masker}.
     */
    public static Builder builder(VideoFolderDataset dataset, FrameSpec spec, int batchSize, int frames, int stride,
                                  MultiBlock3dMasker masker) {
        return new Builder(dataset, spec, batchSize, frames, stride, masker);
    }

    public ClipSampler sampler() {
        return sampler;
    }

    public MultiBlock3dMasker masker() {
        return masker;
    }

    /** The decoded-clip cache, or null when clips are always decoded. */
    public ClipCache cache() {
        return cache;
    }

    @Override
    public MaskedBatch next(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
        if (loader != null && step < nextStep) {
            throw new IllegalStateException("steps must be requested in increasing order: asked for " + step
                    + " after " + (nextStep - 1));
        }
        if (loader == null || step - nextStep > buffers) {
            // First call, or a jump further than the prefetch: restart the loader at the step (O(1)).
            if (loader != null) {
                loader.close();
            }
            loader = ClipLoader.builder(dataset, sampler, spec, batchSize).masker(masker).workers(workers)
                    .buffers(buffers).startStep(step).cache(cache).skipBadClips(skipBadClips).build();
            nextStep = step;
        }
        while (nextStep < step) { // a short jump: drop the prefetched steps in between
            loader.next().release();
            nextStep++;
        }
        ClipBatch b = loader.next();
        nextStep++;
        lastWait = b.waitNanos() / 1e6;
        totalWaitNanos += b.waitNanos();
        VideoMaskSet m = b.masks();
        int[] labels = withLabels ? b.labels() : null;
        MaskedBatch mb = m.sharedContext() || m.numGenerators() == 1
                ? m.toMaskedBatch(b.clips(), labels)
                : m.toMaskedBatch(b.clips(), labels, (int) Math.floorMod(step, (long) m.numGenerators()));
        held.put(mb, b);
        return mb;
    }

    @Override
    public void release(MaskedBatch batch) {
        ClipBatch b = held.remove(batch);
        if (b != null) {
            b.release();
        }
    }

    @Override
    public long stepsPerEpoch() {
        return sampler.stepsPerEpoch(batchSize);
    }

    @Override
    public double lastWaitMillis() {
        return lastWait;
    }

    /** Sum of the data waits of all {@link #next} calls, in milliseconds. */
    public double totalWaitMillis() {
        return totalWaitNanos / 1e6;
    }

    @Override
    public void close() {
        if (loader != null) {
            loader.close();
        }
    }

    /** Configuration with validation in {@link #build()}. */
    public static final class Builder {
        private final VideoFolderDataset dataset;
        private final FrameSpec spec;
        private final int batchSize;
        private final int frames;
        private final int stride;
        private final MultiBlock3dMasker masker;
        private ClipSampler sampler;
        private int workers = 2;
        private int buffers = 4;
        private long seed = 0;
        private long cacheBytes = 0;
        private ClipCache cache;
        private boolean skipBadClips;

        private Builder(VideoFolderDataset dataset, FrameSpec spec, int batchSize, int frames, int stride,
                        MultiBlock3dMasker masker) {
            this.dataset = dataset;
            this.spec = spec;
            this.batchSize = batchSize;
            this.frames = frames;
            this.stride = stride;
            this.masker = masker;
        }

        /** Worker threads (default 2). */
        public Builder workers(int n) {
            this.workers = n;
            return this;
        }

        /** Reusable batch buffers, the bound on prefetched steps (default 4). */
        public Builder buffers(int n) {
            this.buffers = n;
            return this;
        }

        /** Seed of the default {@link RandomClipSampler} (default 0). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Keeps up to {@code bytes} bytes of decoded clips (uint8) in a new {@link ClipCache} that
         * lives as long as the source (default 0: no cache).
         */
        public Builder cacheBytes(long bytes) {
            this.cacheBytes = bytes;
            return this;
        }

        /** Uses (and fills) an existing cache, e.g. one shared with evaluation (overrides {@link #cacheBytes}). */
        public Builder cache(ClipCache cache) {
            this.cache = cache;
            return this;
        }

        /** Replace clips that fail to decode, with a warning naming the file, instead of failing (default false). */
        public Builder skipBadClips(boolean skip) {
            this.skipBadClips = skip;
            return this;
        }

        /** Another clip sampler (its frames and stride must match). */
        public Builder sampler(ClipSampler sampler) {
            this.sampler = sampler;
            return this;
        }

        public VideoClipSource build() {
            if (dataset == null || spec == null || masker == null) {
                throw new IllegalArgumentException("VideoClipSource needs a dataset, a FrameSpec and a masker, got "
                        + dataset + ", " + spec + ", " + masker);
            }
            if (batchSize <= 0 || frames <= 0 || stride <= 0 || workers <= 0 || buffers <= 0) {
                throw new IllegalArgumentException("batch size, frames, stride, workers and buffers must be positive, got "
                        + batchSize + ", " + frames + ", " + stride + ", " + workers + ", " + buffers);
            }
            if (cacheBytes < 0) {
                throw new IllegalArgumentException("cache budget must be >= 0 bytes, got " + cacheBytes);
            }
            if (sampler != null && (sampler.frames() != frames || sampler.stride() != stride)) {
                throw new IllegalArgumentException("sampler takes " + sampler.frames() + " frames with stride "
                        + sampler.stride() + ", the source " + frames + " with stride " + stride);
            }
            if (frames % masker.gridT() != 0 || spec.height() % masker.gridH() != 0 || spec.width() % masker.gridW() != 0) {
                throw new IllegalArgumentException("mask grid " + masker.gridT() + "x" + masker.gridH() + "x" + masker.gridW()
                        + " does not tile clips of " + frames + " frames of " + spec.height() + "x" + spec.width()
                        + " (need T/tubelet x H/patch x W/patch)");
            }
            return new VideoClipSource(this);
        }
    }
}
