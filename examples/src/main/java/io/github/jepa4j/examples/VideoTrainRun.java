package io.github.jepa4j.examples;

import io.github.jepa4j.core.model.VitConfig;
import io.github.jepa4j.core.task.MaskedBatch;
import io.github.jepa4j.video.data.ClipCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The video branch of {@link TrainRun} ({@code train --modality video}): V-JEPA on clips with the
 * same training loop, listeners, checkpoints, resume and plots as image runs, then the state
 * probes of {@link VideoEvaluation}; writes {@code summary.json} with {@code r2},
 * {@code r2_pixels}, {@code rankme}, {@code std_l2}, {@code clips_per_second},
 * {@code wall_seconds} and {@code peak_rss_mb}.
 */
final class VideoTrainRun {
    private static final Logger LOG = LoggerFactory.getLogger("jepa4j");
    /** Held-out clips the collapse monitor embeds every {@code monitorEvery} steps. */
    static final int MONITOR_CLIPS = 128;

    private VideoTrainRun() {}

    /** Called by {@link TrainRun#run} once the output directory and resume state are checked. */
    static Map<String, Object> run(RunConfig c, boolean resume, long t0) throws IOException {
        Path out = Path.of(c.out());
        VideoExperiment.VideoData data = VideoExperiment.data(c);
        VitConfig enc = VideoExperiment.encoder(c);
        Files.createDirectories(out);
        c.save(out.resolve(TrainRun.CONFIG));
        long stepsPerEpoch = VideoExperiment.sampler(c, data).stepsPerEpoch(c.batch());
        long total = c.epochs() * stepsPerEpoch;
        if (c.maxSteps() > 0) {
            total = Math.min(total, c.maxSteps());
        }
        LOG.info("{} on {} ({} training videos, clips of {} frames every {} at {}x{}), encoder {} ({} tokens: {}x{}x{}),"
                        + " {} steps of batch {}", c.method(), data.name(), data.train().size(), c.frames(), c.stride(),
                c.clipSize(), c.clipSize(), c.model(), enc.numTokens(), enc.gridT(), enc.gridH(), enc.gridW(), total, c.batch());
        ClipCache cache = VideoExperiment.cache(c);
        Setup<MaskedBatch> setup = VideoExperiment.setup(c, data, enc, cache);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("method", c.method());
        summary.put("modality", c.modality());
        summary.put("dataset", data.name());
        summary.put("epochs", c.epochs());
        VideoEvaluation.Clips monitorClips = VideoEvaluation.clips(data.test(), data.testVideos(), c.frames(), c.stride(),
                MONITOR_CLIPS, false);
        TrainRun.train(setup, c, total,
                () -> VideoEvaluation.clipTensor(monitorClips, VideoExperiment.spec(c), c.frames(), c.stride(), MONITOR_CLIPS, cache),
                out, resume, summary, "clips_per_second", null);
        VideoEvaluation.Result r = VideoEvaluation.evaluate(setup.evalEncoder(), data, c, cache, true);
        VideoEvaluation.put(summary, r);
        if (cache != null) {
            summary.put("clip_cache", Map.of("hits", cache.hits(), "misses", cache.misses(), "mb", cache.bytes() / 1048576.0));
        }
        summary.put("wall_seconds", (System.nanoTime() - t0) / 1e9);
        summary.put("peak_rss_mb", RunStats.peakRssMb());
        summary.put("param_checksum", RunStats.sha256(setup.task().trainable().paramRange(0, setup.encoderSize())));
        RunConfig.JSON.writeValue(out.resolve(TrainRun.SUMMARY).toFile(), summary);
        TrainRun.plots(out, c, data.name());
        LOG.info("wrote {} and plots in {}", TrainRun.SUMMARY, out.toAbsolutePath());
        return summary;
    }
}
