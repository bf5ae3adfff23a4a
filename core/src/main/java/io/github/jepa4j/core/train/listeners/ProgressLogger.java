package io.github.jepa4j.core.train.listeners;

import io.github.jepa4j.core.train.StepEvent;
import io.github.jepa4j.core.train.Trainer;
import io.github.jepa4j.core.train.TrainingListener;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs progress through SLF4J every {@code every} steps and at the last step: a bar, step/total,
 * epoch, loss and its terms, examples/s and data wait (averaged since the last line), extra
 * fields such as collapse metrics ({@link #withFields}), ETA.
 * Latest values are also kept for other listeners and progress bars ({@link #snapshot()}).
 */
public final class ProgressLogger implements TrainingListener {
    private static final Logger LOG = LoggerFactory.getLogger("jepa4j.progress");

    private final int every;
    private long windowExamples;
    private double windowMillis;
    private double windowWait;
    private int windowSteps;
    private long startNanos;
    private long startStep;
    private volatile String last = "";
    private final java.util.List<java.util.function.Supplier<Map<String, Double>>> extras = new java.util.ArrayList<>();

    public ProgressLogger(int every) {
        if (every <= 0) {
            throw new IllegalArgumentException("log interval must be > 0, got " + every);
        }
        this.every = every;
    }

    /**
     * Adds fields to every progress line, e.g. the latest collapse metrics from a monitor; the
     * supplier may return an empty map when it has nothing yet.
     */
    public ProgressLogger withFields(java.util.function.Supplier<Map<String, Double>> fields) {
        extras.add(java.util.Objects.requireNonNull(fields));
        return this;
    }

    @Override
    public void onStart(Trainer<?> t) {
        startNanos = System.nanoTime();
        startStep = t.step();
    }

    @Override
    public void onStepEnd(StepEvent e) {
        windowExamples += e.examples();
        windowMillis += e.stepMillis();
        windowWait += e.dataWaitMillis();
        windowSteps++;
        boolean lastStep = e.step() + 1 == e.totalSteps();
        if ((e.step() + 1) % every != 0 && !lastStep) {
            return;
        }
        double perSec = windowExamples / (windowMillis / 1000.0);
        long done = e.step() + 1 - startStep;
        double elapsed = (System.nanoTime() - startNanos) / 1e9;
        double eta = done > 0 ? elapsed / done * (e.totalSteps() - e.step() - 1) : 0;
        StringBuilder terms = new StringBuilder();
        for (Map.Entry<String, Double> t : e.output().terms().entrySet()) {
            terms.append(String.format(" %s=%.4g", t.getKey(), t.getValue()));
        }
        StringBuilder more = new StringBuilder();
        for (var f : extras) {
            for (Map.Entry<String, Double> t : f.get().entrySet()) {
                more.append(String.format(" %s=%.4g", t.getKey(), t.getValue()));
            }
        }
        last = String.format("%s step %d/%d (%.0f%%) epoch %d loss %.5f%s | %.1f img/s, %.0f ms/step, data wait %.1f ms | lr %.2e%s | ETA %s",
                bar((e.step() + 1.0) / e.totalSteps()), e.step() + 1, e.totalSteps(), 100.0 * (e.step() + 1) / e.totalSteps(), e.epoch() + 1,
                e.output().loss(), terms, perSec, windowMillis / windowSteps, windowWait / windowSteps, e.lr(),
                more.length() == 0 ? "" : " |" + more, formatSeconds(eta));
        LOG.info(last);
        windowExamples = 0;
        windowMillis = 0;
        windowWait = 0;
        windowSteps = 0;
    }

    /** The latest progress line. */
    public String snapshot() {
        return last;
    }

    /** A 20-character text progress bar. */
    static String bar(double fraction) {
        int n = (int) Math.round(Math.max(0, Math.min(1, fraction)) * 20);
        return "[" + "#".repeat(n) + ".".repeat(20 - n) + "]";
    }

    static String formatSeconds(double s) {
        long t = Math.round(s);
        return t >= 3600 ? String.format("%dh%02dm", t / 3600, t / 60 % 60) : String.format("%dm%02ds", t / 60, t % 60);
    }
}
