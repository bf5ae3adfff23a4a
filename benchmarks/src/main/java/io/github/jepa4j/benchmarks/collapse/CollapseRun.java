package io.github.jepa4j.benchmarks.collapse;

import io.github.jepa4j.core.model.PredictorConfig;
import io.github.jepa4j.core.model.VisionTransformer;
import io.github.jepa4j.core.task.AntiCollapse;
import io.github.jepa4j.core.task.JointEmbeddingConfig;
import io.github.jepa4j.core.task.JointEmbeddingTask;
import io.github.jepa4j.core.task.MaskedJepaConfig;
import io.github.jepa4j.core.task.MaskedJepaTask;
import io.github.jepa4j.core.train.BatchSource;
import io.github.jepa4j.core.train.OptimConfig;
import io.github.jepa4j.core.train.StepEvent;
import io.github.jepa4j.core.train.Task;
import io.github.jepa4j.core.train.Trainer;
import io.github.jepa4j.core.train.TrainingListener;
import io.github.jepa4j.core.train.listeners.MetricsCsv;
import io.github.jepa4j.core.train.listeners.NanGuard;
import io.github.jepa4j.examples.ImageExperiment;
import io.github.jepa4j.examples.RunConfig;
import io.github.jepa4j.image.data.ImageDataset;
import io.github.jepa4j.image.data.Split;
import io.github.jepa4j.image.train.Features;
import io.github.jepa4j.image.train.MaskedLoaderSource;
import io.github.jepa4j.image.train.TwoViewLoaderSource;
import io.github.jepa4j.regularizers.anticollapse.AntiCollapseRegistry;
import io.github.jepa4j.regularizers.anticollapse.VicRegConfig;
import io.github.jepa4j.regularizers.monitor.CollapseAlarm;
import io.github.jepa4j.regularizers.monitor.CollapseMonitor;
import io.github.jepa4j.regularizers.probe.KnnProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One run of the collapse study: builds the task of a {@link StudyRunConfig}, trains it for its
 * steps and, every {@code every} steps (and at step 0 and the end), records into {@code DIR/metrics.csv}
 * ({@code step,metric,value}) the loss terms, the {@link CollapseMonitor} metrics of the evaluated
 * encoder (EMA target/teacher where there is one) on a fixed held-out batch, and the online kNN
 * accuracy ({@link #KNN_ACC}: {@link KnnProbe} fitted on pooled features of {@code knnTrain} training
 * images, scored on {@code knnTest} held-out images). Writes {@code DIR/done.json} last: a run with
 * both files is finished and {@link #runOrSkip} skips it.
 */
public final class CollapseRun {
    public static final String METRICS = "metrics.csv";
    public static final String DONE = "done.json";
    public static final String CONFIG = "config.json";
    /** CSV metric name of the online kNN accuracy in [0, 1]. */
    public static final String KNN_ACC = "knn_acc";

    /** What a finished run reports; {@code alarmStep} is -1 when no collapse alarm fired. */
    public record Result(String id, String configuration, long seed, long steps, long alarmStep, List<String> alarms,
                         double finalKnnAcc, double finalRankMe, double rankMeThreshold, double stdThreshold,
                         double wallSeconds, boolean skipped) {
        Result asSkipped() {
            return new Result(id, configuration, seed, steps, alarmStep, alarms, finalKnnAcc, finalRankMe, rankMeThreshold,
                    stdThreshold, wallSeconds, true);
        }
    }

    private record Built<B>(Task<B> task, Supplier<BatchSource<B>> source, VisionTransformer evalEncoder) {}

    private CollapseRun() {}

    /** Runs {@code c} into {@code dir}, or returns the saved result (marked skipped) when it already finished there. */
    public static Result runOrSkip(StudyRunConfig c, Path dir) throws IOException {
        Path done = dir.resolve(DONE);
        if (Files.exists(done) && Files.exists(dir.resolve(METRICS))) {
            return StudyRunConfig.JSON.readValue(done.toFile(), Result.class).asSkipped();
        }
        return run(c, dir);
    }

    /** Trains {@code c} from scratch into {@code dir} (overwriting an unfinished run there). */
    public static Result run(StudyRunConfig c, Path dir) throws IOException {
        long t0 = System.nanoTime();
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve(DONE));
        c.save(dir.resolve(CONFIG));
        RunConfig rc = c.dataConfig();
        ImageDataset train = ImageExperiment.dataset(rc, Split.TRAIN);
        ImageDataset test = ImageExperiment.dataset(rc, Split.TEST);
        if (c.encoder().channels() != train.channels() || c.encoder().height() != train.height() || c.encoder().width() != train.width()) {
            throw new IllegalArgumentException("encoder input " + c.encoder().channels() + "x" + c.encoder().height() + "x"
                    + c.encoder().width() + " does not match the data " + train.channels() + "x" + train.height() + "x" + train.width());
        }
        if (c.knnTrain() > train.size() || Math.max(c.knnTest(), c.monitorImages()) > test.size()) {
            throw new IllegalArgumentException("kNN/monitor sizes " + c.knnTrain() + "/" + c.knnTest() + "/" + c.monitorImages()
                    + " exceed the data (" + train.size() + " train, " + test.size() + " test)");
        }
        Built<?> b = build(c, rc, train);
        Map<String, Object> out = train(b, c, dir, train, test);
        double wall = (System.nanoTime() - t0) / 1e9;
        @SuppressWarnings("unchecked")
        List<CollapseAlarm> alarms = (List<CollapseAlarm>) out.get("alarms");
        long alarmStep = alarms.stream().mapToLong(CollapseAlarm::step).min().orElse(-1);
        Result r = new Result(c.id(), c.configuration(), c.seed(), (long) out.get("steps"), alarmStep,
                alarms.stream().map(CollapseAlarm::message).toList(), (double) out.get("knn"), (double) out.get("rankme"),
                (double) out.get("rankmeThr"), (double) out.get("stdThr"), wall, false);
        StudyRunConfig.JSON.writeValue(dir.resolve(DONE).toFile(), r);
        return r;
    }

    private static Built<?> build(StudyRunConfig c, RunConfig rc, ImageDataset train) {
        var enc = c.encoder();
        if (c.method().equals("ijepa")) {
            int heads = Math.max(1, c.predictorDim() / 32);
            MaskedJepaConfig mc = MaskedJepaConfig.ijepa(enc, PredictorConfig.forEncoder(enc, c.predictorDim(), c.predictorDepth(), heads));
            // Only "ema" keeps I-JEPA's EMA target; every other mechanism runs with momentum 0 (target = encoder copy).
            if (!c.antiCollapse().equals("ema")) {
                mc = mc.withEma(0, 0, "constant");
            }
            List<MaskedJepaTask.Weighted> modules = switch (c.antiCollapse()) {
                case "none", "ema" -> List.of();
                case "barlow" -> List.of(new MaskedJepaTask.Weighted(AntiCollapseRegistry.create("barlow"), 1.0, true));
                default -> List.of(new MaskedJepaTask.Weighted(AntiCollapseRegistry.create(c.antiCollapse()), 1.0, false));
            };
            MaskedJepaTask t = new MaskedJepaTask(mc, DataType.FLOAT, c.seed(), modules);
            var masker = ImageExperiment.masker(rc, enc);
            return new Built<>(t, () -> new MaskedLoaderSource(train, c.batch(), masker, c.workers(), c.seed()), t.targetEncoder());
        }
        JointEmbeddingConfig jc = c.antiCollapse().equals("ema") ? JointEmbeddingConfig.emaTeacher(enc) : JointEmbeddingConfig.siamese(enc);
        AntiCollapse module = switch (c.antiCollapse()) {
            // Invariance only: nothing stops both views mapping to one constant vector.
            case "none" -> AntiCollapseRegistry.create("vicreg", VicRegConfig.defaults().withCoefficients(25, 0, 0));
            default -> AntiCollapseRegistry.create(c.antiCollapse());
        };
        JointEmbeddingTask t = new JointEmbeddingTask(jc, module, 1.0, DataType.FLOAT, c.seed());
        var views = ImageExperiment.standardViews(rc, train);
        return new Built<>(t, () -> new TwoViewLoaderSource(train, views, c.batch(), c.workers(), c.seed()), t.evalEncoder());
    }

    private static <B> Map<String, Object> train(Built<B> b, StudyRunConfig c, Path dir, ImageDataset train, ImageDataset test) {
        MetricsCsv csv = new MetricsCsv(dir, c.every());
        INDArray heldOut = images(test, c.monitorImages());
        CollapseMonitor monitor = CollapseMonitor.builder(() -> b.evalEncoder().forward(heldOut).mean(1))
                .every(c.every()).metricsCsv(csv).build();
        int[] yTrain = Features.labels(train, c.knnTrain());
        int[] yTest = Features.labels(test, c.knnTest());
        double[] lastKnn = {Double.NaN};
        TrainingListener knn = new TrainingListener() {
            void measure(long step) {
                MemoryWorkspace outside = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces();
                try {
                    INDArray xTrain = Features.pooled(b.evalEncoder(), train, c.knnTrain(), 250);
                    INDArray xTest = Features.pooled(b.evalEncoder(), test, c.knnTest(), 250);
                    lastKnn[0] = new KnnProbe().fit(xTrain, yTrain).accuracy(xTest, yTest);
                } finally {
                    outside.close();
                }
                csv.record(step, Map.of(KNN_ACC, lastKnn[0]));
            }

            @Override
            public void onStart(Trainer<?> t) {
                measure(t.step());
            }

            @Override
            public void onStepEnd(StepEvent e) {
                long done = e.step() + 1;
                if (done % c.every() == 0 || done == e.totalSteps()) {
                    measure(done);
                }
            }
        };
        OptimConfig optim = OptimConfig.defaults().withLr(c.lr()).withWarmupSteps(Math.round(c.steps() * c.warmupFraction()));
        Map<String, Object> out = new LinkedHashMap<>();
        try (Trainer<B> t = Trainer.builder(b.task(), b.source().get()).totalSteps(c.steps()).seed(c.seed()).optim(optim)
                .runConfig(c).listener(new NanGuard()).listener(csv).listener(monitor).listener(knn).build()) {
            t.fit();
            out.put("steps", t.step());
        } finally {
            csv.close();
        }
        var last = monitor.latest();
        out.put("alarms", List.copyOf(monitor.alarms()));
        out.put("knn", lastKnn[0]);
        out.put("rankme", last == null ? Double.NaN : last.stats().rankMe());
        out.put("rankmeThr", monitor.rankMeThreshold(c.encoder().dim()));
        out.put("stdThr", monitor.stdThreshold(c.encoder().dim()));
        return out;
    }

    /** The first {@code n} images of {@code ds} as one float batch. */
    static INDArray images(ImageDataset ds, int n) {
        INDArray x = Nd4j.create(DataType.FLOAT, n, ds.channels(), ds.height(), ds.width());
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        ds.fill(idx, x);
        return x;
    }
}
