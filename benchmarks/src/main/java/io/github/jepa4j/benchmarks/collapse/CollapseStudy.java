package io.github.jepa4j.benchmarks.collapse;

import io.github.jepa4j.core.model.VitConfig;
import io.github.jepa4j.examples.ImageExperiment;
import io.github.jepa4j.image.data.ImageDataset;
import io.github.jepa4j.image.data.Split;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collapse study: every combination of {@code --methods} x {@code --anti-collapse} x seeds
 * (defaults: {ijepa, joint} x {none, ema, vicreg, sigreg, barlow} x 3 seeds, 150 steps of batch 32 on
 * the built-in shapes data, a small ViT D=64 depth 2) trained with {@link CollapseRun}; then
 * {@link StudyReport} writes the combined CSV, plots and {@code summary.md} into {@code --out}.
 * Finished runs (metrics CSV + done marker) are skipped, so an interrupted study resumes.
 *
 * <p>Run: {@code benchmarks/run-collapse.sh [--methods ijepa,joint] [--anti-collapse none,ema,vicreg,sigreg,barlow]
 * [--seeds 3 | --seed-list 1,2,3] [--steps 150] [--batch 32] [--every 25] [--lr 1e-3] [--data shapes|fashion-mnist|DIR]
 * [--data-dir DIR] [--model small|ref] [--train-size 4000] [--knn-train 500] [--knn-test 250] [--monitor-images 256]
 * [--workers 1] [--parallel 1] [--out runs/collapse-study]}, or {@code --rerun RUN/config.json [--out DIR]} for one saved run.
 */
public final class CollapseStudy {
    private static final Logger LOG = LoggerFactory.getLogger(CollapseStudy.class);

    /** The study's settings; {@link #runs()} expands them into the run matrix. */
    public record Options(List<String> methods, List<String> antiCollapse, List<Long> seeds, int steps, int batch, int every,
                          double lr, String data, String dataDir, String model, int trainSize, int knnTrain, int knnTest,
                          int monitorImages, int workers, int parallel, Path out) {
        public static Options defaults() {
            return new Options(StudyRunConfig.METHODS, StudyRunConfig.ANTI_COLLAPSE, List.of(1L, 2L, 3L), 150, 32, 25, 1e-3,
                    "shapes", null, "small", 4000, 500, 250, 256, 1, 1, Path.of("runs/collapse-study"));
        }

        /** Parses {@code --name value} flags over the defaults. */
        public static Options parse(String... args) {
            Options o = defaults();
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("flag " + flag + " needs a value");
                }
                String v = args[++i];
                o = switch (flag) {
                    case "--methods" -> o.with(list(v), o.antiCollapse, o.seeds, o.steps, o.batch, o.every, o.lr, o.data, o.dataDir, o.model, o.trainSize, o.knnTrain, o.knnTest, o.monitorImages, o.workers, o.parallel, o.out);
                    case "--anti-collapse" -> o.with(o.methods, list(v), o.seeds, o.steps, o.batch, o.every, o.lr, o.data, o.dataDir, o.model, o.trainSize, o.knnTrain, o.knnTest, o.monitorImages, o.workers, o.parallel, o.out);
                    case "--seeds" -> {
                        int n = Integer.parseInt(v);
                        if (n <= 0) {
                            throw new IllegalArgumentException("--seeds must be >= 1, got " + n);
                        }
                        List<Long> s = new ArrayList<>();
                        for (long k = 1; k <= n; k++) {
                            s.add(k);
                        }
                        yield o.with(o.methods, o.antiCollapse, s, o.steps, o.batch, o.every, o.lr, o.data, o.dataDir, o.model, o.trainSize, o.knnTrain, o.knnTest, o.monitorImages, o.workers, o.parallel, o.out);
                    }
                    case "--seed-list" -> o.with(o.methods, o.antiCollapse, list(v).stream().map(Long::parseLong).toList(), o.steps, o.batch, o.every, o.lr, o.data, o.dataDir, o.model, o.trainSize, o.knnTrain, o.knnTest, o.monitorImages, o.workers, o.parallel, o.out);
                    case "--steps" -> o.with(o.methods, o.antiCollapse, o.seeds, Integer.parseInt(v), o.batch, o.every, o.lr, o.data, o.dataDir, o.model, o.trainSize, o.knnTrain, o.knnTest, o.monitorImages, o.workers, o.parallel, o.out);
                    case "--batch" -> o.with(o.methods, o.antiCollapse, o.seeds, o.steps, Integer.parseInt(v), o.every, o.lr, o.data, o.dataDir, o.model, o.trainSize, o.knnTrain, o.knnTest, o.monitorImages, o.workers, o.parallel, o.out);
                    case "--every" -> o.with(o.methods, o.antiCollapse, o.seeds, o.steps, o.batch, Integer.parseInt(v), o.lr, o.data, o.dataDir, o.model, o.trainSize, o.knnTrain, o.knnTest, o.monitorImages, o.workers, o.parallel, o.out);
                    case "--lr" -> o.with(o.methods, o.antiCollapse, o.seeds, o.steps, o.batch, o.every, Double.parseDouble(v), o.data, o.dataDir, o.model, o.trainSize, o.knnTrain, o.knnTest, o.monitorImages, o.workers, o.parallel, o.out);
                    case "--data" -> o.with(o.methods, o.antiCollapse, o.seeds, o.steps, o.batch, o.every, o.lr, v, o.dataDir, o.model, o.trainSize, o.knnTrain, o.knnTest, o.monitorImages, o.workers, o.parallel, o.out);
                    case "--data-dir" -> o.with(o.methods, o.antiCollapse, o.seeds, o.steps, o.batch, o.every, o.lr, o.data, v, o.model, o.trainSize, o.knnTrain, o.knnTest, o.monitorImages, o.workers, o.parallel, o.out);
                    case "--model" -> o.with(o.methods, o.antiCollapse, o.seeds, o.steps, o.batch, o.every, o.lr, o.data, o.dataDir, v, o.trainSize, o.knnTrain, o.knnTest, o.monitorImages, o.workers, o.parallel, o.out);
                    case "--train-size" -> o.with(o.methods, o.antiCollapse, o.seeds, o.steps, o.batch, o.every, o.lr, o.data, o.dataDir, o.model, Integer.parseInt(v), o.knnTrain, o.knnTest, o.monitorImages, o.workers, o.parallel, o.out);
                    case "--knn-train" -> o.with(o.methods, o.antiCollapse, o.seeds, o.steps, o.batch, o.every, o.lr, o.data, o.dataDir, o.model, o.trainSize, Integer.parseInt(v), o.knnTest, o.monitorImages, o.workers, o.parallel, o.out);
                    case "--knn-test" -> o.with(o.methods, o.antiCollapse, o.seeds, o.steps, o.batch, o.every, o.lr, o.data, o.dataDir, o.model, o.trainSize, o.knnTrain, Integer.parseInt(v), o.monitorImages, o.workers, o.parallel, o.out);
                    case "--monitor-images" -> o.with(o.methods, o.antiCollapse, o.seeds, o.steps, o.batch, o.every, o.lr, o.data, o.dataDir, o.model, o.trainSize, o.knnTrain, o.knnTest, Integer.parseInt(v), o.workers, o.parallel, o.out);
                    case "--workers" -> o.with(o.methods, o.antiCollapse, o.seeds, o.steps, o.batch, o.every, o.lr, o.data, o.dataDir, o.model, o.trainSize, o.knnTrain, o.knnTest, o.monitorImages, Integer.parseInt(v), o.parallel, o.out);
                    case "--parallel" -> o.with(o.methods, o.antiCollapse, o.seeds, o.steps, o.batch, o.every, o.lr, o.data, o.dataDir, o.model, o.trainSize, o.knnTrain, o.knnTest, o.monitorImages, o.workers, Integer.parseInt(v), o.out);
                    case "--out" -> o.with(o.methods, o.antiCollapse, o.seeds, o.steps, o.batch, o.every, o.lr, o.data, o.dataDir, o.model, o.trainSize, o.knnTrain, o.knnTest, o.monitorImages, o.workers, o.parallel, Path.of(v));
                    default -> throw new IllegalArgumentException("unknown flag '" + flag + "'; valid: --methods --anti-collapse --seeds"
                            + " --seed-list --steps --batch --every --lr --data --data-dir --model --train-size --knn-train --knn-test"
                            + " --monitor-images --workers --parallel --out --rerun");
                };
            }
            return o;
        }

        private Options with(List<String> methods, List<String> antiCollapse, List<Long> seeds, int steps, int batch, int every,
                             double lr, String data, String dataDir, String model, int trainSize, int knnTrain, int knnTest,
                             int monitorImages, int workers, int parallel, Path out) {
            return new Options(methods, antiCollapse, seeds, steps, batch, every, lr, data, dataDir, model, trainSize, knnTrain,
                    knnTest, monitorImages, workers, parallel, out);
        }

        private static List<String> list(String v) {
            return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(s -> s.toLowerCase(Locale.ROOT)).toList();
        }

        public Options {
            if (methods.isEmpty() || antiCollapse.isEmpty() || seeds.isEmpty()) {
                throw new IllegalArgumentException("empty study: methods " + methods + ", anti-collapse " + antiCollapse + ", seeds " + seeds);
            }
            for (String m : methods) {
                if (!StudyRunConfig.METHODS.contains(m)) {
                    throw new IllegalArgumentException("unknown method '" + m + "' in --methods; valid: " + StudyRunConfig.METHODS);
                }
            }
            for (String a : antiCollapse) {
                if (!StudyRunConfig.ANTI_COLLAPSE.contains(a)) {
                    throw new IllegalArgumentException("unknown anti-collapse '" + a + "' in --anti-collapse; valid: "
                            + StudyRunConfig.ANTI_COLLAPSE);
                }
            }
            if (parallel <= 0) {
                throw new IllegalArgumentException("--parallel must be >= 1, got " + parallel);
            }
            if (!model.equals("small") && !model.equals("ref")) {
                throw new IllegalArgumentException("unknown --model '" + model + "'; valid: small (D64 depth 2), ref (D128 depth 4)");
            }
        }

        /** The encoder for inputs {@code c x h x w}: {@code small} = D 64, depth 2, 4 heads, MLP 128, patch 4; {@code ref} = the reference preset. */
        public VitConfig encoder(int c, int h, int w) {
            return model.equals("ref") ? VitConfig.preset("ref", c, h, w) : new VitConfig(c, h, w, 1, 4, 1, 64, 2, 4, 128, 1e-6);
        }

        /** The run matrix, methods outermost, seeds innermost. */
        public List<StudyRunConfig> runs(VitConfig encoder) {
            List<StudyRunConfig> runs = new ArrayList<>();
            for (String m : methods) {
                for (String a : antiCollapse) {
                    for (long s : seeds) {
                        runs.add(new StudyRunConfig(m, a, s, steps, batch, lr, 0.1, data, dataDir, trainSize, encoder, 64, 2, every,
                                monitorImages, knnTrain, knnTest, workers));
                    }
                }
            }
            return runs;
        }
    }

    private CollapseStudy() {}

    public static void main(String[] args) throws Exception {
        if (args.length >= 2 && args[0].equals("--rerun")) {
            StudyRunConfig c = StudyRunConfig.load(Path.of(args[1]));
            Path out = args.length >= 4 && args[2].equals("--out") ? Path.of(args[3]) : Path.of("runs/collapse-rerun");
            CollapseRun.Result r = CollapseRun.run(c, out.resolve(c.id()));
            StudyReport.write(out, List.of(r), c.encoder().dim());
            System.out.println(Files.readString(out.resolve(StudyReport.SUMMARY)));
            return;
        }
        Options o = Options.parse(args);
        run(o);
        System.out.println(Files.readString(o.out().resolve(StudyReport.SUMMARY)));
    }

    /** Runs (or skips) every run of the matrix and writes the report; returns the results in matrix order. */
    public static List<CollapseRun.Result> run(Options o) throws IOException, InterruptedException {
        // The encoder's input size comes from the data.
        ImageDataset probe = ImageExperiment.dataset(o.runs(o.encoder(1, 28, 28)).get(0).dataConfig(), Split.TEST);
        VitConfig enc = o.encoder(probe.channels(), probe.height(), probe.width());
        List<StudyRunConfig> runs = o.runs(enc);
        Files.createDirectories(o.out());
        LOG.info("collapse study: {} runs ({} x {} x {} seeds), {} steps each, {} in parallel, into {}", runs.size(), o.methods(),
                o.antiCollapse(), o.seeds().size(), o.steps(), o.parallel(), o.out().toAbsolutePath());
        ExecutorService pool = Executors.newFixedThreadPool(o.parallel());
        List<Future<CollapseRun.Result>> futures = new ArrayList<>();
        try {
            for (StudyRunConfig c : runs) {
                futures.add(pool.submit(() -> {
                    CollapseRun.Result r = CollapseRun.runOrSkip(c, o.out().resolve(c.id()));
                    LOG.info(r.skipped() ? "{}: skipped (already finished)" : "{}: done", c.id());
                    LOG.info(String.format(Locale.ROOT, "%s: kNN %.1f%%, RankMe %.2f, alarm step %s, %.1f s", c.id(), 100 * r.finalKnnAcc(),
                            r.finalRankMe(), r.alarmStep() < 0 ? "none" : Long.toString(r.alarmStep()), r.wallSeconds()));
                    return r;
                }));
            }
            List<CollapseRun.Result> results = new ArrayList<>();
            for (Future<CollapseRun.Result> f : futures) {
                try {
                    results.add(f.get());
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof IOException io) {
                        throw io;
                    }
                    if (cause instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new IllegalStateException(cause);
                }
            }
            StudyReport.write(o.out(), results, enc.dim());
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
