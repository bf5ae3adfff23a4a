package io.github.jepa4j.benchmarks.quality;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.jepa4j.benchmarks.BenchCli;
import io.github.jepa4j.core.train.listeners.CheckpointSaver;
import io.github.jepa4j.examples.EpochEvaluations;
import io.github.jepa4j.examples.EvalRun;
import io.github.jepa4j.examples.ImageExperiment;
import io.github.jepa4j.examples.RunConfig;
import io.github.jepa4j.examples.TrainRun;
import io.github.jepa4j.image.data.Split;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The image quality target of issue 4, asserted: I-JEPA with the reference recipe (ViT {@code ref},
 * predictor 64 x 2, batch 256, 10 epochs of Fashion-MNIST, AdamW with warm-up + cosine LR, cosine
 * weight decay, EMA 0.996 -> 1), probed frozen (linear probe with l2 chosen on held-out training
 * images, kNN) on the full 60,000 / 10,000 split, must beat the raw-pixel baseline and the same
 * encoder untrained under the same probes, and should reach a PyTorch implementation of the
 * recipe and the aim (87 %). {@link QualityReport} gives the verdict.
 *
 * <p>It trains one run per {@code --seeds} entry into {@code OUT/seed-S} (a finished run is read
 * back, an interrupted one resumed), or reads finished runs given with {@code --runs}, whose
 * {@code config.json} must be the recipe (the fields that differ are named). A run without a
 * summary, or whose summary was written before the probe chose its l2 or with another probe
 * encoder, is re-scored from its {@code last.ckpt}, which must be at the recipe's last step. The baselines are computed once into {@code OUT/pixels.json} and
 * {@code OUT/untrained/}. {@code --pytorch DIR} adds runs of
 * {@code benchmarks/pytorch-reference/ijepa_fmnist.py} (their {@code evals.csv}).
 *
 * <p>Writes {@code OUT/quality.md} and {@code OUT/quality.csv}, prints the report, and exits 0 when
 * the required bars are met, 1 when one is missed, 2 on bad input.
 */
public final class QualityTarget {
    private static final Logger LOG = LoggerFactory.getLogger(QualityTarget.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final String DEFAULT_OUT = "runs/bench-quality";
    static final String REPORT = "quality.md";
    static final String CSV = "quality.csv";
    static final String PIXELS = "pixels.json";
    static final String UNTRAINED = "untrained";
    /**
     * Settings that only shape training, not the encoder at initialisation (the same seed gives the
     * same initial weights at any batch size; checked with the summary's {@code param_checksum}).
     */
    static final Set<String> TRAINING_ONLY = Set.of("epochs", "maxSteps", "batch", "lr", "warmupFraction", "emaStart",
            "cropScale", "raggedContext", "antiCollapseWeight", "maskTargets", "maskTargetScale", "maskContextScale");
    /** The key under which {@code pixels.json} records the settings it was computed with. */
    static final String PIXEL_SETTINGS = "settings";
    /** The settings the raw-pixel baseline depends on. */
    static final List<String> PIXEL_KEYS = List.of("data", "dataDir", "trainSize", "evalTrain", "evalTest");
    /** Run settings that do not change what is trained or how it is probed. */
    static final Set<String> NOT_RECIPE = Set.of("seed", "out", "workers", "logEvery", "checkpointEvery", "monitorEvery",
            "evalEpochs", "dataDir", "probeEncoder");

    /**
     * The benchmark's settings.
     *
     * @param seeds   seeds to train (ignored when {@code runs} is given)
     * @param runs    finished run directories to read instead of training
     * @param pytorch PyTorch reference output directories (each with {@code evals.csv})
     */
    public record Options(List<Long> seeds, List<Path> runs, List<Path> pytorch, String data, String dataDir, int epochs,
                          long maxSteps, int batch, int trainSize, int evalTrain, int evalTest, String probeEncoder,
                          int workers, double aim, Path out) {
        public static Options defaults() {
            return new Options(List.of(0L), List.of(), List.of(), "fashion-mnist", null, 10, 0, 256, 12800, 60000, 10000,
                    "target", 1, 0.87, Path.of(DEFAULT_OUT));
        }

        public Options {
            seeds = List.copyOf(seeds);
            runs = List.copyOf(runs);
            pytorch = List.copyOf(pytorch);
            if (seeds.isEmpty() && runs.isEmpty()) {
                throw new IllegalArgumentException("nothing to check: give --seeds to train or --runs to read");
            }
            if (epochs < 1) {
                throw new IllegalArgumentException("--epochs must be >= 1 (the untrained baseline is computed anyway), got " + epochs);
            }
            if (!(aim >= 0 && aim <= 1)) {
                throw new IllegalArgumentException("--aim must be an accuracy in [0, 1], got " + aim);
            }
            if (!probeEncoder.equals("target") && !probeEncoder.equals("context")) {
                throw new IllegalArgumentException("--probe-encoder must be target or context, got '" + probeEncoder + "'");
            }
        }

        /** Parses {@code --name value} flags over the defaults; bad input: {@link IllegalArgumentException}. */
        public static Options parse(String... args) {
            return BenchCli.parse(new Flags(), args).options();
        }

        /** The training recipe: jepa4j's I-JEPA defaults with this benchmark's data, length, batch and probe sizes. */
        public RunConfig recipe() throws IOException {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("data", data);
            if (dataDir != null) {
                m.put("dataDir", dataDir);
            }
            m.put("epochs", epochs);
            m.put("maxSteps", maxSteps);
            m.put("batch", batch);
            m.put("trainSize", trainSize);
            m.put("evalTrain", evalTrain);
            m.put("evalTest", evalTest);
            m.put("probeEncoder", probeEncoder);
            m.put("workers", workers);
            return RunConfig.defaults().with(m);
        }
    }

    private QualityTarget() {}

    public static void main(String[] args) {
        System.exit(BenchCli.execute(new Flags(), args));
    }

    /** Trains or reads the runs, computes the baselines, writes and returns the report. */
    public static QualityReport run(Options o) throws Exception {
        RunConfig recipe = o.recipe();
        // Bad input fails before hours of training or minutes of re-scoring.
        List<QualityReport.Entry> torch = new ArrayList<>();
        for (Path dir : o.pytorch()) {
            torch.add(pytorch(dir, o.epochs()));
        }
        for (Path dir : o.runs()) {
            checkRecipe(recipe, dir);
        }
        Files.createDirectories(o.out());
        List<QualityReport.Entry> runs = new ArrayList<>();
        if (o.runs().isEmpty()) {
            for (long seed : o.seeds()) {
                runs.add(trained(recipe, seed, o.out().resolve("seed-" + seed)));
            }
        } else {
            for (Path dir : o.runs()) {
                runs.add(read(recipe, dir, o.out()));
            }
        }
        QualityReport.Entry pixels = pixels(recipe, o.out().resolve(PIXELS));
        long seed = o.runs().isEmpty() ? o.seeds().get(0)
                : JSON.readTree(o.runs().get(0).resolve(TrainRun.CONFIG).toFile()).path("seed").asLong(0);
        QualityReport.Entry untrained = untrained(recipe, seed, o.out().resolve(UNTRAINED));
        QualityReport report = new QualityReport(runs, pixels, untrained, torch, o.aim(), o.evalTest());
        Files.writeString(o.out().resolve(REPORT), report.markdown());
        Files.writeString(o.out().resolve(CSV), report.csv());
        return report;
    }

    /** A run of the recipe at {@code seed} in {@code dir}: read back when finished, else trained (resumed when interrupted). */
    static QualityReport.Entry trained(RunConfig recipe, long seed, Path dir) throws Exception {
        Path summary = dir.resolve(TrainRun.SUMMARY);
        if (!Files.exists(summary)) {
            boolean resume = Files.exists(dir.resolve(CheckpointSaver.LAST));
            LOG.info("{} seed {} into {}", resume ? "resuming" : "training", seed, dir);
            TrainRun.run(recipe.with(Map.of("seed", seed, "out", dir.toString())), resume);
        } else {
            LOG.info("seed {}: reading the finished run in {}", seed, dir);
        }
        return read(recipe, dir, dir.getParent());
    }

    /**
     * The finished run in {@code dir}, which must follow {@code recipe}: its summary when that was
     * probed as the recipe says, else its last checkpoint re-scored (cached in {@code out/rescored}).
     */
    static QualityReport.Entry read(RunConfig recipe, Path dir, Path out) throws Exception {
        checkRecipe(recipe, dir);
        Path summaryFile = dir.resolve(TrainRun.SUMMARY);
        Path ckpt = dir.resolve(CheckpointSaver.LAST);
        String name = dir.getFileName().toString();
        JsonNode s = Files.isRegularFile(summaryFile) ? JSON.readTree(summaryFile.toFile()) : null;
        String probed = s == null ? null : s.path("probe_encoder").asText("target");
        if (s != null && s.has("linear_probe_l2") && probed.equals(recipe.probeEncoder())) {
            return entry(name, "jepa4j", s, summaryFile.toString());
        }
        if (!Files.isRegularFile(ckpt)) {
            throw new IllegalArgumentException("run " + dir + " was probed " + (s.has("linear_probe_l2") ? "on the " + probed
                    + " encoder" : "with the earlier fixed-l2 probe") + " and has no " + ckpt.getFileName() + " to re-score");
        }
        Path cache = out.resolve("rescored").resolve(name + "-" + shortHash(ckpt.toAbsolutePath() + "|" + recipe.probeEncoder()) + ".json");
        if (!Files.isRegularFile(cache)) {
            LOG.info("re-scoring {} with the current probe ({} encoder): {}", ckpt, recipe.probeEncoder(),
                    s == null ? "the run has no summary" : "its summary was probed otherwise");
            Map<String, Object> r = EvalRun.image(ckpt, Map.of("probeEncoder", recipe.probeEncoder(),
                    "evalTrain", recipe.evalTrain(), "evalTest", recipe.evalTest()));
            long total = totalSteps(recipe);
            if (((Number) r.get("steps")).longValue() != total) {
                throw new IllegalArgumentException("run " + dir + " is unfinished: its " + ckpt.getFileName() + " is at step "
                        + r.get("steps") + " of the recipe's " + total);
            }
            Files.createDirectories(cache.getParent());
            writeAtomically(cache, JSON.writeValueAsString(r));
        }
        return entry(name, "jepa4j", JSON.readTree(cache.toFile()), cache.toString());
    }

    /** Refuses a run directory that is not a jepa4j run of {@code recipe} with a summary or a checkpoint. */
    static void checkRecipe(RunConfig recipe, Path dir) throws IOException {
        Path config = dir.resolve(TrainRun.CONFIG);
        if (!Files.isRegularFile(config) || !Files.isRegularFile(dir.resolve(TrainRun.SUMMARY))
                && !Files.isRegularFile(dir.resolve(CheckpointSaver.LAST))) {
            throw new IllegalArgumentException("run directory " + dir + " has no " + (Files.isRegularFile(config) ? TrainRun.SUMMARY
                    + " or " + CheckpointSaver.LAST : TrainRun.CONFIG) + ": give finished jepa4j train output directories to --runs");
        }
        List<String> diff = recipeDifferences(recipe, JSON.readTree(config.toFile()));
        if (!diff.isEmpty()) {
            throw new IllegalArgumentException("run " + dir + " does not follow the recipe: " + String.join(", ", diff));
        }
    }

    /** The recipe's optimisation steps, as {@code jepa4j train} counts them. */
    static long totalSteps(RunConfig recipe) {
        long total = (long) recipe.epochs() * (ImageExperiment.dataset(recipe, Split.TRAIN).size() / recipe.batch());
        return recipe.maxSteps() > 0 ? Math.min(total, recipe.maxSteps()) : total;
    }

    /** The recipe settings in which the saved run {@code config} differs from {@code recipe}, as {@code name: run X, recipe Y}. */
    static List<String> recipeDifferences(RunConfig recipe, JsonNode config) {
        return recipeDifferences(recipe, config, Set.of());
    }

    private static List<String> recipeDifferences(RunConfig recipe, JsonNode config, Set<String> alsoIgnored) {
        JsonNode want = JSON.valueToTree(recipe);
        List<String> diff = new ArrayList<>();
        // Only the settings the file holds: older runs predate later options, which were off then.
        config.fields().forEachRemaining(e -> {
            String k = e.getKey();
            if (NOT_RECIPE.contains(k) || alsoIgnored.contains(k) || !want.has(k)) {
                return;
            }
            JsonNode w = want.get(k);
            JsonNode g = e.getValue();
            boolean same = w.isNumber() && g.isNumber() ? w.asDouble() == g.asDouble() : w.equals(g);
            if (!same) {
                diff.add(k + ": run " + g + ", recipe " + w);
            }
        });
        return diff;
    }

    /** The raw-pixel baseline, cached in {@code file} with the settings it was computed with (recomputed when they differ). */
    static QualityReport.Entry pixels(RunConfig recipe, Path file) throws Exception {
        JsonNode all = JSON.valueToTree(recipe);
        ObjectNode want = JSON.createObjectNode();
        PIXEL_KEYS.forEach(k -> want.set(k, all.get(k)));
        JsonNode cached = Files.isRegularFile(file) ? JSON.readTree(file.toFile()) : null;
        if (cached == null || !want.equals(cached.get(PIXEL_SETTINGS))) {
            LOG.info("raw-pixel baseline of {} ({} / {} images){}", recipe.data(), recipe.evalTrain(), recipe.evalTest(),
                    cached == null ? "" : ": the cached one in " + file + " was computed with other settings");
            Map<String, Object> r = new LinkedHashMap<>(EvalRun.pixels(recipe));
            r.put(PIXEL_SETTINGS, want);
            writeAtomically(file, JSON.writeValueAsString(r));
        }
        return entry("raw pixels", "pixels", JSON.readTree(file.toFile()), file.toString());
    }

    /** The encoder at initialisation ({@code --epochs 0} of the recipe at {@code seed}), evaluated once into {@code dir}. */
    static QualityReport.Entry untrained(RunConfig recipe, long seed, Path dir) throws Exception {
        Path summary = dir.resolve(TrainRun.SUMMARY);
        RunConfig c = recipe.with(Map.of("epochs", 0, "seed", seed, "out", dir.toString()));
        if (!Files.isRegularFile(summary)) {
            LOG.info("the untrained encoder (seed {})", seed);
            TrainRun.run(c, Files.exists(dir.resolve(CheckpointSaver.LAST)));
        } else {
            JsonNode saved = JSON.readTree(dir.resolve(TrainRun.CONFIG).toFile());
            List<String> diff = new ArrayList<>(recipeDifferences(c, saved, TRAINING_ONLY));
            if (saved.path("seed").asLong() != seed) {
                diff.add("seed: run " + saved.path("seed") + ", wanted " + seed);
            }
            if (!diff.isEmpty()) {
                throw new IllegalArgumentException("the untrained baseline in " + dir + " was evaluated with other settings ("
                        + String.join(", ", diff) + "); choose another --out");
            }
        }
        return entry("untrained (seed " + seed + ")", "untrained", JSON.readTree(summary.toFile()), summary.toString());
    }

    /** The row of {@code DIR/evals.csv} at {@code epoch}, written by the PyTorch reference with the held-out-l2 probe. */
    static QualityReport.Entry pytorch(Path dir, int epoch) throws IOException {
        Path csv = dir.resolve(EpochEvaluations.FILE);
        if (!Files.isRegularFile(csv)) {
            throw new IllegalArgumentException("PyTorch run " + dir + " has no evals.csv (benchmarks/pytorch-reference/ijepa_fmnist.py writes it)");
        }
        List<EpochEvaluations.Row> rows;
        try {
            rows = EpochEvaluations.read(csv);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(csv + " is not an evals.csv (epoch,step,linear_probe_acc,knn_acc,rankme,std_l2,"
                    + "train_seconds,linear_probe_l2): " + e.getMessage(), e);
        }
        EpochEvaluations.Row row = rows.stream().filter(r -> r.epoch() == epoch).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(csv + " has no row for epoch " + epoch));
        if (Double.isNaN(row.linearProbeL2())) {
            throw new IllegalArgumentException(csv + " has no linear_probe_l2 column: it was probed with the earlier fixed l2;"
                    + " re-score its target-epoch-E.pt or rerun it");
        }
        return new QualityReport.Entry("pytorch " + dir.getFileName(), "pytorch", row.linearProbeAcc(), row.linearProbeL2(),
                row.knnAcc(), row.rankMe(), csv.toString());
    }

    private static QualityReport.Entry entry(String name, String kind, JsonNode s, String source) {
        for (String k : List.of("linear_probe_acc", "knn_acc", "rankme")) {
            if (!s.path(k).isNumber()) {
                throw new IllegalArgumentException(source + " has no number '" + k + "'");
            }
        }
        return new QualityReport.Entry(name, kind, s.get("linear_probe_acc").asDouble(),
                s.path("linear_probe_l2").isNumber() ? s.get("linear_probe_l2").asDouble() : Double.NaN,
                s.get("knn_acc").asDouble(), s.get("rankme").asDouble(), source);
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static String shortHash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The command-line flags; {@link #options()} turns them into validated {@link Options}. */
    @Command(name = "jepa4j bench quality", sortOptions = false, sortSynopsis = false, showDefaultValues = true,
            description = {"The image quality target: I-JEPA with the reference recipe, probed frozen, must beat the raw"
                    + " pixels and the untrained encoder under the same probes (required) and should reach the PyTorch"
                    + " implementation and --aim. Trains --seeds into OUT/seed-S (finished runs are read back, interrupted"
                    + " ones resumed) or reads --runs; writes OUT/quality.md and OUT/quality.csv.",
                "Exit status: 0 required bars met, 1 one missed, 2 bad input."})
    static final class Flags implements Callable<Integer> {
        private static final Options D = Options.defaults();

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
        boolean help;

        @Option(names = "--seeds", paramLabel = "LIST", description = "seeds to train, comma-separated (default: 0)")
        String seeds;

        @Option(names = "--runs", paramLabel = "DIR,...", description = "finished jepa4j train output directories to check instead of training")
        String runs;

        @Option(names = "--pytorch", paramLabel = "DIR,...", description = "PyTorch reference output directories (evals.csv)")
        String pytorch;

        @Option(names = "--data", paramLabel = "fashion-mnist|shapes|DIR")
        String data = D.data();

        @Option(names = "--data-dir", paramLabel = "DIR", description = "Fashion-MNIST directory")
        String dataDir;

        @Option(names = "--epochs", paramLabel = "N")
        int epochs = D.epochs();

        @Option(names = "--max-steps", paramLabel = "N", description = "cap on steps (0: none; for smoke tests)")
        long maxSteps = D.maxSteps();

        @Option(names = "--batch", paramLabel = "N")
        int batch = D.batch();

        @Option(names = "--train-size", paramLabel = "N", description = "images in the built-in shapes training split")
        int trainSize = D.trainSize();

        @Option(names = "--eval-train", paramLabel = "N", description = "training images of the probes")
        int evalTrain = D.evalTrain();

        @Option(names = "--eval-test", paramLabel = "N", description = "test images of the probes")
        int evalTest = D.evalTest();

        @Option(names = "--probe-encoder", paramLabel = "target|context", description = "the encoder the probes read")
        String probeEncoder = D.probeEncoder();

        @Option(names = "--workers", paramLabel = "N", description = "data-loading threads")
        int workers = D.workers();

        @Option(names = "--aim", paramLabel = "ACC", description = "the accuracy aimed at (reported, not required)")
        double aim = D.aim();

        @Option(names = "--out", paramLabel = "DIR")
        Path out = D.out();

        Options options() {
            if (runs != null && seeds != null) {
                throw new IllegalArgumentException("give --seeds (train) or --runs (read finished runs), not both: got --seeds "
                        + seeds + " and --runs " + runs);
            }
            List<Long> s;
            try {
                s = runs != null ? List.of() : seeds == null ? D.seeds() : BenchCli.commaList(seeds).stream().map(Long::parseLong).toList();
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--seeds must list whole numbers, got '" + seeds + "'");
            }
            return new Options(s,
                    paths(runs), paths(pytorch), data, dataDir, epochs, maxSteps, batch, trainSize, evalTrain, evalTest,
                    probeEncoder, workers, aim, out);
        }

        private static List<Path> paths(String v) {
            return BenchCli.commaList(v).stream().map(Path::of).toList();
        }

        @Override
        public Integer call() throws Exception {
            QualityReport r = run(options());
            System.out.println(r.markdown());
            return r.passed() ? 0 : 1;
        }
    }
}
