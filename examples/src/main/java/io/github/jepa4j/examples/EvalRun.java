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

/**
 * {@code jepa4j eval}: rebuild the model a checkpoint was trained with, load it, evaluate on {@code --data}.
 * {@link #image} and {@link #pixels(RunConfig)} are the same evaluations for code (the quality benchmark).
 */
public final class EvalRun {
    /** The settings {@link #image} lets a caller override; the checkpoint's run config fixes the rest. */
    public static final Set<String> IMAGE_OVERRIDES = Set.of("data", "dataDir", "probeEncoder", "evalTrain", "evalTest");

    private EvalRun() {}

    static Map<String, Object> run(Path file, Jepa4j.Settings flags) throws Exception {
        long t0 = System.nanoTime();
        Checkpoint ck = Checkpoint.load(file);
        RunConfig trained = trainedConfig(file, ck);
        if (trained.isVideo()) {
            return VideoEvalRun.run(file, ck, trained, flags, t0);
        }
        // Evaluate on --data if given (same image size required), else on the data it was trained on.
        RunConfig c = flags.resolve();
        Map<String, Object> given = flags.given();
        given.keySet().retainAll(IMAGE_OVERRIDES);
        given.put("evalTrain", c.evalTrain());
        given.put("evalTest", c.evalTest());
        return image(file, ck, trained, given, t0);
    }

    /**
     * Evaluates the image encoder saved in {@code file} as {@code jepa4j eval --checkpoint} does,
     * with its run's settings except {@code overrides} (keys from {@link #IMAGE_OVERRIDES}); returns
     * the summary entries.
     */
    public static Map<String, Object> image(Path file, Map<String, ?> overrides) throws Exception {
        long t0 = System.nanoTime();
        if (!IMAGE_OVERRIDES.containsAll(overrides.keySet())) {
            throw new IllegalArgumentException("evaluation overrides " + overrides.keySet() + ": only " + IMAGE_OVERRIDES
                    + " may differ from the checkpoint's run");
        }
        Checkpoint ck = Checkpoint.load(file);
        RunConfig trained = trainedConfig(file, ck);
        if (trained.isVideo()) {
            throw new IllegalArgumentException("checkpoint " + file + " holds a video run; evaluate it with jepa4j eval");
        }
        return image(file, ck, trained, overrides, t0);
    }

    private static RunConfig trainedConfig(Path file, Checkpoint ck) throws Exception {
        var run = ck.config() == null ? null : ck.config().get("run");
        if (run == null || run.isNull()) {
            throw new IllegalArgumentException("checkpoint " + file + " has no run configuration: it was not written by jepa4j train");
        }
        return RunConfig.JSON.treeToValue(run, RunConfig.class);
    }

    private static Map<String, Object> image(Path file, Checkpoint ck, RunConfig trained, Map<String, ?> overrides, long t0)
            throws Exception {
        RunConfig evalCfg = trained.with(overrides);
        ImageDataset train = ImageExperiment.dataset(evalCfg, Split.TRAIN);
        ImageDataset test = ImageExperiment.dataset(evalCfg, Split.TEST);
        VitConfig enc = ImageExperiment.encoder(trained, train);
        Setup<?> setup = ImageExperiment.setup(evalCfg, train, enc);
        Trainer.loadWeights(setup.task(), ck);
        Evaluation.Result r = Evaluation.evaluate(setup.evalEncoder(), train, test, evalCfg.evalTrain(), evalCfg.evalTest());
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
        return pixels(flags.resolve());
    }

    /** The raw-pixel baseline of {@code c}'s data ({@code data}, {@code dataDir}, {@code evalTrain}, {@code evalTest}). */
    public static Map<String, Object> pixels(RunConfig c) throws Exception {
        long t0 = System.nanoTime();
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
