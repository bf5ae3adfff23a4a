package io.github.jepa4j.video.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Random training clips: every eligible video once per epoch in a shuffled order, each with a
 * uniformly random start frame (as V-JEPA samples one clip per video per epoch).
 *
 * <p>Clip {@code b} of step {@code k} is number {@code p = k B + b} of an endless sequence; with
 * {@code V} eligible videos (those with at least {@link #span()} frames) it belongs to epoch
 * {@code e = p / V} and takes video {@code perm_e[p mod V]}, with {@code perm_e} a permutation
 * drawn from {@code (seed, e)}, and start frame uniform in {@code [0, frameCount - span]} from
 * {@code (seed, p)}. So the clips depend only on the seed and the step (and the batch size),
 * never on thread timing, and any step is computed directly (O(V) for the epoch's permutation,
 * cached): resuming at step {@code k} costs nothing.
 *
 * <p>Epoch: {@code max(1, V / B)} steps. Thread-safe.
 */
public final class RandomClipSampler implements ClipSampler {
    private static final Logger LOG = LoggerFactory.getLogger(RandomClipSampler.class);

    private final VideoFolderDataset dataset;
    private final int frames;
    private final int stride;
    private final long seed;
    private final int[] eligible;
    private final Map<Long, int[]> perms = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, int[]> e) {
            return size() > 4;
        }
    };

    public RandomClipSampler(VideoFolderDataset dataset, int frames, int stride, long seed) {
        if (frames <= 0 || stride <= 0) {
            throw new IllegalArgumentException("clips need frames > 0 and stride > 0, got frames=" + frames + " stride=" + stride);
        }
        this.dataset = dataset;
        this.frames = frames;
        this.stride = stride;
        this.seed = seed;
        this.eligible = eligibleVideos(dataset, span());
    }

    /** Indices of the videos with at least {@code span} frames; fails when there are none. */
    static int[] eligibleVideos(VideoFolderDataset ds, int span) {
        List<Integer> ok = new ArrayList<>();
        int longest = 0;
        for (int i = 0; i < ds.size(); i++) {
            longest = Math.max(longest, ds.frameCount(i));
            if (ds.frameCount(i) >= span) {
                ok.add(i);
            }
        }
        if (ok.isEmpty()) {
            throw new IllegalArgumentException("no video under " + ds.root() + " has the " + span
                    + " frames a clip spans; the longest has " + longest);
        }
        if (ok.size() < ds.size()) {
            LOG.warn("{} of {} videos under {} are shorter than the {} frames a clip spans and are never sampled",
                    ds.size() - ok.size(), ds.size(), ds.root(), span);
        }
        return ok.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public int frames() {
        return frames;
    }

    @Override
    public int stride() {
        return stride;
    }

    /** Number of videos long enough for a clip. */
    public int eligibleVideos() {
        return eligible.length;
    }

    @Override
    public long steps(int batchSize) {
        return Long.MAX_VALUE;
    }

    @Override
    public long stepsPerEpoch(int batchSize) {
        return Math.max(1, eligible.length / batchSize);
    }

    @Override
    public int clips(long step, int batchSize, int[] videos, int[] starts) {
        if (step < 0 || batchSize <= 0) {
            throw new IllegalArgumentException("step must be >= 0 and batchSize > 0, got " + step + " and " + batchSize);
        }
        int v = eligible.length;
        int span = span();
        for (int b = 0; b < batchSize; b++) {
            long p = step * batchSize + b;
            int video = eligible[permutation(p / v)[(int) (p % v)]];
            videos[b] = video;
            SplittableRandom rng = new SplittableRandom(mix(seed, 2 * p + 1));
            starts[b] = rng.nextInt(dataset.frameCount(video) - span + 1);
        }
        return batchSize;
    }

    private int[] permutation(long epoch) {
        synchronized (perms) {
            int[] p = perms.get(epoch);
            if (p == null) {
                p = new int[eligible.length];
                for (int i = 0; i < p.length; i++) {
                    p[i] = i;
                }
                SplittableRandom rng = new SplittableRandom(mix(seed, 2 * epoch));
                for (int i = p.length - 1; i > 0; i--) {
                    int j = rng.nextInt(i + 1);
                    int t = p[i];
                    p[i] = p[j];
                    p[j] = t;
                }
                perms.put(epoch, p);
            }
            return p;
        }
    }

    /** SplitMix64 of the seed and a stream number. */
    static long mix(long seed, long stream) {
        long z = seed ^ (stream * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public String toString() {
        return "RandomClipSampler[" + eligible.length + " videos, " + frames + " frames, stride " + stride + ", seed " + seed + "]";
    }
}
