package io.github.jepa4j.examples;

import io.github.jepa4j.core.model.VitConfig;
import io.github.jepa4j.core.train.OptimConfig;
import io.github.jepa4j.core.train.Trainer;
import io.github.jepa4j.core.train.listeners.CheckpointSaver;
import io.github.jepa4j.core.train.listeners.MetricsCsv;
import io.github.jepa4j.core.train.listeners.NanGuard;
import io.github.jepa4j.core.train.listeners.ProgressLogger;
import io.github.jepa4j.image.data.ImageDataset;
import io.github.jepa4j.image.data.Split;
import io.github.jepa4j.regularizers.monitor.CollapseMonitor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One command-line training run: build from the config, train with progress, checkpoints,
 * metrics CSV, NaN guard and collapse monitor, evaluate the frozen encoder, write
 * {@code summary.json} and plots.
 */
public final class TrainRun {
    private static final Logger LOG = LoggerFactory.getLogger("jepa4j");
    public static final String CONFIG = "config.json";
    public static final String SUMMARY = "summary.json";
    /** Held-out test images the collapse monitor embeds every {@code monitorEvery} steps. */
    static final int MONITOR_IMAGES = 256;

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
        if (c.isVideo()) {
            return VideoTrainRun.run(c, resume, t0);
        }
        ImageDataset train = ImageExperiment.dataset(c, Split.TRAIN);
        ImageDataset test = ImageExperiment.dataset(c, Split.TEST);
        VitConfig enc = ImageExperiment.encoder(c, train);
        Files.createDirectories(out);
        c.save(out.resolve(CONFIG));
        long stepsPerEpoch = train.size() / c.batch();
        long total = c.epochs() * stepsPerEpoch;
        if (c.maxSteps() > 0) {
            total = Math.min(total, c.maxSteps());
        }
        LOG.info("{} on {} ({} images of {}x{}x{}), encoder {} ({} tokens), {} steps of batch {}",
                c.method(), train.name(), train.size(), train.channels(), train.height(), train.width(), c.model(),
                enc.numTokens(), total, c.batch());
        Setup<?> setup = ImageExperiment.setup(c, train, enc);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("method", c.method());
        summary.put("dataset", train.name());
        summary.put("epochs", c.epochs());
        if (setup.probeEncoder() != null) {
            summary.put("probe_encoder", setup.probeEncoder());
        }
        RunConfig rc = c;
        EpochEvaluations evals = c.evalEpochs().isEmpty() ? null
                : new EpochEvaluations(c.evalEpochs(), stepsPerEpoch,
                        () -> Evaluation.evaluate(setup.evalEncoder(), train, test, rc.evalTrain(), rc.evalTest()), out);
        train(setup, c, total, () -> heldOut(test, Math.min(MONITOR_IMAGES, test.size())), out, resume, summary,
                "images_per_second", evals);
        if (evals != null) {
            summary.put("evaluations", evals.rows().stream().map(EpochEvaluations.Row::asMap).toList());
        }
        Evaluation.Result r = evals != null ? evals.resultAt(total) : null;
        if (r == null) {
            r = Evaluation.evaluate(setup.evalEncoder(), train, test, c.evalTrain(), c.evalTest());
        }
        r.put(summary);
        summary.put("wall_seconds", (System.nanoTime() - t0) / 1e9);
        summary.put("peak_rss_mb", RunStats.peakRssMb());
        summary.put("param_checksum", RunStats.sha256(setup.task().trainable().paramRange(0, setup.encoderSize())));
        RunConfig.JSON.writeValue(out.resolve(SUMMARY).toFile(), summary);
        plots(out, c, train.name());
        LOG.info("wrote {} and plots in {}", SUMMARY, out.toAbsolutePath());
        return summary;
    }

    /** Loss and collapse-metric plots of the run in {@code out}. */
    static void plots(Path out, RunConfig c, String dataName) throws IOException {
        Path csv = out.resolve("metrics.csv");
        Plots.plot(csv, out.resolve("loss.png"), "training loss (" + c.method() + ", " + dataName + ")", "loss",
                List.of("loss", "pred"), true);
        Plots.plot(csv, out.resolve("collapse.png"), "collapse metrics (evaluated encoder, held-out images)", "value",
                List.of(CollapseMonitor.RANKME, CollapseMonitor.ALPHA_REQ), false);
        Plots.plot(csv, out.resolve("collapse_std.png"), "std of L2-normalised embeddings (healthy ~ 1/sqrt(d))", "value",
                List.of(CollapseMonitor.STD_L2, CollapseMonitor.MIN_STD), false);
    }

    /**
     * Trains {@code total} steps (or resumes) with progress, metrics CSV, NaN guard, collapse
     * monitor (on the inputs {@code heldOutInputs} supplies) and checkpoints; puts steps, throughput
     * (as {@code rateKey}, examples per second) and training time into {@code summary}. The
     * optional {@code evals} (null: none) run after the checkpoint saver. Throughput and training
     * time are the trainer's step time over the whole run (listeners' work such as evaluations and
     * checkpoints left out; earlier segments of a resumed run included).
     */
    static <B> void train(Setup<B> setup, RunConfig c, long total, java.util.function.Supplier<INDArray> heldOutInputs,
                          Path out, boolean resume, Map<String, Object> summary, String rateKey,
                          EpochEvaluations evals) throws IOException {
        long trainedSteps = 0;
        double trainSeconds = 0;
        double imagesPerSecond = 0;
        if (total > 0) {
            OptimConfig optim = OptimConfig.defaults().withLr(c.lr()).withWarmupSteps(Math.round(total * c.warmupFraction()));
            MetricsCsv csv = new MetricsCsv(out, c.logEvery());
            INDArray heldOut = heldOutInputs.get();
            CollapseMonitor monitor = CollapseMonitor.builder(() -> setup.evalEncoder().forward(heldOut).mean(1))
                    .every(c.monitorEvery()).metricsCsv(csv).build();
            ProgressLogger progress = new ProgressLogger(c.logEvery()).withFields(() -> {
                var latest = monitor.latest();
                return latest == null ? Map.of()
                        : Map.of("rankme", latest.stats().rankMe(), "std_l2", latest.stats().stdOfL2Normalized());
            });
            var builder = Trainer.builder(setup.task(), setup.source().get()).totalSteps(total).seed(c.seed())
                    .optim(optim).runConfig(c)
                    .listener(new NanGuard())
                    .listener(csv)
                    .listener(monitor)
                    .listener(progress)
                    .listener(new CheckpointSaver(out, c.checkpointEvery()));
            if (evals != null) {
                builder.listener(evals);
            }
            try (Trainer<B> t = builder.build()) {
                if (resume) {
                    t.resume(out.resolve(CheckpointSaver.LAST));
                }
                t.fit();
                trainedSteps = t.step();
                // Whole-run figures: the trainer's step time is carried across --resume in the checkpoint.
                trainSeconds = t.trainSeconds();
                imagesPerSecond = trainSeconds > 0 ? trainedSteps * (double) c.batch() / trainSeconds : 0;
                if (t.stopReason() != null) {
                    LOG.warn("stopped early: {}", t.stopReason());
                }
            }
            summary.put("collapse_alarms", monitor.alarms().stream().map(Object::toString).toList());
        }
        summary.put("steps", trainedSteps);
        summary.put(rateKey, imagesPerSecond);
        summary.put("train_seconds", trainSeconds);
    }

    /** The first {@code n} images of {@code ds} as one float batch. */
    static INDArray heldOut(ImageDataset ds, int n) {
        INDArray x = Nd4j.create(DataType.FLOAT, n, ds.channels(), ds.height(), ds.width());
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        ds.fill(idx, x);
        return x;
    }
}
