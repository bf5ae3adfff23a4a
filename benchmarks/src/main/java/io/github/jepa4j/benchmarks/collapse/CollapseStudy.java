package io.github.jepa4j.benchmarks.collapse;

import io.github.jepa4j.benchmarks.BenchCli;
import io.github.jepa4j.core.model.VitConfig;
import io.github.jepa4j.examples.ImageExperiment;
import io.github.jepa4j.image.data.ImageDataset;
import io.github.jepa4j.image.data.Split;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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
 * [--workers 1] [--parallel 1] [--out runs/collapse-study]}, or {@code --rerun RUN/config.json [--out DIR]} for one saved run;
 * {@code --help} lists the options. Flags are parsed by picocli ({@link BenchCli}) into the validated {@link Options}.
 */
public final class CollapseStudy {
    private static final Logger LOG = LoggerFactory.getLogger(CollapseStudy.class);
    private static final String DEFAULT_OUT = "runs/collapse-study";
    private static final String DEFAULT_RERUN_OUT = "runs/collapse-rerun";

    /** The study's settings; {@link #runs()} expands them into the run matrix. */
    public record Options(List<String> methods, List<String> antiCollapse, List<Long> seeds, int steps, int batch, int every,
                          double lr, String data, String dataDir, String model, int trainSize, int knnTrain, int knnTest,
                          int monitorImages, int workers, int parallel, Path out) {
        public static Options defaults() {
            return new Options(StudyRunConfig.METHODS, StudyRunConfig.ANTI_COLLAPSE, List.of(1L, 2L, 3L), 150, 32, 25, 1e-3,
                    "shapes", null, "small", 4000, 500, 250, 256, 1, 1, Path.of(DEFAULT_OUT));
        }

        /** Parses {@code --name value} flags over the defaults; bad input: {@link IllegalArgumentException}. */
        public static Options parse(String... args) {
            Flags f = BenchCli.parse(new Flags(), args);
            if (f.rerun != null) {
                throw new IllegalArgumentException("--rerun re-runs one saved run and is no study option; run it through main");
            }
            return f.options();
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

    public static void main(String[] args) {
        System.exit(BenchCli.execute(new Flags(), args));
    }

    /** The command-line flags; {@link #options()} turns them into validated {@link Options}. */
    @Command(name = "jepa4j bench collapse", sortOptions = false, sortSynopsis = false, showDefaultValues = true,
            description = {"The collapse study: every combination of --methods x --anti-collapse x seeds trained for --steps,"
                    + " with collapse metrics and a kNN probe every --every steps; writes the combined CSV, plots and"
                    + " summary.md into --out. Finished runs are skipped: run again to resume.",
                "With --rerun RUN/config.json [--out DIR], re-runs one saved run of a study instead."})
    static final class Flags implements Callable<Integer> {
        private static final Options D = Options.defaults();

        @Spec
        CommandSpec spec;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
        boolean help;

        @Option(names = "--methods", paramLabel = "LIST", description = "training methods, comma-separated (ijepa, joint)")
        String methods = String.join(",", D.methods());

        @Option(names = "--anti-collapse", paramLabel = "LIST",
                description = "anti-collapse mechanisms, comma-separated (none, ema, vicreg, sigreg, barlow)")
        String antiCollapse = String.join(",", D.antiCollapse());

        @Option(names = "--seeds", paramLabel = "N", description = "seeds 1..N (default: 3)")
        Integer seeds;

        @Option(names = "--seed-list", paramLabel = "LIST", description = "explicit seeds, comma-separated, instead of --seeds")
        String seedList;

        @Option(names = "--steps", paramLabel = "N", description = "training steps per run")
        int steps = D.steps();

        @Option(names = "--batch", paramLabel = "N")
        int batch = D.batch();

        @Option(names = "--every", paramLabel = "N", description = "metrics and kNN probe every N steps")
        int every = D.every();

        @Option(names = "--lr", paramLabel = "X")
        double lr = D.lr();

        @Option(names = "--data", paramLabel = "shapes|fashion-mnist|DIR")
        String data = D.data();

        @Option(names = "--data-dir", paramLabel = "DIR", description = "Fashion-MNIST directory")
        String dataDir = D.dataDir();

        @Option(names = "--model", paramLabel = "small|ref", description = "encoder: small (D64 depth 2) or ref (D128 depth 4)")
        String model = D.model();

        @Option(names = "--train-size", paramLabel = "N", description = "images in the built-in shapes training split")
        int trainSize = D.trainSize();

        @Option(names = "--knn-train", paramLabel = "N", description = "training images of the kNN probe")
        int knnTrain = D.knnTrain();

        @Option(names = "--knn-test", paramLabel = "N", description = "test images of the kNN probe")
        int knnTest = D.knnTest();

        @Option(names = "--monitor-images", paramLabel = "N", description = "images the collapse metrics are measured on")
        int monitorImages = D.monitorImages();

        @Option(names = "--workers", paramLabel = "N", description = "data-loading threads per run")
        int workers = D.workers();

        @Option(names = "--parallel", paramLabel = "N",
                description = "runs at a time (set OMP_NUM_THREADS to about cores/N)")
        int parallel = D.parallel();

        @Option(names = "--out", paramLabel = "DIR", description = "output directory (default: " + DEFAULT_OUT
                + "; with --rerun " + DEFAULT_RERUN_OUT + ")")
        Path out;

        @Option(names = "--rerun", paramLabel = "RUN/config.json", description = "re-run one saved run (only --out applies)")
        Path rerun;

        /** The study's validated options. */
        Options options() {
            if (seeds != null && seedList != null) {
                throw new IllegalArgumentException("give --seeds N or --seed-list LIST, not both: got --seeds " + seeds
                        + " and --seed-list " + seedList);
            }
            List<Long> s = D.seeds();
            if (seeds != null) {
                if (seeds <= 0) {
                    throw new IllegalArgumentException("--seeds must be >= 1, got " + seeds);
                }
                s = LongStream.rangeClosed(1, seeds).boxed().toList();
            } else if (seedList != null) {
                s = list(seedList).stream().map(Long::parseLong).toList();
            }
            return new Options(list(methods), list(antiCollapse), s, steps, batch, every, lr, data, dataDir, model, trainSize,
                    knnTrain, knnTest, monitorImages, workers, parallel, out != null ? out : Path.of(DEFAULT_OUT));
        }

        /** Comma-separated, trimmed, lower-case; empty items dropped. */
        private static List<String> list(String v) {
            return BenchCli.commaList(v).stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
        }

        @Override
        public Integer call() throws Exception {
            if (rerun != null) {
                List<String> others = spec.commandLine().getParseResult().matchedOptions().stream().map(OptionSpec::longestName)
                        .filter(n -> !n.equals("--rerun") && !n.equals("--out")).distinct().toList();
                if (!others.isEmpty()) {
                    throw new IllegalArgumentException("--rerun takes only --out; the saved config.json fixes the rest, got "
                            + String.join(" ", others));
                }
                rerun(rerun, out != null ? out : Path.of(DEFAULT_RERUN_OUT));
                return 0;
            }
            Options o = options();
            run(o);
            System.out.println(Files.readString(o.out().resolve(StudyReport.SUMMARY)));
            return 0;
        }
    }

    /** Re-runs the saved run {@code config} into {@code out/ID} and writes its one-run report into {@code out}. */
    static void rerun(Path config, Path out) throws IOException {
        StudyRunConfig c = StudyRunConfig.load(config);
        CollapseRun.Result r = CollapseRun.run(c, out.resolve(c.id()));
        StudyReport.write(out, List.of(r), c.encoder().dim());
        System.out.println(Files.readString(out.resolve(StudyReport.SUMMARY)));
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
