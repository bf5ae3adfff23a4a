package io.github.jepa4j.regularizers.monitor;

import io.github.jepa4j.core.task.MaskedJepaTask;
import io.github.jepa4j.core.train.StepEvent;
import io.github.jepa4j.core.train.Trainer;
import io.github.jepa4j.core.train.TrainingListener;
import io.github.jepa4j.core.train.listeners.MetricsCsv;
import io.github.jepa4j.regularizers.metrics.CollapseMetrics;
import io.github.jepa4j.regularizers.metrics.CollapseStats;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a run for representation collapse: every {@code every} steps (and once at the start)
 * it takes embeddings {@code [N, D]} from a user function of the trainer (e.g. the target
 * encoder's mean-pooled output on a fixed held-out batch: {@link #pooledTargetEmbeddings}),
 * computes {@link CollapseMetrics}, logs them, writes them to a {@link MetricsCsv} if given, keeps
 * the history, and raises a <b>collapse alarm</b> when a metric falls below its threshold:
 *
 * <ul>
 *   <li>{@link #RANKME}: RankMe below {@code max(rankMeFloor, rankMeFraction * D)}; defaults
 *       {@code max(1.5, 0.01 D)}. RankMe is 1 for a batch whose rows are all the same vector
 *       (the effective rank of a fully collapsed batch), so the floor 1.5 keeps small models from
 *       having a threshold below what collapse itself gives.</li>
 *   <li>{@link #STD_L2}: the mean per-dimension std of the L2-normalised embeddings below
 *       {@code stdFraction / sqrt(D)}; default {@code 0.1 / sqrt(D)} (isotropic embeddings give
 *       about {@code 1/sqrt(D)}, collapsed ones 0).</li>
 * </ul>
 *
 * Each metric alarms once per run. The check at the start of a fresh run (step 0) is recorded but
 * never alarms: it measures the initialisation, not something training did. A random encoder on
 * sparse inputs (a small ball on black video frames) starts with nearly identical embeddings, below
 * the thresholds; such a metric then alarms only if training takes it 10 % below its step-0
 * value, so a spread that starts low and grows is not reported as collapse. At the start of a resumed run
 * the check alarms as usual. The action is {@link Action#WARN} (log the alarm) or
 * {@link Action#STOP} (log it and {@link Trainer#requestStop(String)}: the trainer finishes the
 * step and runs every listener's {@code onEnd}, so a {@code CheckpointSaver} keeps the last
 * weights). {@link #alarms()} and {@link #history()} are for tests and run summaries.
 *
 * <p>Also recorded (CSV and history, not alarmed): {@code collapse.min_std},
 * {@code collapse.mean_std} and {@code collapse.alpha_req}. Steps are counted as completed steps,
 * like {@link MetricsCsv}. Add the {@code MetricsCsv} to the trainer before this monitor, so it is
 * open when the first check (at start) writes. Measurements run outside any ND4J workspace.
 */
public final class CollapseMonitor implements TrainingListener {
    private static final Logger LOG = LoggerFactory.getLogger(CollapseMonitor.class);

    /** Metric names (also the CSV metric names). */
    public static final String RANKME = "collapse.rankme";
    public static final String STD_L2 = "collapse.std_l2";
    public static final String MIN_STD = "collapse.min_std";
    public static final String MEAN_STD = "collapse.mean_std";
    public static final String ALPHA_REQ = "collapse.alpha_req";

    /** What to do on an alarm. */
    public enum Action {
        /** Log the alarm (once per metric) and carry on. */
        WARN,
        /** Log the alarm and ask the trainer to stop cleanly after this step. */
        STOP
    }

    /** The metrics measured after {@code step} completed steps. */
    public record Snapshot(long step, CollapseStats stats) {}

    private final Function<Trainer<?>, INDArray> embeddings;
    private final int every;
    private final Action action;
    private final MetricsCsv csv;
    private final double rankMeFraction;
    private final double rankMeFloor;
    private final double stdFraction;
    private final boolean checkAtStart;
    private final List<Snapshot> history = new ArrayList<>();
    private final List<CollapseAlarm> alarms = new ArrayList<>();
    private final Set<String> alarmed = new HashSet<>();
    /** A metric that starts below its threshold alarms once it falls this far below its step-0 value (10 %: not noise). */
    static final double LOW_START_MARGIN = 0.9;
    /** Metrics whose step-0 value was already below the threshold, with that value. */
    private final Map<String, Double> lowAtStart = new HashMap<>();

    private CollapseMonitor(Builder b) {
        this.embeddings = b.embeddings;
        this.every = b.every;
        this.action = b.action;
        this.csv = b.csv;
        this.rankMeFraction = b.rankMeFraction;
        this.rankMeFloor = b.rankMeFloor;
        this.stdFraction = b.stdFraction;
        this.checkAtStart = b.checkAtStart;
    }

    /** A monitor reading embeddings {@code [N, D]} from the trainer (e.g. its task's encoder on held-out data). */
    public static Builder builder(Function<Trainer<?>, INDArray> embeddings) {
        return new Builder(Objects.requireNonNull(embeddings, "embeddings"));
    }

    /** A monitor reading embeddings {@code [N, D]} from a supplier. */
    public static Builder builder(Supplier<INDArray> embeddings) {
        Objects.requireNonNull(embeddings, "embeddings");
        return new Builder(t -> embeddings.get());
    }

    /** A monitor of a masked JEPA's target encoder, mean-pooled, on {@code heldOutInputs} (see {@link #pooledTargetEmbeddings}). */
    public static Builder forMaskedJepa(MaskedJepaTask task, INDArray heldOutInputs) {
        return builder(pooledTargetEmbeddings(task, heldOutInputs));
    }

    /**
     * The embeddings a masked JEPA is usually judged by: its target encoder on a fixed held-out
     * batch {@code heldOutInputs} (e.g. {@code [N, C, H, W]}), all tokens, mean-pooled per input:
     * {@code [N, D]}, a fresh array per call. Runs {@code task.targetEncoder().forward}, so call it
     * between steps (as the monitor does), never inside one. At least 2 inputs.
     */
    public static Function<Trainer<?>, INDArray> pooledTargetEmbeddings(MaskedJepaTask task, INDArray heldOutInputs) {
        Objects.requireNonNull(task, "task");
        if (heldOutInputs == null || heldOutInputs.rank() < 2 || heldOutInputs.size(0) < 2) {
            throw new IllegalArgumentException("CollapseMonitor: the held-out batch needs at least 2 inputs, got "
                    + (heldOutInputs == null ? "null" : Arrays.toString(heldOutInputs.shape())));
        }
        var dt = task.trainable().dtype();
        INDArray inputs = heldOutInputs.dataType() == dt ? heldOutInputs : heldOutInputs.castTo(dt);
        return t -> task.targetEncoder().forward(inputs).mean(1);
    }

    /** RankMe alarm threshold for width {@code dim}: {@code max(rankMeFloor, rankMeFraction * dim)}. */
    public double rankMeThreshold(long dim) {
        return Math.max(rankMeFloor, rankMeFraction * dim);
    }

    /** Std-of-L2-normalised alarm threshold for width {@code dim}: {@code stdFraction / sqrt(dim)}. */
    public double stdThreshold(long dim) {
        return stdFraction / Math.sqrt(dim);
    }

    public Action action() {
        return action;
    }

    /** Every measurement so far, in order. */
    public List<Snapshot> history() {
        return Collections.unmodifiableList(history);
    }

    /** Every alarm raised so far (at most one per metric), in order. */
    public List<CollapseAlarm> alarms() {
        return Collections.unmodifiableList(alarms);
    }

    /** The latest measurement, or null before the first. */
    public Snapshot latest() {
        return history.isEmpty() ? null : history.get(history.size() - 1);
    }

    @Override
    public void onStart(Trainer<?> trainer) {
        if (checkAtStart) {
            check(trainer, trainer.step(), trainer.step() > 0);
        }
    }

    @Override
    public void onStepEnd(StepEvent e) {
        long done = e.step() + 1;
        if (done % every == 0 || done == e.totalSteps()) {
            check(e.trainer(), done);
        }
    }

    /**
     * Measures now, as after {@code step} completed steps: records, logs and raises alarms as
     * configured. Returns the snapshot.
     */
    public Snapshot check(Trainer<?> trainer, long step) {
        return check(trainer, step, true);
    }

    private Snapshot check(Trainer<?> trainer, long step, boolean alarm) {
        CollapseStats stats;
        // Outside any active workspace, so nothing allocated here lands in (or is freed with) a training step.
        MemoryWorkspace outside = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces();
        try {
            INDArray z = embeddings.apply(trainer);
            if (z == null) {
                throw new IllegalArgumentException("CollapseMonitor: the embedding function returned null at step " + step);
            }
            stats = CollapseMetrics.compute(z);
        } finally {
            outside.close();
        }
        Snapshot snap = new Snapshot(step, stats);
        history.add(snap);
        double rankThr = rankMeThreshold(stats.dim());
        double stdThr = stdThreshold(stats.dim());
        LOG.info(String.format(Locale.ROOT, "collapse metrics at step %d on [%d, %d]: RankMe %.4g (alarm < %.4g), "
                        + "std of L2-normalised %.4g (alarm < %.4g), min/mean per-dim std %.4g/%.4g, alpha-ReQ %.4g",
                step, stats.batch(), stats.dim(), stats.rankMe(), rankThr, stats.stdOfL2Normalized(), stdThr,
                stats.minStd(), stats.meanStd(), stats.alphaReQ()));
        if (csv != null) {
            Map<String, Double> row = new LinkedHashMap<>();
            row.put(RANKME, stats.rankMe());
            row.put(STD_L2, stats.stdOfL2Normalized());
            row.put(MIN_STD, stats.minStd());
            row.put(MEAN_STD, stats.meanStd());
            if (Double.isFinite(stats.alphaReQ())) {
                row.put(ALPHA_REQ, stats.alphaReQ());
            }
            csv.record(step, row);
        }
        if (!alarm) {
            if (stats.rankMe() < rankThr) {
                lowAtStart.put(RANKME, stats.rankMe());
            }
            if (stats.stdOfL2Normalized() < stdThr) {
                lowAtStart.put(STD_L2, stats.stdOfL2Normalized());
            }
            if (!lowAtStart.isEmpty()) {
                LOG.info("collapse metrics {} start below their thresholds (the initialisation); each alarms only if"
                        + " training takes it 10 % below its step-0 value", lowAtStart.keySet());
            }
            return snap;
        }
        List<CollapseAlarm> raised = new ArrayList<>();
        raise(raised, step, RANKME, stats.rankMe(), rankThr);
        raise(raised, step, STD_L2, stats.stdOfL2Normalized(), stdThr);
        if (!raised.isEmpty() && action == Action.STOP) {
            String reason = raised.stream().map(CollapseAlarm::message).collect(Collectors.joining("; "));
            trainer.requestStop(reason);
        }
        return snap;
    }

    private void raise(List<CollapseAlarm> raised, long step, String metric, double value, double threshold) {
        Double start = lowAtStart.get(metric);
        if (!(value < threshold) || start != null && !(value < LOW_START_MARGIN * start) || !alarmed.add(metric)) {
            return;
        }
        CollapseAlarm a = new CollapseAlarm(step, metric, value, threshold);
        alarms.add(a);
        raised.add(a);
        LOG.warn("{}{}", a.message(), action == Action.STOP ? "; stopping training" : "");
    }

    /** Settings with the defaults described on {@link CollapseMonitor}. */
    public static final class Builder {
        private final Function<Trainer<?>, INDArray> embeddings;
        private int every = 100;
        private Action action = Action.WARN;
        private MetricsCsv csv;
        private double rankMeFraction = 0.01;
        private double rankMeFloor = 1.5;
        private double stdFraction = 0.1;
        private boolean checkAtStart = true;

        private Builder(Function<Trainer<?>, INDArray> embeddings) {
            this.embeddings = embeddings;
        }

        /** Measure every {@code n} completed steps (default 100) and after the last step. */
        public Builder every(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("CollapseMonitor: every must be >= 1, got " + n);
            }
            this.every = n;
            return this;
        }

        /** WARN (default) or STOP. */
        public Builder action(Action a) {
            this.action = Objects.requireNonNull(a, "action");
            return this;
        }

        /** Also write the metrics into {@code csv} (add it to the trainer before the monitor). */
        public Builder metricsCsv(MetricsCsv csv) {
            this.csv = csv;
            return this;
        }

        /** RankMe alarm below {@code max(floor, fraction * D)}; defaults 0.01 and 1.5. */
        public Builder rankMeThreshold(double fraction, double floor) {
            if (!(fraction >= 0) || !(floor >= 0) || !Double.isFinite(fraction) || !Double.isFinite(floor)) {
                throw new IllegalArgumentException("CollapseMonitor: RankMe threshold fraction and floor must be finite and >= 0, got "
                        + fraction + ", " + floor);
            }
            this.rankMeFraction = fraction;
            this.rankMeFloor = floor;
            return this;
        }

        /** Std-of-L2-normalised alarm below {@code fraction / sqrt(D)}; default 0.1. */
        public Builder stdThreshold(double fraction) {
            if (!(fraction >= 0) || !Double.isFinite(fraction)) {
                throw new IllegalArgumentException("CollapseMonitor: std threshold fraction must be finite and >= 0, got " + fraction);
            }
            this.stdFraction = fraction;
            return this;
        }

        /** Whether to measure once before the first step (default true). */
        public Builder checkAtStart(boolean on) {
            this.checkAtStart = on;
            return this;
        }

        public CollapseMonitor build() {
            return new CollapseMonitor(this);
        }
    }
}
