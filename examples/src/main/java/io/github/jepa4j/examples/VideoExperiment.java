package io.github.jepa4j.examples;

import io.github.jepa4j.core.model.PredictorConfig;
import io.github.jepa4j.core.model.VitConfig;
import io.github.jepa4j.core.task.MaskedBatch;
import io.github.jepa4j.core.task.MaskedJepaConfig;
import io.github.jepa4j.core.task.MaskedJepaTask;
import io.github.jepa4j.video.data.ClipCache;
import io.github.jepa4j.video.data.RandomClipSampler;
import io.github.jepa4j.video.data.VideoClipSource;
import io.github.jepa4j.video.data.VideoFolderDataset;
import io.github.jepa4j.video.decode.FrameSpec;
import io.github.jepa4j.video.mask.MultiBlock3dMasker;
import io.github.jepa4j.video.synth.BouncingBalls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.nd4j.linalg.api.buffer.DataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the pieces of a video run (V-JEPA) from a {@link RunConfig}: the data (the built-in
 * bouncing-ball videos, generated once, or a video folder), the clip format, encoder and
 * predictor configs, 3D masks and the task. Shared by {@code train} and {@code eval}, so both
 * build the same model from the same settings.
 *
 * <p>Data: {@code --data balls} (default) generates {@code videos} training and
 * {@code max(16, videos / 4)} test videos of {@code videoFrames} frames at {@code clipSize x
 * clipSize} (one white ball, H.264, with {@code labels.csv}) under {@code DIR/train} and
 * {@code DIR/test}, {@code DIR} = {@code --data-dir} or {@code OUT/../data}, named after the
 * generator settings so later runs reuse it. {@code --data DIR}: {@code DIR/train} and
 * {@code DIR/test} when both exist, else every video of {@code DIR}, training on all of them and
 * holding out every fifth video for the probes.
 *
 * <p>Recipe (V-JEPA, Bardes et al. 2024): L1 loss on layer-normed EMA-target features, EMA
 * 0.998 -> 1 linear, short-range (8 x 0.15) and long-range (2 x 0.7) 3D multi-block masks over
 * the whole clip, each with its own context (alternating steps); by default plus a VICReg term on
 * the pooled context embeddings (see {@link RunConfig#videoDefaults()} for why; {@code
 * --anti-collapse none} is plain V-JEPA). Clips are RGB in {@code [0, 1]}.
 * Patch: {@code --patch}, else 8 for the {@code ref} encoder (a 4 x 4 grid on 32 x 32 clips) and
 * the preset's 16 for the ViT presets.
 */
public final class VideoExperiment {
    private static final Logger LOG = LoggerFactory.getLogger("jepa4j");

    /** {@code --data} name of the built-in bouncing-ball videos. */
    public static final String BUILT_IN = "balls";
    /** Generator seed of the built-in training videos (test videos use the next seed). */
    static final long DATA_SEED = 1234;
    /** In a single folder, video {@code i} is held out for the probes when {@code i % HOLD_OUT == HOLD_OUT - 1}. */
    static final int HOLD_OUT = 5;

    private VideoExperiment() {}

    /**
     * The videos of a run: {@code train} (self-supervised training and probe fitting, videos
     * {@code trainVideos}) and {@code test} (probe scoring, videos {@code testVideos}); the same
     * dataset twice for a single folder.
     */
    public record VideoData(String name, VideoFolderDataset train, int[] trainVideos, VideoFolderDataset test,
                            int[] testVideos) {}

    /** The built-in videos' folder for {@code c} (not generated). */
    public static Path builtInDir(RunConfig c) {
        Path base = c.dataDir() != null ? Path.of(c.dataDir())
                : Path.of(c.out()).toAbsolutePath().normalize().getParent().resolve("data");
        return base.toAbsolutePath().normalize().resolve("bouncing-balls-" + c.clipSize() + "px-n" + c.videos() + "-f"
                + c.videoFrames());
    }

    /** The bouncing-ball generator of split {@code test} (false: training videos). */
    static BouncingBalls generator(RunConfig c, boolean test) {
        return BouncingBalls.builder().videos(test ? Math.max(16, c.videos() / 4) : c.videos()).frames(c.videoFrames())
                .size(c.clipSize(), c.clipSize()).radius(Math.max(2, c.clipSize() / 10.0))
                .codec(BouncingBalls.Codec.H264).seed(test ? DATA_SEED + 1 : DATA_SEED).build();
    }

    /** Generates the built-in videos unless present; safe when several runs start at once (atomic rename). */
    public static Path ensureBuiltIn(RunConfig c) {
        Path dir = builtInDir(c);
        if (Files.isRegularFile(dir.resolve("test").resolve("labels.csv"))) {
            return dir;
        }
        long t0 = System.nanoTime();
        try {
            Files.createDirectories(dir.getParent());
            Path tmp = Files.createTempDirectory(dir.getParent(), dir.getFileName() + ".tmp");
            try {
                generator(c, false).write(tmp.resolve("train"));
                generator(c, true).write(tmp.resolve("test"));
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
                LOG.info("generated the bouncing-ball videos in {} ({} s)", dir,
                        String.format("%.1f", (System.nanoTime() - t0) / 1e9));
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                LOG.info("another run generated {} meanwhile; using it", dir); // lost the race: theirs is complete
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot move the generated videos into " + dir + ": " + e.getMessage(), e);
            } finally {
                deleteTree(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot generate the bouncing-ball videos in " + dir + ": " + e.getMessage(), e);
        }
        if (!Files.isRegularFile(dir.resolve("test").resolve("labels.csv"))) {
            throw new IllegalStateException("bouncing-ball videos missing in " + dir + " after generation");
        }
        return dir;
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }

    private static VideoFolderDataset folder(RunConfig c, Path dir) {
        VideoFolderDataset.OnError e = c.onBadInput().equals("fail") ? VideoFolderDataset.OnError.FAIL
                : VideoFolderDataset.OnError.SKIP;
        return VideoFolderDataset.builder(dir).onBadVideo(e).onBadLabel(e).build();
    }

    /** The run's videos (generating the built-in ones when needed). */
    public static VideoData data(RunConfig c) {
        if (c.data().equals(BUILT_IN)) {
            Path dir = ensureBuiltIn(c);
            VideoFolderDataset train = folder(c, dir.resolve("train"));
            VideoFolderDataset test = folder(c, dir.resolve("test"));
            return new VideoData("bouncing-balls", train, all(train), test, all(test));
        }
        Path dir = Path.of(c.data());
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("unknown video dataset '" + c.data() + "': not '" + BUILT_IN
                    + "' and not a directory");
        }
        String name = dir.toAbsolutePath().normalize().getFileName().toString();
        if (Files.isDirectory(dir.resolve("train")) && Files.isDirectory(dir.resolve("test"))) {
            VideoFolderDataset train = folder(c, dir.resolve("train"));
            VideoFolderDataset test = folder(c, dir.resolve("test"));
            return new VideoData(name, train, all(train), test, all(test));
        }
        VideoFolderDataset ds = folder(c, dir);
        if (ds.size() < 2) {
            throw new IllegalArgumentException("video folder " + dir + " has " + ds.size()
                    + " readable video; the probes need at least 2 (one to fit, one to score)");
        }
        List<Integer> tr = new ArrayList<>();
        List<Integer> te = new ArrayList<>();
        for (int i = 0; i < ds.size(); i++) {
            (i % HOLD_OUT == HOLD_OUT - 1 || (ds.size() < HOLD_OUT && i == ds.size() - 1) ? te : tr).add(i);
        }
        return new VideoData(name, ds, tr.stream().mapToInt(Integer::intValue).toArray(), ds,
                te.stream().mapToInt(Integer::intValue).toArray());
    }

    private static int[] all(VideoFolderDataset ds) {
        int[] a = new int[ds.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = i;
        }
        return a;
    }

    /** RGB clips of {@code clipSize x clipSize} in {@code [0, 1]}. */
    public static FrameSpec spec(RunConfig c) {
        return FrameSpec.rgb(c.clipSize(), c.clipSize());
    }

    public static VitConfig encoder(RunConfig c) {
        VitConfig v = VitConfig.preset(c.model(), 3, c.clipSize(), c.clipSize());
        int patch = c.patch() > 0 ? c.patch() : c.model().equals("ref") ? 8 : v.patch();
        return v.withPatch(patch).withVideo(c.frames(), c.tubelet());
    }

    public static MaskedJepaConfig jepaConfig(RunConfig c, VitConfig enc) {
        int heads = Math.max(1, c.predictorDim() / 32);
        return MaskedJepaConfig.vjepa(enc, PredictorConfig.forEncoder(enc, c.predictorDim(), c.predictorDepth(), heads))
                .withEma(c.emaStart(), 1.0, "linear");
    }

    /**
     * V-JEPA's short- and long-range 3D multi-block masks, plus a future-prediction generator when
     * {@code futureMask > 0} (the batch source takes one generator per step, in turn); small grids keep
     * at least 4 context tokens.
     */
    public static MultiBlock3dMasker masker(RunConfig c, VitConfig enc) {
        var b = MultiBlock3dMasker.builder(enc.gridT(), enc.gridH(), enc.gridW()).minKeep(enc.numTokens() <= 256 ? 4 : 10)
                .seed(c.seed() * 31 + 7);
        if (c.futureMask() > 0) {
            b.generators(MultiBlock3dMasker.BlockSpec.shortRange(), MultiBlock3dMasker.BlockSpec.longRange(),
                    MultiBlock3dMasker.BlockSpec.future(c.futureMask()));
        }
        return b.build();
    }

    public static MaskedJepaTask task(RunConfig c, VitConfig enc) {
        return new MaskedJepaTask(jepaConfig(c, enc), DataType.FLOAT, c.seed(), AntiCollapseChoice.modules(c));
    }

    /** Training clips: every training video once per epoch, random start. */
    static RandomClipSampler sampler(RunConfig c, VideoData d) {
        return new RandomClipSampler(d.train(), c.frames(), c.stride(), c.seed());
    }

    /** The task and its clip source (training videos, cache shared with the evaluation). */
    static Setup<MaskedBatch> setup(RunConfig c, VideoData d, VitConfig enc, ClipCache cache) {
        MaskedJepaTask t = task(c, enc);
        MultiBlock3dMasker m = masker(c, enc);
        return Setup.masked(t, () -> VideoClipSource.builder(d.train(), spec(c), c.batch(), c.frames(), c.stride(), m)
                .sampler(sampler(c, d)).workers(c.workers()).seed(c.seed()).cache(cache)
                .skipBadClips(!c.onBadInput().equals("fail")).build(), c);
    }

    /** The decoded-clip cache of {@code c}, or null. */
    static ClipCache cache(RunConfig c) {
        return c.cacheMb() > 0 ? new ClipCache(c.cacheMb() * (1L << 20)) : null;
    }
}
