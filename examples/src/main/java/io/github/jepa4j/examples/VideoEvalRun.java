package io.github.jepa4j.examples;

import io.github.jepa4j.core.checkpoint.Checkpoint;
import io.github.jepa4j.core.model.VitConfig;
import io.github.jepa4j.core.task.MaskedBatch;
import io.github.jepa4j.core.train.Trainer;
import io.github.jepa4j.video.data.ClipCache;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code jepa4j eval} of a video checkpoint: rebuild the model it was trained with, load it, run
 * the state probes on {@code --data} (any video folder with a labels.csv; default the data it
 * was trained on). Probe sizes, workers, cache and bad-input policy come from the flags; clip
 * format and model from the checkpoint. With {@code --out} the summary is also written to
 * {@code OUT/summary.json}.
 */
final class VideoEvalRun {
    private VideoEvalRun() {}

    static Map<String, Object> run(Path file, Checkpoint ck, RunConfig trained, Jepa4j.Settings flags, long t0) throws Exception {
        RunConfig f = flags.resolve();
        // The model and clip format of the checkpoint; data and evaluation settings from the flags.
        RunConfig c = new RunConfig(trained.method(), trained.antiCollapse(), trained.antiCollapseWeight(),
                flags.data != null ? f.data() : trained.data(), flags.dataDir != null ? f.dataDir() : trained.dataDir(),
                trained.trainSize(), trained.model(), trained.patch(), trained.predictorDim(), trained.predictorDepth(),
                trained.epochs(), trained.maxSteps(), trained.batch(), trained.lr(), trained.warmupFraction(), trained.seed(),
                flags.workers != null ? f.workers() : trained.workers(), flags.out != null ? f.out() : trained.out(),
                trained.logEvery(), trained.checkpointEvery(), trained.monitorEvery(),
                flags.evalTrain != null ? f.evalTrain() : trained.evalTrain(),
                flags.evalTest != null ? f.evalTest() : trained.evalTest(), trained.modality(), trained.frames(),
                trained.stride(), trained.tubelet(), trained.clipSize(), trained.videos(), trained.videoFrames(),
                flags.cacheMb != null ? f.cacheMb() : trained.cacheMb(),
                flags.onBadInput != null ? f.onBadInput() : trained.onBadInput(), trained.emaStart(),
                flags.probeEncoder != null ? f.probeEncoder() : trained.probeEncoder(), List.of());
        VideoExperiment.VideoData data = VideoExperiment.data(c);
        VitConfig enc = VideoExperiment.encoder(c);
        ClipCache cache = VideoExperiment.cache(c);
        Setup<MaskedBatch> setup = VideoExperiment.setup(c, data, enc, cache);
        Trainer.loadWeights(setup.task(), ck);
        VideoEvaluation.Result r = VideoEvaluation.evaluate(setup.evalEncoder(), data, c, cache, true);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("checkpoint", file.toString());
        s.put("method", c.method());
        s.put("modality", c.modality());
        s.put("dataset", data.name());
        s.put("steps", ck.step());
        VideoEvaluation.put(s, r);
        s.put("wall_seconds", (System.nanoTime() - t0) / 1e9);
        s.put("peak_rss_mb", RunStats.peakRssMb());
        s.put("param_checksum", RunStats.sha256(setup.task().trainable().paramRange(0, setup.encoderSize())));
        if (flags.out != null) {
            Path out = Path.of(f.out());
            Files.createDirectories(out);
            RunConfig.JSON.writeValue(out.resolve(TrainRun.SUMMARY).toFile(), s);
        }
        return s;
    }
}
