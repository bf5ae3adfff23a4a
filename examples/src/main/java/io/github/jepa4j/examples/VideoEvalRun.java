package io.github.jepa4j.examples;

import io.github.jepa4j.core.checkpoint.Checkpoint;
import io.github.jepa4j.core.model.VitConfig;
import io.github.jepa4j.core.task.MaskedBatch;
import io.github.jepa4j.core.train.Trainer;
import io.github.jepa4j.video.data.ClipCache;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

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
        // The model and clip format of the checkpoint; data and evaluation settings from the flags.
        Map<String, Object> given = flags.given();
        given.keySet().retainAll(Set.of("data", "dataDir", "workers", "out", "evalTrain", "evalTest", "cacheMb",
                "onBadInput", "probeEncoder"));
        RunConfig c = trained.with(given);
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
            Path out = Path.of(c.out());
            Files.createDirectories(out);
            RunConfig.JSON.writeValue(out.resolve(TrainRun.SUMMARY).toFile(), s);
        }
        return s;
    }
}
