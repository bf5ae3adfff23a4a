package io.github.jepa4j.video.data;

import io.github.jepa4j.core.data.PrefetchRing;
import io.github.jepa4j.video.decode.FrameSpec;
import io.github.jepa4j.video.decode.VideoClipDecoder;
import io.github.jepa4j.video.mask.MultiBlock3dMasker;
import io.github.jepa4j.video.mask.VideoMaskSet;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prefetching clip loader: worker threads decode the clips a {@link ClipSampler} picks for each
 * step into a ring of {@code R} reusable float batches {@code [B, C, T, H, W]}, with masks from
 * an optional {@link MultiBlock3dMasker} sampled on the worker, while the consumer trains on
 * earlier steps.
 *
 * <p>The ring, threads and synchronisation are core's {@link PrefetchRing} (slot states, in-order
 * delivery, errors rethrown for the failed batch), as for jepa-image's {@code BatchLoader}, indexed by step instead of epoch permutation, because clips
 * are drawn per step and resuming at any step must be O(1): step {@code k}'s clips are {@code
 * sampler.clips(k, B)} and its masks {@code masker.sample(n, k)}, so content depends only on
 * the seeds and {@code k}, never on the number of workers or timing, and a loader started at
 * step {@code k} ({@link Builder#startStep}) delivers exactly what a loader started at 0
 * delivers there.
 *
 * <p>Buffers: step {@code k} uses buffer {@code k mod R}; a worker waits until the consumer
 * released the previous batch of that buffer, so at most {@code R} steps are in flight and no
 * pixel memory is allocated after construction (a partial last batch is a view). Decoders: each
 * worker keeps its own small LRU of open {@link VideoClipDecoder}s (one native decoder per
 * thread and file), closed when the worker exits. {@link ClipBatch#waitNanos()} is the time
 * {@link #next()} blocked ("data wait"). A worker exception stops the loader and {@link #next()}
 * rethrows it for the failed step as an {@link IllegalStateException} naming the step and the
 * cause (which names the file). {@link #close()} stops and joins the workers.
 *
 * <p>Cache: with a {@link ClipCache} ({@link Builder#cache}) a worker first looks the clip up by
 * (file, start, frames, stride, spec) and decodes only on a miss, storing the uint8 pixels; the
 * batch content is the same either way. {@link #clipsDecoded()} counts real decodes.
 *
 * <p>Bad clips: by default a clip that fails to decode fails its step; with {@link
 * Builder#skipBadClips} it is replaced (warning naming the file) by the next decodable video's
 * clip, and {@link #clipsSkipped()} counts the failures.
 *
 * <p>Defaults: 2 workers, 4 buffers, start at step 0, 4 open decoders per worker, no masker, no cache.
 */
public final class ClipLoader implements Iterator<ClipBatch>, AutoCloseable {
    private static final AtomicInteger LOADER_IDS = new AtomicInteger();
    private static final Logger LOG = LoggerFactory.getLogger(ClipLoader.class);

    /** One reusable buffer and the step it holds. */
    static final class Slot {
        final INDArray clips;
        final int[] videos;
        final int[] starts;
        final int[] labels;
        INDArray view;
        int size;
        VideoMaskSet masks;

        Slot(INDArray clips, int batchSize) {
            this.clips = clips;
            this.videos = new int[batchSize];
            this.starts = new int[batchSize];
            this.labels = new int[batchSize];
        }
    }

    /** One worker with its own small LRU of open decoders, closed when it exits. */
    private final class DecodeWorker implements PrefetchRing.Worker<Slot> {
        final Map<Integer, VideoClipDecoder> decoders = new LinkedHashMap<>(16, 0.75f, true);

        @Override
        public void fill(Slot s, long g) {
            int n = sampler.clips(g, batchSize, s.videos, s.starts);
            s.size = n;
            s.view = n == batchSize ? s.clips
                    : s.clips.get(NDArrayIndex.interval(0, n), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(),
                            NDArrayIndex.all());
            for (int j = 0; j < n; j++) {
                if (!skipBadClips) {
                    read(s.videos[j], s.starts[j], s.view, j);
                } else {
                    readOrReplace(s, j, g);
                }
                s.labels[j] = dataset.label(s.videos[j]);
            }
            s.masks = masker == null ? null : masker.sample(n, g);
        }

        /** Clip {@code (v, start)} into {@code batch[j]}, from the cache when it holds it. */
        private void read(int v, int start, INDArray batch, int j) {
            if (cache == null) {
                decoder(v).readClip(start, sampler.frames(), sampler.stride(), batch, j);
                decoded.incrementAndGet();
                return;
            }
            ClipCache.Key key = new ClipCache.Key(dataset.file(v), start, sampler.frames(), sampler.stride(), spec);
            byte[] px = cache.get(key);
            if (px == null) {
                px = new byte[(int) key.bytes()];
                decoder(v).readClipBytes(start, sampler.frames(), sampler.stride(), px, 0);
                decoded.incrementAndGet();
                cache.put(key, px);
            }
            VideoClipDecoder.writeClip(px, 0, spec, sampler.frames(), batch, j);
        }

        /**
         * Reads clip {@code j}; when it cannot be decoded, logs a warning naming the file (once per
         * video) and substitutes the same start (clamped) of the next video that decodes, recording
         * the substitute in the slot. Depends only on the files, so batches stay deterministic.
         */
        private void readOrReplace(Slot s, int j, long step) {
            int n = dataset.size();
            int span = sampler.span();
            IllegalArgumentException first = null;
            for (int k = 0; k < n; k++) {
                int v = (s.videos[j] + k) % n;
                if (dataset.frameCount(v) < span) {
                    continue;
                }
                int start = Math.min(s.starts[j], dataset.frameCount(v) - span);
                try {
                    read(v, start, s.view, j);
                    s.videos[j] = v;
                    s.starts[j] = start;
                    return;
                } catch (IllegalArgumentException e) {
                    skipped.incrementAndGet();
                    VideoClipDecoder d = decoders.remove(v); // its state after a failure is unknown
                    if (d != null) {
                        d.close();
                    }
                    if (warned.add(v)) {
                        LOG.warn("step {}: skipping a clip of {} that cannot be decoded ({}); using another video's clip;"
                                + " further failures of this file are counted, not logged", step, dataset.file(v),
                                e.getMessage());
                    }
                    first = first == null ? e : first;
                }
            }
            throw new IllegalStateException("no video under " + dataset.root() + " could be decoded for a clip of step "
                    + step + "; first error: " + (first == null ? "none long enough" : first.getMessage()), first);
        }

        private VideoClipDecoder decoder(int video) {
            VideoClipDecoder d = decoders.get(video);
            if (d == null) {
                if (decoders.size() >= openDecoders) { // evict the least recently used
                    Iterator<VideoClipDecoder> it = decoders.values().iterator();
                    it.next().close();
                    it.remove();
                }
                d = new VideoClipDecoder(dataset.file(video), spec, dataset.info(video));
                decoders.put(video, d);
            }
            return d;
        }

        @Override
        public void close() {
            decoders.values().forEach(VideoClipDecoder::close);
        }
    }

    private final VideoFolderDataset dataset;
    private final ClipSampler sampler;
    private final FrameSpec spec;
    private final MultiBlock3dMasker masker;
    private final int batchSize;
    private final int openDecoders;
    private final ClipCache cache;
    private final boolean skipBadClips;
    private final AtomicLong decoded = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final Set<Integer> warned = ConcurrentHashMap.newKeySet();
    private final PrefetchRing<Slot> ring;

    private ClipLoader(Builder b) {
        dataset = b.dataset;
        sampler = b.sampler;
        spec = b.spec;
        masker = b.masker;
        batchSize = b.batchSize;
        openDecoders = b.openDecoders;
        cache = b.cache;
        skipBadClips = b.skipBadClips;
        List<Slot> slots = new ArrayList<>();
        for (int i = 0; i < b.buffers; i++) {
            INDArray a = Nd4j.create(DataType.FLOAT, batchSize, spec.channels(), sampler.frames(), spec.height(), spec.width());
            slots.add(new Slot(a, batchSize));
        }
        ring = PrefetchRing.builder("ClipLoader", slots, DecodeWorker::new)
                .range(b.startStep, sampler.steps(batchSize))
                .workers(b.workers)
                .threadName("jepa4j-clip-loader-" + LOADER_IDS.incrementAndGet())
                .nouns("step", "steps", "clip buffers", "ClipBatch")
                .failure((s, g, cause) -> "ClipLoader worker failed preparing step " + g + " from " + dataset.root()
                        + ": " + cause.getMessage())
                .onRelease(s -> s.masks = null)
                .joinMillis(TimeUnit.SECONDS.toMillis(30))
                .build();
        ring.start();
    }

    /** A builder for batches of {@code batchSize} clips of {@code dataset} chosen by {@code sampler}. */
    public static Builder builder(VideoFolderDataset dataset, ClipSampler sampler, FrameSpec spec, int batchSize) {
        return new Builder(dataset, sampler, spec, batchSize);
    }

    public VideoFolderDataset dataset() {
        return dataset;
    }

    public ClipSampler sampler() {
        return sampler;
    }

    public FrameSpec spec() {
        return spec;
    }

    public int batchSize() {
        return batchSize;
    }

    /** Number of reusable buffers R. */
    public int buffers() {
        return ring.size();
    }

    public int workers() {
        return ring.workers().size();
    }

    /** The decoded-clip cache, or null. */
    public ClipCache cache() {
        return cache;
    }

    /** Clips decoded from files so far (cache hits are not counted). */
    public long clipsDecoded() {
        return decoded.get();
    }

    /** Clips that failed to decode and were replaced ({@link Builder#skipBadClips}). */
    public long clipsSkipped() {
        return skipped.get();
    }

    /** Consumer wait of the most recent {@link #next()}, in nanoseconds. */
    public long lastWaitNanos() {
        return ring.lastWaitNanos();
    }

    /** Sum of the consumer waits of all {@link #next()} calls, in nanoseconds. */
    public long totalWaitNanos() {
        return ring.totalWaitNanos();
    }

    @Override
    public boolean hasNext() {
        return ring.hasNext();
    }

    /**
     * The next step's batch, blocking until a worker has filled it. Release it after use.
     *
     * @throws IllegalStateException if a worker failed on this step (the cause is the worker's
     *     exception), the loader is closed, or all buffers are still held by the consumer
     */
    @Override
    public ClipBatch next() {
        return new ClipBatch(ring.next());
    }

    /** Stops the workers (which close their decoders) and waits for them; idempotent. */
    @Override
    public void close() {
        ring.close();
    }

    /** Configuration with validation in {@link #build()}, which starts the workers. */
    public static final class Builder {
        private final VideoFolderDataset dataset;
        private final ClipSampler sampler;
        private final FrameSpec spec;
        private final int batchSize;
        private MultiBlock3dMasker masker;
        private int workers = 2;
        private int buffers = 4;
        private long startStep = 0;
        private int openDecoders = 4;
        private ClipCache cache;
        private boolean skipBadClips;

        private Builder(VideoFolderDataset dataset, ClipSampler sampler, FrameSpec spec, int batchSize) {
            this.dataset = dataset;
            this.sampler = sampler;
            this.spec = spec;
            this.batchSize = batchSize;
        }

        /** Samples 3D token masks for each step on the worker thread (default none). */
        public Builder masker(MultiBlock3dMasker masker) {
            this.masker = masker;
            return this;
        }

        /** Worker threads, each with its own decoders (default 2). */
        public Builder workers(int n) {
            this.workers = n;
            return this;
        }

        /** Reusable batch buffers R, the bound on steps in flight (default 4). */
        public Builder buffers(int n) {
            this.buffers = n;
            return this;
        }

        /** First step delivered, for resuming (default 0). */
        public Builder startStep(long step) {
            this.startStep = step;
            return this;
        }

        /** Open decoders each worker keeps (LRU; default 4). */
        public Builder openDecoders(int n) {
            this.openDecoders = n;
            return this;
        }

        /**
         * Keeps decoded clips in {@code cache} (uint8) and takes clips from it when present, so
         * later epochs need not decode again (default none: every clip is decoded).
         */
        public Builder cache(ClipCache cache) {
            this.cache = cache;
            return this;
        }

        /**
         * When a clip cannot be decoded (a file truncated or damaged after indexing): false
         * (default) fails the step, which stops the loader; true logs a warning naming the file and
         * substitutes the clip at the same start of the next video that decodes, so a long run
         * goes on ({@link ClipBatch#videos()} and {@link ClipBatch#starts()} name the substitute).
         */
        public Builder skipBadClips(boolean skip) {
            this.skipBadClips = skip;
            return this;
        }

        public ClipLoader build() {
            if (dataset == null || sampler == null || spec == null) {
                throw new IllegalArgumentException("ClipLoader needs a dataset, a sampler and a FrameSpec, got "
                        + dataset + ", " + sampler + ", " + spec);
            }
            if (batchSize <= 0) {
                throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
            }
            if (workers <= 0 || buffers <= 0 || openDecoders <= 0) {
                throw new IllegalArgumentException("workers, buffers and openDecoders must be positive, got " + workers
                        + ", " + buffers + " and " + openDecoders);
            }
            if (startStep < 0 || startStep > sampler.steps(batchSize)) {
                throw new IllegalArgumentException("start step " + startStep + " is outside [0, "
                        + sampler.steps(batchSize) + "]");
            }
            return new ClipLoader(this);
        }
    }
}
