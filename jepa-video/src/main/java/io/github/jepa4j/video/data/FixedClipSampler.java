package io.github.jepa4j.video.data;

import java.util.ArrayList;
import java.util.List;

/**
 * A fixed, ordered list of clips delivered once, for evaluation: step {@code k} holds clips
 * {@code [k B, min((k + 1) B, N))}; the last step may be partial.
 *
 * <p>Factories: {@link #centred} (one clip per video, centred in it) and {@link #dense} (clips
 * starting every {@code every} frames). Videos shorter than a clip's span are left out.
 */
public final class FixedClipSampler implements ClipSampler {
    private final int frames;
    private final int stride;
    private final int[] videos;
    private final int[] starts;

    /** The clips {@code (videos[i], starts[i])} of {@code dataset}, in this order. */
    public FixedClipSampler(VideoFolderDataset dataset, int frames, int stride, int[] videos, int[] starts) {
        if (frames <= 0 || stride <= 0) {
            throw new IllegalArgumentException("clips need frames > 0 and stride > 0, got frames=" + frames + " stride=" + stride);
        }
        if (videos == null || starts == null || videos.length != starts.length || videos.length == 0) {
            throw new IllegalArgumentException("need equally long, non-empty video and start lists, got "
                    + (videos == null ? "null" : videos.length) + " and " + (starts == null ? "null" : starts.length));
        }
        this.frames = frames;
        this.stride = stride;
        int span = (frames - 1) * stride + 1;
        for (int i = 0; i < videos.length; i++) {
            int v = videos[i];
            if (v < 0 || v >= dataset.size()) {
                throw new IllegalArgumentException("clip " + i + ": video index " + v + " is outside [0, " + dataset.size() + ")");
            }
            if (starts[i] < 0 || starts[i] + span > dataset.frameCount(v)) {
                throw new IllegalArgumentException("clip " + i + " [start " + starts[i] + ", span " + span + "] does not fit in "
                        + dataset.name(v) + ", which has " + dataset.frameCount(v) + " frames");
            }
        }
        this.videos = videos.clone();
        this.starts = starts.clone();
    }

    /** One clip per video long enough, centred in it. */
    public static FixedClipSampler centred(VideoFolderDataset dataset, int frames, int stride) {
        int span = (frames - 1) * stride + 1;
        List<int[]> c = new ArrayList<>();
        for (int v : RandomClipSampler.eligibleVideos(dataset, span)) {
            c.add(new int[] {v, (dataset.frameCount(v) - span) / 2});
        }
        return of(dataset, frames, stride, c);
    }

    /** Every clip starting at frames {@code 0, every, 2 every, ...} of every video long enough. */
    public static FixedClipSampler dense(VideoFolderDataset dataset, int frames, int stride, int every) {
        if (every <= 0) {
            throw new IllegalArgumentException("clip start spacing must be positive, got " + every);
        }
        int span = (frames - 1) * stride + 1;
        List<int[]> c = new ArrayList<>();
        for (int v : RandomClipSampler.eligibleVideos(dataset, span)) {
            for (int s = 0; s + span <= dataset.frameCount(v); s += every) {
                c.add(new int[] {v, s});
            }
        }
        return of(dataset, frames, stride, c);
    }

    private static FixedClipSampler of(VideoFolderDataset ds, int frames, int stride, List<int[]> clips) {
        int[] v = new int[clips.size()];
        int[] s = new int[clips.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = clips.get(i)[0];
            s[i] = clips.get(i)[1];
        }
        return new FixedClipSampler(ds, frames, stride, v, s);
    }

    @Override
    public int frames() {
        return frames;
    }

    @Override
    public int stride() {
        return stride;
    }

    /** Number of clips N. */
    public int size() {
        return videos.length;
    }

    @Override
    public long steps(int batchSize) {
        return (videos.length + batchSize - 1) / batchSize;
    }

    @Override
    public long stepsPerEpoch(int batchSize) {
        return steps(batchSize);
    }

    @Override
    public int clips(long step, int batchSize, int[] v, int[] s) {
        if (step < 0 || step >= steps(batchSize)) {
            throw new IllegalArgumentException("step " + step + " is outside [0, " + steps(batchSize) + ") for "
                    + videos.length + " clips in batches of " + batchSize);
        }
        int from = (int) (step * batchSize);
        int n = Math.min(batchSize, videos.length - from);
        System.arraycopy(videos, from, v, 0, n);
        System.arraycopy(starts, from, s, 0, n);
        return n;
    }

    @Override
    public String toString() {
        return "FixedClipSampler[" + videos.length + " clips, " + frames + " frames, stride " + stride + "]";
    }
}
