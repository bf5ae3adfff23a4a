package io.github.jepa4j.examples;

import io.github.jepa4j.core.checkpoint.Checkpoint;
import io.github.jepa4j.core.model.VitConfig;
import io.github.jepa4j.core.train.Trainer;
import io.github.jepa4j.image.data.ImageDataset;
import io.github.jepa4j.image.data.Split;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** {@code jepa4j eval}: rebuild the model a checkpoint was trained with, load it, evaluate on {@code --data}. */
final class EvalRun {
    private EvalRun() {}

    static Map<String, Object> run(Path file, Jepa4j.Settings flags) throws Exception {
        long t0 = System.nanoTime();
        Checkpoint ck = Checkpoint.load(file);
        var run = ck.config() == null ? null : ck.config().get("run");
        if (run == null || run.isNull()) {
            throw new IllegalArgumentException("checkpoint " + file + " has no run configuration: it was not written by jepa4j train");
        }
        RunConfig trained = RunConfig.JSON.treeToValue(run, RunConfig.class);
        if (trained.isVideo()) {
            return VideoEvalRun.run(file, ck, trained, flags, t0);
        }
        // Evaluate on --data if given (same image size required), else on the data it was trained on.
        RunConfig c = flags.resolve();
        Map<String, Object> given = flags.given();
        given.keySet().retainAll(Set.of("data", "dataDir", "probeEncoder"));
        given.put("evalTrain", c.evalTrain());
        given.put("evalTest", c.evalTest());
        RunConfig evalCfg = trained.with(given);
        ImageDataset train = ImageExperiment.dataset(evalCfg, Split.TRAIN);
        ImageDataset test = ImageExperiment.dataset(evalCfg, Split.TEST);
        VitConfig enc = ImageExperiment.encoder(trained, train);
        Setup<?> setup = ImageExperiment.setup(evalCfg, train, enc);
        Trainer.loadWeights(setup.task(), ck);
        Evaluation.Result r = Evaluation.evaluate(setup.evalEncoder(), train, test, c.evalTrain(), c.evalTest());
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("checkpoint", file.toString());
        s.put("method", trained.method());
        s.put("dataset", train.name());
        if (setup.probeEncoder() != null) {
            s.put("probe_encoder", setup.probeEncoder());
        }
        s.put("steps", ck.step());
        r.put(s);
        s.put("wall_seconds", (System.nanoTime() - t0) / 1e9);
        s.put("peak_rss_mb", RunStats.peakRssMb());
        s.put("param_checksum", RunStats.sha256(setup.task().trainable().paramRange(0, setup.encoderSize())));
        return s;
    }

    /** {@code jepa4j eval --pixels}: the raw-pixel baseline of {@code --data} under the image probes. */
    static Map<String, Object> pixels(Jepa4j.Settings flags) throws Exception {
        long t0 = System.nanoTime();
        RunConfig c = flags.resolve();
        if (c.isVideo()) {
            throw new IllegalArgumentException("--pixels is for images; video evaluations already report r2_pixels");
        }
        ImageDataset train = ImageExperiment.dataset(c, Split.TRAIN);
        ImageDataset test = ImageExperiment.dataset(c, Split.TEST);
        Evaluation.Result r = Evaluation.evaluatePixels(train, test, c.evalTrain(), c.evalTest());
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("method", "pixels");
        s.put("dataset", train.name());
        r.put(s);
        s.put("wall_seconds", (System.nanoTime() - t0) / 1e9);
        s.put("peak_rss_mb", RunStats.peakRssMb());
        return s;
    }
}
