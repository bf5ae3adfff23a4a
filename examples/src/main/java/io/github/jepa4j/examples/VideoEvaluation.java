package io.github.jepa4j.examples;

import io.github.jepa4j.core.model.VisionTransformer;
import io.github.jepa4j.regularizers.metrics.CollapseMetrics;
import io.github.jepa4j.regularizers.metrics.CollapseStats;
import io.github.jepa4j.regularizers.probe.AttentiveProbe;
import io.github.jepa4j.regularizers.probe.AttentiveProbeConfig;
import io.github.jepa4j.regularizers.probe.LinearRegressionProbe;
import io.github.jepa4j.video.data.ClipBatch;
import io.github.jepa4j.video.data.ClipCache;
import io.github.jepa4j.video.data.ClipLoader;
import io.github.jepa4j.video.data.FixedClipSampler;
import io.github.jepa4j.video.data.VideoFolderDataset;
import io.github.jepa4j.video.decode.FrameSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * State probes of a frozen video encoder: from the features of clips, regress every
 * {@code labels.csv} column at the clip's last frame (for the bouncing balls: position and
 * velocity of the ball) and report held-out R² per column.
 *
 * <ul>
 *   <li>{@code linear}: ridge regression ({@link LinearRegressionProbe} on standardised features,
 *       penalty per column from {@link #LAMBDAS} chosen on held-out training videos) on the
 *       average-pooled final tokens {@code [D]};</li>
 *   <li>{@code attentive}: V-JEPA's attentive probe ({@link AttentiveProbe}, 4 heads, 50 epochs)
 *       on all final tokens {@code [N, D]};</li>
 *   <li>{@code pixels}: the baseline, ridge regression (as {@code linear}) on raw pixels of the
 *       clip's last two frames (channel mean, average-pooled to at most 16 x 16 per frame).</li>
 * </ul>
 *
 * <p>Clips: every start frame of every video of a split with a label row for the clip's last
 * frame, thinned evenly to at most {@code nTrain} (fit, training videos) and {@code nTest}
 * (score, held-out videos). Collapse metrics (RankMe, std of L2-normalised features) are those of
 * the pooled test features. The clip cache, when given, is shared with training.
 */
public final class VideoEvaluation {
    private static final Logger LOG = LoggerFactory.getLogger(VideoEvaluation.class);
    private static final WorkspaceConfiguration WS = WorkspaceConfiguration.builder()
            .policyAllocation(AllocationPolicy.STRICT).policyLearning(LearningPolicy.FIRST_LOOP).build();
    static final int BATCH = 32;
    /** Pixel-baseline frames are average-pooled to at most this many pixels per side. */
    static final int PIXEL_SIDE = 16;

    private VideoEvaluation() {}

    /**
     * Held-out R² per target column of each probe ({@code linear}, {@code attentive},
     * {@code pixels}; null when not computed, all three without labels), collapse metrics of the pooled test features, and
     * the numbers of clips.
     */
    public record Result(Map<String, Double> linear, Map<String, Double> attentive, Map<String, Double> pixels,
                         double rankMe, double stdL2, int trainClips, int testClips, double seconds) {}

    /** Clips of one split: videos, starts and the dataset they index. */
    record Clips(VideoFolderDataset ds, int[] videos, int[] starts) {
        int size() {
            return videos.length;
        }
    }

    /** Features of a set of clips: pooled {@code [n, D]}, tokens {@code [n, N, D]}, pixels {@code [n, P]}, targets {@code [n, K]}. */
    record Features(INDArray pooled, INDArray tokens, INDArray pixels, INDArray targets) {}

    /**
     * Every labelled clip (start every frame) of {@code videos} in {@code ds}, thinned evenly to at
     * most {@code max}.
     */
    static Clips clips(VideoFolderDataset ds, int[] videos, int frames, int stride, int max) {
        return clips(ds, videos, frames, stride, max, true);
    }

    /** As {@link #clips(VideoFolderDataset, int[], int, int, int)}, labelled or not when {@code labelled} is false. */
    static Clips clips(VideoFolderDataset ds, int[] videos, int frames, int stride, int max, boolean labelled) {
        int span = (frames - 1) * stride + 1;
        List<int[]> all = new ArrayList<>();
        for (int v : videos) {
            for (int s = 0; s + span <= ds.frameCount(v); s++) {
                if (!labelled || ds.hasTarget(v, s + span - 1)) {
                    all.add(new int[] {v, s});
                }
            }
        }
        if (all.isEmpty()) {
            throw new IllegalArgumentException("no clip of " + frames + " frames (stride " + stride + ") of " + videos.length
                    + " videos under " + ds.root() + " has a labels.csv row for its last frame: the state probes need"
                    + " per-frame targets (labels.csv with columns file,frame,<name>,...)");
        }
        int n = Math.min(max, all.size());
        int[] v = new int[n];
        int[] st = new int[n];
        for (int i = 0; i < n; i++) {
            int[] c = all.get((int) ((long) i * all.size() / n));
            v[i] = c[0];
            st[i] = c[1];
        }
        return new Clips(ds, v, st);
    }

    /** The first {@code n} clips of {@code set} as one float batch {@code [n, C, T, H, W]} (for the collapse monitor). */
    static INDArray clipTensor(Clips set, FrameSpec spec, int frames, int stride, int n, ClipCache cache) {
        int m = Math.min(n, set.size());
        FixedClipSampler s = new FixedClipSampler(set.ds(), frames, stride, java.util.Arrays.copyOf(set.videos(), m),
                java.util.Arrays.copyOf(set.starts(), m));
        try (ClipLoader l = ClipLoader.builder(set.ds(), s, spec, m).workers(1).buffers(1).cache(cache)
                .skipBadClips(true).build(); ClipBatch b = l.next()) {
            return b.clips().dup();
        }
    }

    /** Frozen features of {@code set}, computed in batches with a workspace reused batch after batch. */
    static Features features(VisionTransformer encoder, Clips set, FrameSpec spec, int frames, int stride, ClipCache cache,
                             int workers, boolean skipBad) {
        int n = set.size();
        int d = encoder.config().dim();
        int tokens = encoder.config().numTokens();
        int k = set.ds().targetNames().length;
        int pool = 1; // the smallest pooling factor dividing the frame to at most PIXEL_SIDE per side
        while (spec.height() / pool > PIXEL_SIDE || spec.height() % pool != 0 || spec.width() % pool != 0) {
            pool++;
        }
        int side = spec.height() / pool;
        int pw = spec.width() / pool;
        INDArray pooled = Nd4j.create(DataType.DOUBLE, n, d);
        INDArray tok = Nd4j.create(DataType.FLOAT, n, tokens, d);
        INDArray pixels = Nd4j.create(DataType.DOUBLE, n, 2L * side * pw);
        double[][] y = new double[n][k];
        FixedClipSampler sampler = new FixedClipSampler(set.ds(), frames, stride, set.videos(), set.starts());
        int last = (frames - 1) * stride;
        try (ClipLoader l = ClipLoader.builder(set.ds(), sampler, spec, BATCH).workers(Math.max(1, workers)).cache(cache)
                .skipBadClips(skipBad).build()) {
            int from = 0;
            while (l.hasNext()) {
                try (ClipBatch b = l.next()) {
                    int m = b.size();
                    for (int j = 0; j < m; j++) {
                        // A substituted clip (bad file) brings its own targets; unlabelled ones read NaN.
                        set.ds().target(b.videos()[j], b.starts()[j] + last, y[from + j]);
                    }
                    INDArray x = b.clips();
                    try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(WS, "jepa4j-video-features")) {
                        INDArray t = encoder.forward(x);
                        tok.get(NDArrayIndex.interval(from, from + m), NDArrayIndex.all(), NDArrayIndex.all()).assign(t);
                        pooled.get(NDArrayIndex.interval(from, from + m), NDArrayIndex.all())
                                .assign(t.mean(1).castTo(DataType.DOUBLE));
                        // Pixel baseline: last two frames, channel mean, pooled to side x pw.
                        INDArray lastTwo = x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(frames - 2, frames),
                                NDArrayIndex.all(), NDArrayIndex.all()).mean(1); // [m, 2, H, W]
                        INDArray p = lastTwo.dup('c').reshape('c', m, 2, side, pool, pw, pool).mean(3, 5);
                        pixels.get(NDArrayIndex.interval(from, from + m), NDArrayIndex.all())
                                .assign(p.reshape('c', m, 2L * side * pw).castTo(DataType.DOUBLE));
                    }
                    from += m;
                }
            }
        }
        return dropUnlabelled(new Features(pooled, tok, pixels, Nd4j.createFromArray(y)), set.ds());
    }

    /**
     * Leaves out clips whose targets are missing: only substitutes for clips of a file that failed
     * to decode can lack them (the planned clips all have label rows).
     */
    private static Features dropUnlabelled(Features f, VideoFolderDataset ds) {
        double[][] y = f.targets().toDoubleMatrix();
        List<Long> keep = new ArrayList<>();
        for (int i = 0; i < y.length; i++) {
            if (java.util.Arrays.stream(y[i]).noneMatch(Double::isNaN)) {
                keep.add((long) i);
            }
        }
        if (keep.size() == y.length) {
            return f;
        }
        LOG.warn("{} of {} probe clips under {} are substitutes without labels (a file failed to decode); left out",
                y.length - keep.size(), y.length, ds.root());
        long[] rows = keep.stream().mapToLong(Long::longValue).toArray();
        return new Features(f.pooled().get(NDArrayIndex.indices(rows), NDArrayIndex.all()),
                f.tokens().get(NDArrayIndex.indices(rows), NDArrayIndex.all(), NDArrayIndex.all()),
                f.pixels().get(NDArrayIndex.indices(rows), NDArrayIndex.all()),
                f.targets().get(NDArrayIndex.indices(rows), NDArrayIndex.all()));
    }

    /**
     * Fits and scores the probes: features of {@code train} clips fit, of {@code test} clips score.
     *
     * @param pixelBaseline whether to fit the pixel baseline too
     */
    public static Result evaluate(VisionTransformer encoder, VideoExperiment.VideoData data, RunConfig c, ClipCache cache,
                                  boolean pixelBaseline) {
        if (c.frames() < 2) {
            pixelBaseline = false; // the baseline reads two frames
        }
        long t0 = System.nanoTime();
        FrameSpec spec = VideoExperiment.spec(c);
        boolean skip = !c.onBadInput().equals("fail");
        if (!data.train().hasTargets() || !data.test().hasTargets()) {
            // No labels.csv: nothing to probe; collapse metrics of the held-out clips only.
            Clips testClips = clips(data.test(), data.testVideos(), c.frames(), c.stride(), c.evalTest(), false);
            Features te = features(encoder, testClips, spec, c.frames(), c.stride(), cache, c.workers(), skip);
            CollapseStats stats = CollapseMetrics.compute(te.pooled());
            LOG.warn("no labels.csv under {}: state probes skipped; RankMe {}, std-l2 {}", data.test().root(),
                    stats.rankMe(), stats.stdOfL2Normalized());
            return new Result(null, null, null, stats.rankMe(), stats.stdOfL2Normalized(), 0, testClips.size(),
                    (System.nanoTime() - t0) / 1e9);
        }
        Clips trainClips = clips(data.train(), data.trainVideos(), c.frames(), c.stride(), c.evalTrain());
        Clips testClips = clips(data.test(), data.testVideos(), c.frames(), c.stride(), c.evalTest());
        Features tr = features(encoder, trainClips, spec, c.frames(), c.stride(), cache, c.workers(), skip);
        Features te = features(encoder, testClips, spec, c.frames(), c.stride(), cache, c.workers(), skip);
        String[] names = data.train().targetNames();
        if (!java.util.Arrays.equals(names, data.test().targetNames())) {
            throw new IllegalArgumentException("train and test labels.csv have different columns: "
                    + java.util.Arrays.toString(names) + " vs " + java.util.Arrays.toString(data.test().targetNames()));
        }
        double tFeat = (System.nanoTime() - t0) / 1e9;
        Map<String, Double> lin = named(names, ridgeR2(tr.pooled(), tr.targets(), te.pooled(), te.targets()));
        Map<String, Double> att = named(names, new AttentiveProbe(AttentiveProbeConfig.defaults().withSeed(c.seed()))
                .fitRegressor(tr.tokens(), tr.targets()).r2(te.tokens(), te.targets()));
        Map<String, Double> px = pixelBaseline
                ? named(names, ridgeR2(tr.pixels(), tr.targets(), te.pixels(), te.targets()))
                : null;
        CollapseStats stats = CollapseMetrics.compute(te.pooled());
        double secs = (System.nanoTime() - t0) / 1e9;
        LOG.info(String.format(Locale.ROOT, "state probes on %d / %d clips (features %.1f s, all %.1f s): R² linear %s,"
                        + " attentive %s%s; RankMe %.1f / %d, std-l2 %.4f", trainClips.size(), testClips.size(), tFeat, secs,
                fmt(lin), fmt(att), px == null ? "" : ", pixels " + fmt(px), stats.rankMe(), stats.dim(),
                stats.stdOfL2Normalized()));
        Result r = new Result(lin, att, px, stats.rankMe(), stats.stdOfL2Normalized(), trainClips.size(), testClips.size(), secs);
        for (INDArray a : new INDArray[] {tr.pooled(), tr.tokens(), tr.pixels(), te.pooled(), te.tokens(), te.pixels()}) {
            a.close(); // large native buffers: free now rather than at the next GC
        }
        return r;
    }

    /** Ridge penalties tried per target column. */
    static final double[] LAMBDAS = {1e-2, 1e-1, 1, 10, 100, 1e3, 1e4};

    /**
     * Held-out R² per column of ridge regression with the penalty chosen per column on a
     * validation split (the last fifth of the training rows, i.e. of the training videos, since
     * clips are ordered by video: neighbouring clips of one video would leak), refitted on all
     * training rows.
     */
    static double[] ridgeR2(INDArray xTrain, INDArray yTrain, INDArray xTest, INDArray yTest) {
        int n = (int) xTrain.size(0);
        int k = (int) yTrain.size(1);
        int cut = Math.max(1, n - Math.max(1, n / 5));
        INDArray xf = xTrain.get(NDArrayIndex.interval(0, cut), NDArrayIndex.all());
        INDArray yf = yTrain.get(NDArrayIndex.interval(0, cut), NDArrayIndex.all());
        INDArray xv = xTrain.get(NDArrayIndex.interval(cut, n), NDArrayIndex.all());
        INDArray yv = yTrain.get(NDArrayIndex.interval(cut, n), NDArrayIndex.all());
        double[] best = new double[k];
        double[] bestLambda = new double[k];
        java.util.Arrays.fill(best, Double.NEGATIVE_INFINITY);
        for (double lambda : LAMBDAS) {
            double[] r = new LinearRegressionProbe(lambda).fit(xf, yf).r2(xv, yv);
            for (int j = 0; j < k; j++) {
                if (r[j] > best[j]) {
                    best[j] = r[j];
                    bestLambda[j] = lambda;
                }
            }
        }
        double[] out = new double[k];
        Map<Double, double[]> fitted = new LinkedHashMap<>();
        for (int j = 0; j < k; j++) {
            out[j] = fitted.computeIfAbsent(bestLambda[j], l -> new LinearRegressionProbe(l).fit(xTrain, yTrain).r2(xTest, yTest))[j];
        }
        return out;
    }

    private static Map<String, Double> named(String[] names, double[] r2) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) {
            m.put(names[i], r2[i]);
        }
        return m;
    }

    private static String fmt(Map<String, Double> m) {
        StringBuilder sb = new StringBuilder("{");
        m.forEach((k, v) -> sb.append(sb.length() > 1 ? ", " : "").append(k).append(String.format(Locale.ROOT, " %.3f", v)));
        return sb.append('}').toString();
    }

    /** The summary entries of a result: {@code r2} (linear, attentive), {@code r2_pixels}, collapse metrics. */
    static void put(Map<String, Object> summary, Result r) {
        if (r.linear() != null) {
            Map<String, Object> r2 = new LinkedHashMap<>();
            r2.put("linear", r.linear());
            r2.put("attentive", r.attentive());
            summary.put("r2", r2);
        }
        if (r.pixels() != null) {
            summary.put("r2_pixels", r.pixels());
        }
        summary.put("rankme", r.rankMe());
        summary.put("std_l2", r.stdL2());
        summary.put("probe_train_clips", r.trainClips());
        summary.put("probe_test_clips", r.testClips());
        summary.put("eval_seconds", r.seconds());
    }
}
