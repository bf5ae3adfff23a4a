package io.github.jepa4j.examples;

import io.github.jepa4j.core.model.VitConfig;
import io.github.jepa4j.core.task.MaskedBatch;
import io.github.jepa4j.core.task.MaskedJepaTask;
import io.github.jepa4j.core.train.OptimConfig;
import io.github.jepa4j.core.train.Trainer;
import io.github.jepa4j.core.train.listeners.CheckpointSaver;
import io.github.jepa4j.core.train.listeners.MetricsCsv;
import io.github.jepa4j.core.train.listeners.NanGuard;
import io.github.jepa4j.core.train.listeners.ProgressLogger;
import io.github.jepa4j.image.data.ImageDataset;
import io.github.jepa4j.image.data.Split;
import io.github.jepa4j.image.train.MaskedLoaderSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One command-line training run: build from the config, train with progress, checkpoints,
 * metrics CSV and NaN guard, evaluate the frozen encoder, write {@code summary.json} and plots.
 */
public final class TrainRun {
    private static final Logger LOG = LoggerFactory.getLogger("jepa4j");
    public static final String CONFIG = "config.json";
    public static final String SUMMARY = "summary.json";

    private TrainRun() {}

    /** Trains (or resumes) and evaluates; returns the summary that was written. */
    public static Map<String, Object> run(RunConfig c, boolean resume) throws IOException {
        long t0 = System.nanoTime();
        Path out = Path.of(c.out());
        Path ckpt = out.resolve(CheckpointSaver.LAST);
        if (resume) {
            if (!Files.exists(ckpt)) {
                throw new IllegalArgumentException("--resume: no checkpoint to resume in " + out.toAbsolutePath()
                        + " (expected " + ckpt.getFileName() + ")");
            }
            c = RunConfig.load(out.resolve(CONFIG));
        } else if (Files.exists(ckpt)) {
            throw new IllegalArgumentException("output directory " + out.toAbsolutePath() + " already holds a run;"
                    + " pass --resume to continue it or choose another --out");
        }
        Files.createDirectories(out);
        c.save(out.resolve(CONFIG));

        ImageDataset train = ImageExperiment.dataset(c, Split.TRAIN);
        ImageDataset test = ImageExperiment.dataset(c, Split.TEST);
        VitConfig enc = ImageExperiment.encoder(c, train);
        long stepsPerEpoch = train.size() / c.batch();
        long total = c.epochs() * stepsPerEpoch;
        if (c.maxSteps() > 0) {
            total = Math.min(total, c.maxSteps());
        }
        LOG.info("{} on {} ({} images of {}x{}x{}), encoder {} ({} tokens), {} steps of batch {}",
                c.method(), train.name(), train.size(), train.channels(), train.height(), train.width(), c.model(),
                enc.numTokens(), total, c.batch());
        MaskedJepaTask task = ImageExperiment.task(c, enc);
        long trainedSteps = 0;
        double trainSeconds = 0;
        double imagesPerSecond = 0;
        if (total > 0) {
            long ts = System.nanoTime();
            OptimConfig optim = OptimConfig.defaults().withLr(c.lr()).withWarmupSteps(Math.round(total * c.warmupFraction()));
            MaskedLoaderSource source = new MaskedLoaderSource(train, c.batch(), ImageExperiment.masker(c, enc), c.workers(), c.seed());
            try (Trainer<MaskedBatch> t = Trainer.builder(task, source).totalSteps(total).seed(c.seed()).optim(optim)
                    .runConfig(c)
                    .listener(new NanGuard())
                    .listener(new ProgressLogger(c.logEvery()))
                    .listener(new MetricsCsv(out, c.logEvery()))
                    .listener(new CheckpointSaver(out, c.checkpointEvery()))
                    .build()) {
                if (resume) {
                    t.resume(ckpt);
                }
                long startStep = t.step();
                t.fit();
                trainedSteps = t.step();
                long ran = trainedSteps - startStep;
                trainSeconds = ran > 0 ? (System.nanoTime() - ts) / 1e9 : 0;
                imagesPerSecond = ran > 0 ? ran * (double) c.batch() / trainSeconds : 0;
                if (t.stopReason() != null) {
                    LOG.warn("stopped early: {}", t.stopReason());
                }
            }
        }
        Evaluation.Result r = Evaluation.evaluate(task.targetEncoder(), train, test, c.evalTrain(), c.evalTest());
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("method", c.method());
        summary.put("dataset", train.name());
        summary.put("epochs", c.epochs());
        summary.put("steps", trainedSteps);
        summary.put("linear_probe_acc", r.linearProbeAcc());
        summary.put("knn_acc", r.knnAcc());
        summary.put("rankme", r.rankMe());
        summary.put("std_l2", r.stdL2());
        summary.put("images_per_second", imagesPerSecond);
        summary.put("train_seconds", trainSeconds);
        summary.put("wall_seconds", (System.nanoTime() - t0) / 1e9);
        summary.put("peak_rss_mb", RunStats.peakRssMb());
        summary.put("param_checksum", RunStats.sha256(task.trainable().paramRange(0, task.encoderSize())));
        RunConfig.JSON.writeValue(out.resolve(SUMMARY).toFile(), summary);
        Path csv = out.resolve("metrics.csv");
        Plots.plot(csv, out.resolve("loss.png"), "training loss", "loss", List.of("loss", "pred"), true);
        Plots.plot(csv, out.resolve("collapse.png"), "collapse metrics (target encoder, held-out batch)", "value",
                List.of("rankme", "std_l2_x_sqrt_d", "min_std"), false);
        LOG.info("wrote {} and plots in {}", SUMMARY, out.toAbsolutePath());
        return summary;
    }
}
