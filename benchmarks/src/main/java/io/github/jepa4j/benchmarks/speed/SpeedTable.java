package io.github.jepa4j.benchmarks.speed;

import io.github.jepa4j.benchmarks.BenchCli;
import io.github.jepa4j.core.task.MaskedBatch;
import io.github.jepa4j.core.task.MaskedJepaTask;
import io.github.jepa4j.core.tensor.Gemm;
import io.github.jepa4j.core.train.PhaseTimes;
import io.github.jepa4j.core.train.PhaseTimes.Phase;
import io.github.jepa4j.core.train.StepEvent;
import io.github.jepa4j.core.train.Trainer;
import io.github.jepa4j.core.train.TrainingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.buffer.DataType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The speed table ({@code ./jepa4j bench speed}): median wall time of a full I-JEPA / V-JEPA
 * training step through the real {@link Trainer} for encoder presets ({@link SpeedPreset}) and
 * batch sizes, split into phases ({@link PhaseTimes}: data, target forward, context forward +
 * predictor + loss, backward, optimiser, EMA, other), with images/s (clips/s), the achieved
 * GFLOP/s of the step's matrix products ({@link StepFlops}) against an sgemm (through {@link io.github.jepa4j.core.tensor.Gemm#mm}) of the model's
 * MLP shape sampled between the row's steps ({@link SgemmSampler}), peak RSS, the backend and the device.
 *
 * <p>Per row: {@code --warmup} steps excluded (50 by default: HotSpot is still compiling the
 * step's code over the first 50-100 steps of the reference model, which ran 205-265 ms/step over
 * steps 0-24 and 155-165 from about step 75 on), then medians over {@code --steps} steps (20 by
 * default; each phase's median separately, so phases sum to about, not exactly, the median step),
 * measured back to back in groups of {@code --group} (5) with the sgemm sampled after each group
 * and {@code --rewarm} (1) unmeasured step after each sample ({@link Schedule}).
 * Data = the batch source's wait: masks are drawn on the trainer thread each step and the pixels
 * come from a pool of random tensors, so it is the masking cost, with no decoding. Peak RSS is
 * the process's (JVM heap included) since the row started; rows run in one JVM, one after another.
 *
 * <p>Options: {@code --presets ref,vit-tiny,vit-small,video-tiny} {@code --batches LIST} (numbers
 * for every preset, or {@code preset=b1/b2} entries, e.g. {@code ref=64/128,vit-tiny=8}; default
 * each preset's own batch) {@code --steps 20} {@code --warmup 50} {@code --group 5} {@code --rewarm 1} {@code --seed 1}
 * {@code --out runs/bench-speed} {@code --note TEXT} (added under the table), {@code --rss-steps N}
 * (afterwards, N more steps of the first row, printing RSS every N/10 steps: a leak check).
 * Writes {@code OUT/speed.md} and {@code OUT/speed.csv}.
 */
public final class SpeedTable {
    private SpeedTable() {}

    /** Parsed options. */
    public record Options(List<String> presets, Map<String, List<Integer>> batches, int steps, int warmup, int group,
                          int rewarm, long seed, Path out, String note, int rssSteps) {
        public Options {
            if (steps < 1 || warmup < 0 || group < 1 || rewarm < 0 || rssSteps < 0) {
                throw new IllegalArgumentException("need --steps >= 1, --warmup >= 0, --group >= 1, --rewarm >= 0, --rss-steps >= 0;"
                        + " got steps=" + steps + " warmup=" + warmup + " group=" + group + " rewarm=" + rewarm + " rss-steps=" + rssSteps);
            }
            for (String p : presets) {
                SpeedPreset.of(p);
            }
        }

        /** Parses {@code --name value} flags over the defaults; bad input: {@link IllegalArgumentException}. */
        public static Options parse(String... args) {
            return BenchCli.parse(new Flags(), args).options();
        }

        private static Map<String, List<Integer>> parseBatches(List<String> presets, String spec) {
            Map<String, List<Integer>> m = new LinkedHashMap<>();
            List<Integer> all = null;
            if (spec != null) {
                for (String e : spec.split(",")) {
                    int eq = e.indexOf('=');
                    if (eq < 0) {
                        all = all == null ? new ArrayList<>() : all;
                        all.add(positive(e));
                    } else {
                        String name = SpeedPreset.of(e.substring(0, eq)).name();
                        List<Integer> l = new ArrayList<>();
                        for (String b : e.substring(eq + 1).split("/")) {
                            l.add(positive(b));
                        }
                        m.put(name, l);
                    }
                }
            }
            Map<String, List<Integer>> out = new LinkedHashMap<>();
            for (String p : presets) {
                SpeedPreset sp = SpeedPreset.of(p);
                out.put(sp.name(), m.getOrDefault(sp.name(), all != null ? all : List.of(sp.defaultBatch())));
            }
            return out;
        }

        private static int positive(String s) {
            int b = Integer.parseInt(s.trim());
            if (b < 1) {
                throw new IllegalArgumentException("batch sizes must be >= 1, got " + b);
            }
            return b;
        }
    }

    public static void main(String[] args) {
        System.exit(BenchCli.execute(new Flags(), args));
    }

    /** The command-line flags; {@link #options()} turns them into validated {@link Options}. */
    @Command(name = "jepa4j bench speed", sortOptions = false, sortSynopsis = false, showDefaultValues = true,
            description = "Median wall time of a full training step per encoder preset and batch size, split into phases,"
                    + " with throughput, GFLOP/s and peak RSS; writes OUT/speed.md and OUT/speed.csv.")
    static final class Flags implements Callable<Integer> {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
        boolean help;

        @Option(names = "--presets", paramLabel = "LIST", description = "encoder presets, comma-separated")
        String presets = String.join(",", SpeedPreset.NAMES);

        @Option(names = "--batches", paramLabel = "LIST", description = "batch sizes for every preset (8,16) or per preset"
                + " (ref=64/128,vit-tiny=8); default: each preset's own batch")
        String batches;

        @Option(names = "--steps", paramLabel = "N", description = "measured steps per row")
        int steps = 20;

        @Option(names = "--warmup", paramLabel = "N", description = "unmeasured steps before them (HotSpot compiles the step's"
                + " code for the first 50-100 steps of the reference model)")
        int warmup = DEFAULT_WARMUP;

        @Option(names = "--group", paramLabel = "N", description = "measured steps run back to back between two sgemm samples")
        int group = DEFAULT_GROUP;

        @Option(names = "--rewarm", paramLabel = "N", description = "unmeasured steps after each sgemm sample")
        int rewarm = DEFAULT_REWARM;

        @Option(names = "--seed", paramLabel = "N")
        long seed = 1;

        @Option(names = "--out", paramLabel = "DIR")
        Path out = Path.of("runs/bench-speed");

        @Option(names = "--note", paramLabel = "TEXT", description = "text added under the table")
        String note;

        @Option(names = "--rss-steps", paramLabel = "N",
                description = "afterwards, N more steps of the first row printing RSS every N/10 steps (a leak check)")
        int rssSteps;

        /** The validated options. */
        Options options() {
            List<String> p = List.of(presets.split(","));
            return new Options(p, Options.parseBatches(p, batches), steps, warmup, group, rewarm, seed, out, note, rssSteps);
        }

        @Override
        public Integer call() {
            report(options());
            return 0;
        }
    }

    /** Measures every row of {@code o}, prints the table and writes it into {@code o.out()}. */
    static void report(Options o) {
        String loadBefore = Machine.loadAverage();
        List<SpeedRow> rows = run(o);
        String md = markdown(rows, o) + "\nLoad average (1 min) before the run " + loadBefore + ", after it "
                + Machine.loadAverage() + " (the run itself adds about 1-2 on a CPU backend).\n";
        System.out.println();
        System.out.println(md);
        write(o.out(), md, csv(rows));
        System.out.println("wrote " + o.out().resolve("speed.md") + " and " + o.out().resolve("speed.csv"));
    }

    /** Runs every preset x batch of {@code o}, printing progress to stderr. */
    public static List<SpeedRow> run(Options o) {
        List<SpeedRow> rows = new ArrayList<>();
        boolean first = true;
        for (var e : o.batches().entrySet()) {
            SpeedPreset p = SpeedPreset.of(e.getKey());
            for (int b : e.getValue()) {
                System.err.printf(Locale.ROOT, "bench speed: %s batch %d (%d warm-up + %d steps)...%n", p.name(), b, o.warmup(), o.steps());
                long t0 = System.nanoTime();
                SpeedRow r = measure(p, b, new Schedule(o.warmup(), o.steps(), o.group(), o.rewarm()), o.seed(),
                        first ? o.rssSteps() : 0);
                first = false;
                System.err.printf(Locale.ROOT, "bench speed: %s batch %d: median %.1f ms/step (%.0f s)%n", p.name(), b, r.medianMs(),
                        (System.nanoTime() - t0) / 1e9);
                rows.add(r);
            }
        }
        return rows;
    }

    /** Default unmeasured steps before a row's measured ones. */
    static final int DEFAULT_WARMUP = 50;
    /** Default measured steps between two sgemm samples. */
    static final int DEFAULT_GROUP = 5;
    /** Default unmeasured steps after each sgemm sample. */
    static final int DEFAULT_REWARM = 1;

    /**
     * Which of a row's trainer steps are measured, and after which the sgemm reference is sampled:
     * {@code warmup} unmeasured steps, then groups of {@code group} measured steps run back to
     * back, each followed by an sgemm sample ({@link SgemmSampler#sample}, which ends in a pause)
     * and then {@code rewarm} unmeasured steps, until {@code steps} steps are measured.
     *
     * <p>Why groups: on this project's 2-vCPU VM a step that follows an idle pause of both cores
     * runs slower. With a 270 ms sleep after every step the steps read a median 204-208 ms against
     * 160-180 ms for the same steps back to back (one JVM, alternating phases of 20 steps); a busy
     * wait on one core did the same (206 against 185), a busy wait on both did not (162 against
     * 162). Sampling after every step, as this table did before, therefore measured steps that
     * training, whose steps run back to back, never sees; with a sample every 5 steps the steps read
     * as back to back (166-174 against 168-190).
     */
    public record Schedule(int warmup, int steps, int group, int rewarm) {
        public Schedule {
            if (warmup < 0 || steps < 1 || group < 1 || rewarm < 0) {
                throw new IllegalArgumentException("bad step schedule: warmup=" + warmup + " steps=" + steps + " group=" + group
                        + " rewarm=" + rewarm);
            }
        }

        /** One sgemm sample after every step, no re-warm: the table's schedule before session 13. */
        public static Schedule everyStep(int warmup, int steps) {
            return new Schedule(warmup, steps, 1, 0);
        }

        /** Groups of measured steps, so sgemm samples. */
        public int groups() {
            return (steps + group - 1) / group;
        }

        /** Trainer steps the schedule runs: warm-up, measured and re-warm steps. */
        public long totalSteps() {
            return (long) warmup + steps + (long) rewarm * (groups() - 1);
        }

        /** The index among the measured steps of trainer step {@code step} (0-based), or -1 when it is not measured. */
        public int measuredIndex(long step) {
            long i = step - warmup;
            if (i < 0) {
                return -1;
            }
            long cycle = (long) group + rewarm;
            long k = i % cycle;
            long index = i / cycle * group + k;
            return k < group && index < steps ? (int) index : -1;
        }

        /** Whether the sgemm reference is sampled after trainer step {@code step}: the last step of each group. */
        public boolean sampleAfter(long step) {
            int index = measuredIndex(step);
            return index >= 0 && ((index + 1) % group == 0 || index == steps - 1);
        }
    }

    /** {@link #measure(SpeedPreset, int, Schedule, long, int)} with an sgemm sample after every step ({@link Schedule#everyStep}). */
    public static SpeedRow measure(SpeedPreset p, int batch, int warmup, int steps, long seed, int rssSteps) {
        return measure(p, batch, Schedule.everyStep(warmup, steps), seed, rssSteps);
    }

    /** Measures one preset at one batch size through the {@link Trainer}, with phase timing. */
    public static SpeedRow measure(SpeedPreset p, int batch, Schedule schedule, long seed, int rssSteps) {
        int steps = schedule.steps();
        System.gc();
        var enc = p.encoder();
        boolean hwm = Machine.resetPeakRss();
        PhaseTimes times = new PhaseTimes();
        double[] stepMs = new double[steps];
        Map<Phase, double[]> phaseMs = new EnumMap<>(Phase.class);
        for (Phase ph : Phase.values()) {
            phaseMs.put(ph, new double[steps]);
        }
        double[] flops = {0};
        double[] maxRss = {Machine.rssMb()};
        // Sampled between groups of measured steps, outside them: the steps and their reference see the same machine.
        SgemmSampler sgemm = new SgemmSampler(Math.min(batch * enc.numTokens(), 8192), enc.dim(), enc.mlpHidden());
        MaskedJepaTask task = new MaskedJepaTask(p.config(), DataType.FLOAT, seed).phaseTimes(times);
        SyntheticSource source = new SyntheticSource(p, batch, seed);
        int every = Math.max(1, rssSteps / 10);
        TrainingListener listener = new TrainingListener() {
            @Override
            public void onStepEnd(StepEvent ev) {
                int i = schedule.measuredIndex(ev.step());
                if (i >= 0) {
                    stepMs[i] = ev.stepMillis();
                    for (Phase ph : Phase.values()) {
                        phaseMs.get(ph)[i] = times.millis(ph);
                    }
                    flops[0] += StepFlops.step(enc, p.config().predictor(), source.last(),
                            MaskedJepaTask.splitBatchDefault() && MaskedJepaTask.targetRowsOnlyDefault());
                }
                if (schedule.sampleAfter(ev.step())) {
                    sgemm.sample();
                }
                maxRss[0] = Math.max(maxRss[0], Machine.rssMb());
                long after = ev.step() + 1 - schedule.totalSteps();
                if (after > 0 && after % every == 0) {
                    double rss = Machine.rssMb();
                    double heap = Runtime.getRuntime().totalMemory() / 1048576.0;
                    System.out.printf(Locale.ROOT, "rss after %d steps: RSS %.0f MB, Java heap committed %.0f MB, native %.0f MB%n",
                            ev.step() + 1, rss, heap, rss - heap);
                }
            }
        };
        try (Trainer<MaskedBatch> t = Trainer.builder(task, source)
                .totalSteps(schedule.totalSteps() + rssSteps).seed(seed).phaseTimes(times).listener(listener).build()) {
            t.fit();
        }
        double peak = hwm ? Math.max(Machine.statusMb("VmHWM"), maxRss[0]) : maxRss[0];
        return new SpeedRow(p.name(), p.description(), p.unit(), batch, steps, stepMs, phaseMs, flops[0] / steps, sgemm.rates(), peak);
    }

    static final List<Phase> PHASES = List.of(Phase.values());
    private static final String[] PHASE_HEADERS = {"data", "target fwd", "ctx fwd + pred", "backward", "optimiser", "EMA", "other"};
    private static final String[] PHASE_CSV = {"data_ms", "target_fwd_ms", "ctx_fwd_pred_ms", "backward_ms", "optimiser_ms", "ema_ms",
        "other_ms"};

    /** How the step uses a second core: the batch in halves, or which of the unsplit step's two overlaps are on. */
    static String concurrency() {
        boolean target = io.github.jepa4j.core.task.MaskedJepaTask.concurrentTargetDefault();
        boolean grads = io.github.jepa4j.core.nn.WeightGradients.enabled();
        boolean halves = io.github.jepa4j.core.task.MaskedJepaTask.splitBatchDefault();
        if (!target && !grads) {
            return halves ? "sequential step (batches of 2 or more in halves, one after the other)" : "sequential step";
        }
        String unsplit = "concurrent step (" + (target ? "target forward beside context forward" : "")
                + (target && grads ? ", " : "") + (grads ? "weight gradients beside input gradients" : "")
                + (Gemm.direct() ? ", one BLAS thread per call" : "") + ")";
        return halves && target
                ? "batches of 2 or more in halves, each through the whole step on its own thread" + (Gemm.direct()
                        ? " with one BLAS thread per call" : "") + "; a batch of 1 as the " + unsplit
                : unsplit;
    }

    /** The Markdown table with a header naming backend, device, cores and settings. */
    public static String markdown(List<SpeedRow> rows, Options o) {
        StringBuilder s = new StringBuilder();
        s.append("# jepa4j training-step speed\n\n");
        s.append(String.format(Locale.ROOT, "Backend %s; device %s; %d cores visible to the JVM; OMP_NUM_THREADS=%s, "
                        + "OMP_WAIT_POLICY=%s, OPENBLAS_CORETYPE=%s; GEMMs %s; %s; float32; GC %s; %s. Medians over %d steps after %d warm-up steps,"
                        + " measured back to back in groups of %d with an sgemm sample and %d unmeasured step(s) after each group.%n%n",
                Machine.backend(), Machine.device(), Runtime.getRuntime().availableProcessors(), env("OMP_NUM_THREADS"),
                env("OMP_WAIT_POLICY"), env("OPENBLAS_CORETYPE"), Gemm.direct() ? "direct OpenBLAS" : "through ND4J",
                concurrency(), Machine.collectors(),
                LocalDate.now(), o.steps(), o.warmup(), o.group(), o.rewarm()));
        s.append("| preset | model | batch | ms/step | p10–p90 ms |");
        for (String h : PHASE_HEADERS) {
            s.append(' ').append(h).append(" |");
        }
        s.append(" throughput | GFLOP/step | GFLOP/s | sgemm GFLOP/s | sgemm p10–p90 | % of sgemm | 1-thread sgemm | peak RSS MB |\n");
        s.append("|---|---|---|---|---|");
        s.append("---|".repeat(PHASE_HEADERS.length));
        s.append("---|---|---|---|---|---|---|---|\n");
        for (SpeedRow r : rows) {
            s.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s–%s |", r.preset(), r.description(), r.batch(), ms(r.medianMs()),
                    ms(r.percentileMs(0.1)), ms(r.percentileMs(0.9))));
            for (Phase ph : PHASES) {
                s.append(' ').append(ms(r.phaseMedianMs(ph))).append(" |");
            }
            s.append(String.format(Locale.ROOT, " %s %s/s | %.2f | %.1f | %.1f | %.0f–%.0f | %.0f %% | %s | %.0f |%n", num(r.examplesPerSecond()),
                    r.unit(), r.flopsPerStep() / 1e9, r.achievedGflops(), r.sgemmGflops(), r.sgemm().p10(), r.sgemm().p90(),
                    100 * r.achievedGflops() / r.sgemmGflops(),
                    Double.isNaN(r.sgemm().oneThread()) ? "–" : String.format(Locale.ROOT, "%.1f", r.sgemm().oneThread()), r.peakRssMb()));
        }
        s.append("\nPhases (ms, each the median over the steps): data = waiting for the batch (masks drawn on the trainer thread,"
                + " synthetic pixels, no decoding); target fwd = EMA encoder on all tokens + target LayerNorm + gather;"
                + " ctx fwd + pred = context encoder on the kept tokens, predictor and loss; backward = predictor and context"
                + " encoder; optimiser = AdamW; EMA = target update; other = zeroing gradients, gradient norm, workspace."
                + " With the batch in halves the phases are those of the trainer's thread, which steps the first half while"
                + " a second thread steps the other: target fwd = its half's target forward, ctx fwd + pred = its half's"
                + " context forward, predictor and loss, backward = its half's backward, the wait for the other half and the"
                + " sum of the two halves' gradients. In the unsplit concurrent step (a batch of 1) the target forward runs"
                + " on a second thread during ctx fwd + pred, so target fwd is only the wait for it afterwards, and backward"
                + " includes the wait for the last weight gradients."
                + " GFLOP counts the matrix products only, as run (forward 1×, backward 2×; with the batch in halves the target's last block at the target tokens only; see StepFlops); sgemm = [B·N, D]×[D, 4D]"
                + " FLOAT through Gemm.mm (the layers' GEMM call) into a preallocated output with BLAS's default threads (all cores),"
                + " three timed calls after two untimed ones after each group of measured steps (median and p10–p90 of the timed"
                + " calls; the machine's rate drifts between runs, so the steps are compared with the rate of the same minutes), then"
                + " a pause until OpenBLAS's woken threads stop spinning, then the unmeasured step(s): on this VM a step right after"
                + " an idle pause of both cores runs slower, and training runs its steps back to back; 1-thread sgemm ="
                + " the same product on one BLAS thread, timed before the default-thread calls,"
                + " as each product of a step on two threads runs. Video rows alternate V-JEPA's short- and"
                + " long-range mask generators over steps (one generator per step).\n");
        if (o.note() != null && !o.note().isBlank()) {
            s.append('\n').append(o.note().trim()).append('\n');
        }
        s.append("\nRegenerate: `./jepa4j bench speed").append(regenerateArgs(o)).append("`.\n");
        return s.toString();
    }

    /** The options of {@code o} that differ from the defaults, as command-line flags. */
    static String regenerateArgs(Options o) {
        StringBuilder s = new StringBuilder();
        if (!o.presets().equals(SpeedPreset.NAMES)) {
            s.append(" --presets ").append(String.join(",", o.presets()));
        }
        StringBuilder b = new StringBuilder();
        for (var e : o.batches().entrySet()) {
            if (!e.getValue().equals(List.of(SpeedPreset.of(e.getKey()).defaultBatch()))) {
                b.append(b.length() > 0 ? "," : "").append(e.getKey()).append('=')
                        .append(String.join("/", e.getValue().stream().map(String::valueOf).toList()));
            }
        }
        if (b.length() > 0) {
            s.append(" --batches ").append(b);
        }
        s.append(o.steps() != 20 ? " --steps " + o.steps() : "").append(o.warmup() != DEFAULT_WARMUP ? " --warmup " + o.warmup() : "");
        s.append(o.group() != DEFAULT_GROUP ? " --group " + o.group() : "").append(o.rewarm() != DEFAULT_REWARM ? " --rewarm " + o.rewarm() : "");
        s.append(o.seed() != 1 ? " --seed " + o.seed() : "");
        return s.toString();
    }

    /** One line per row; times in ms. */
    public static String csv(List<SpeedRow> rows) {
        StringBuilder s = new StringBuilder("preset,model,unit,batch,steps,median_ms,p10_ms,p90_ms,");
        s.append(String.join(",", PHASE_CSV));
        s.append(",examples_per_s,gflop_per_step,achieved_gflops,sgemm_gflops,sgemm_p10_gflops,sgemm_p90_gflops,sgemm_1t_gflops,"
                + "peak_rss_mb,backend,device\n");
        String backend = csvField(Machine.backend());
        String device = csvField(Machine.device());
        for (SpeedRow r : rows) {
            s.append(String.format(Locale.ROOT, "%s,%s,%s,%d,%d,%.3f,%.3f,%.3f", r.preset(), csvField(r.description()), r.unit(),
                    r.batch(), r.steps(), r.medianMs(), r.percentileMs(0.1), r.percentileMs(0.9)));
            for (Phase ph : PHASES) {
                s.append(String.format(Locale.ROOT, ",%.3f", r.phaseMedianMs(ph)));
            }
            s.append(String.format(Locale.ROOT, ",%.3f,%.4f,%.3f,%.3f,%.3f,%.3f,%.3f,%.1f,%s,%s%n", r.examplesPerSecond(),
                    r.flopsPerStep() / 1e9, r.achievedGflops(), r.sgemmGflops(), r.sgemm().p10(), r.sgemm().p90(),
                    r.sgemm().oneThread(), r.peakRssMb(), backend, device));
        }
        return s.toString();
    }

    static void write(Path dir, String md, String csv) {
        write(dir, "speed", md, csv);
    }

    /** Writes {@code DIR/NAME.md} and {@code DIR/NAME.csv}, creating the directory. */
    static void write(Path dir, String name, String md, String csv) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(name + ".md"), md);
            Files.writeString(dir.resolve(name + ".csv"), csv);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + name + ".md and " + name + ".csv into " + dir, e);
        }
    }

    private static String csvField(String s) {
        return s.contains(",") || s.contains("\"") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    static String env(String k) {
        String v = System.getenv(k);
        return v == null ? "unset" : v;
    }

    private static String ms(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : v >= 10 ? String.format(Locale.ROOT, "%.1f", v)
                : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String num(double v) {
        return v >= 10 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }
}
