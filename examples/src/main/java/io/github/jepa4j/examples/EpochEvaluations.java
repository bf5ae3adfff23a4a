package io.github.jepa4j.examples;

import io.github.jepa4j.core.train.StepEvent;
import io.github.jepa4j.core.train.TrainingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates the frozen encoder at the end of chosen epochs during training (e.g. epochs 1, 3 and
 * 10 of one 10-epoch run, as README's results table reports them), appending a row per
 * evaluation to {@code OUT/evals.csv}; a row's {@code train_seconds} is the trainer's step time so
 * far ({@link io.github.jepa4j.core.train.Trainer#trainSeconds()}: evaluations excluded, carried
 * across resume). On resume, epochs already in the CSV are not evaluated again.
 */
public final class EpochEvaluations implements TrainingListener {
    private static final Logger LOG = LoggerFactory.getLogger("jepa4j");
    public static final String FILE = "evals.csv";
    private static final String HEADER = "epoch,step,linear_probe_acc,knn_acc,rankme,std_l2,train_seconds,linear_probe_l2\n";

    /** One evaluation row ({@code linearProbeL2} NaN in rows written before the probe chose its l2). */
    public record Row(long epoch, long step, double linearProbeAcc, double knnAcc, double rankMe, double stdL2,
               double trainSeconds, double linearProbeL2) {
        /** The row with summary.json's key names. */
        java.util.Map<String, Object> asMap() {
            var m = new java.util.LinkedHashMap<String, Object>();
            m.put("epoch", epoch);
            m.put("step", step);
            m.put("linear_probe_acc", linearProbeAcc);
            m.put("knn_acc", knnAcc);
            m.put("rankme", rankMe);
            m.put("std_l2", stdL2);
            m.put("train_seconds", trainSeconds);
            if (!Double.isNaN(linearProbeL2)) {
                m.put("linear_probe_l2", linearProbeL2);
            }
            return m;
        }
    }

    private final Set<Long> epochs;
    private final long stepsPerEpoch;
    private final Supplier<Evaluation.Result> evaluate;
    private final Path csv;
    private final List<Row> rows = new ArrayList<>();
    private Evaluation.Result latest;
    private long latestStep = -1;

    EpochEvaluations(List<Integer> epochs, long stepsPerEpoch, Supplier<Evaluation.Result> evaluate, Path outDir) {
        if (stepsPerEpoch <= 0) {
            throw new IllegalArgumentException("steps per epoch must be > 0, got " + stepsPerEpoch);
        }
        this.epochs = new TreeSet<>();
        for (int e : epochs) {
            if (e <= 0) {
                throw new IllegalArgumentException("evaluation epochs must be >= 1, got " + epochs);
            }
            this.epochs.add((long) e);
        }
        this.stepsPerEpoch = stepsPerEpoch;
        this.evaluate = evaluate;
        this.csv = outDir.resolve(FILE);
        readExisting();
    }

    private void readExisting() {
        if (!Files.exists(csv)) {
            return;
        }
        try {
            rows.addAll(read(csv));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read the evaluations of the run being resumed: " + csv + ": " + e, e);
        }
    }

    /**
     * The rows of an {@code evals.csv}: this listener's, or the PyTorch reference's (same columns);
     * {@code linearProbeL2} is NaN in 7-column rows, written before the probe chose its l2.
     */
    public static List<Row> read(Path csv) throws IOException {
        List<Row> out = new ArrayList<>();
        for (String line : Files.readAllLines(csv, StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("epoch")) {
                continue;
            }
            String[] f = line.split(",");
            out.add(new Row(Long.parseLong(f[0]), Long.parseLong(f[1]), Double.parseDouble(f[2]),
                    Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]),
                    Double.parseDouble(f[6]), f.length > 7 ? Double.parseDouble(f[7]) : Double.NaN));
        }
        return out;
    }

    @Override
    public void onStepEnd(StepEvent e) {
        long done = e.step() + 1;
        if (done % stepsPerEpoch != 0) {
            return;
        }
        long epoch = done / stepsPerEpoch;
        if (!epochs.contains(epoch) || rows.stream().anyMatch(r -> r.epoch() == epoch)) {
            return;
        }
        long t0 = System.nanoTime();
        Evaluation.Result r = evaluate.get();
        double spent = (System.nanoTime() - t0) / 1e9;
        Row row = record(epoch, done, r, e.trainer().trainSeconds());
        LOG.info(String.format(Locale.ROOT, "epoch %d evaluation: linear probe %.2f%%, kNN %.2f%% (%.0f s)", epoch,
                100 * row.linearProbeAcc(), 100 * row.knnAcc(), spent));
    }

    /** Keeps the evaluation of {@code epoch} (after {@code step} steps) and appends it to the CSV. */
    Row record(long epoch, long step, Evaluation.Result r, double trainSeconds) {
        Row row = new Row(epoch, step, r.linearProbeAcc(), r.knnAcc(), r.rankMe(), r.stdL2(), trainSeconds, r.linearProbeL2());
        rows.add(row);
        latest = r;
        latestStep = step;
        try {
            if (!Files.exists(csv)) {
                Files.writeString(csv, HEADER, StandardCharsets.UTF_8);
            }
            Files.writeString(csv, String.format(Locale.ROOT, "%d,%d,%.6f,%.6f,%.6f,%.6f,%.3f,%s%n", row.epoch(), row.step(),
                    row.linearProbeAcc(), row.knnAcc(), row.rankMe(), row.stdL2(), row.trainSeconds(),
                    Double.isNaN(row.linearProbeL2()) ? "" : String.valueOf(row.linearProbeL2())),
                    StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write " + csv, ex);
        }
        return row;
    }

    /**
     * The evaluation this process made after exactly {@code step} steps, or null. The run's final
     * evaluation reuses it when the last requested epoch is the last epoch (the same encoder, the
     * same deterministic probes: evaluating again cost 3-4 minutes on Fashion-MNIST). Rows read
     * back from a resumed run's CSV do not count: they lack the feature width the summary reports.
     */
    Evaluation.Result resultAt(long step) {
        return latest != null && latestStep == step ? latest : null;
    }

    /** Every evaluation so far, including those of the run being resumed. */
    List<Row> rows() {
        return List.copyOf(rows);
    }
}
