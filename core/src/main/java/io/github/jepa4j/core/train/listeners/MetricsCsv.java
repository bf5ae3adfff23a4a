package io.github.jepa4j.core.train.listeners;

import io.github.jepa4j.core.train.StepEvent;
import io.github.jepa4j.core.train.Trainer;
import io.github.jepa4j.core.train.TrainingListener;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Appends one long-format row per metric to {@code DIR/metrics.csv}: {@code step,metric,value}.
 * Long format keeps the file valid when metrics appear mid-run (collapse metrics every N steps,
 * new loss terms) and when a run is resumed. Other listeners add rows through {@link #record}.
 */
public final class MetricsCsv implements TrainingListener, AutoCloseable {
    private final Path file;
    private final int every;
    private BufferedWriter out;
    private final java.util.List<String> pending = new java.util.ArrayList<>();

    public MetricsCsv(Path dir, int every) {
        this.file = dir.resolve("metrics.csv");
        this.every = Math.max(1, every);
    }

    public Path file() {
        return file;
    }

    @Override
    public synchronized void onStart(Trainer<?> t) {
        try {
            Files.createDirectories(file.getParent());
            boolean fresh = !Files.exists(file) || t.step() == 0;
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    fresh ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.APPEND, StandardOpenOption.WRITE);
            if (fresh) {
                out.write("step,metric,value\n");
            }
            for (String row : pending) {
                out.write(row);
            }
            pending.clear();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open metrics file " + file, e);
        }
    }

    @Override
    public void onStepEnd(StepEvent e) {
        if ((e.step() + 1) % every != 0 && e.step() + 1 != e.totalSteps()) {
            return;
        }
        Map<String, Double> row = new TreeMap<>(e.output().terms());
        row.put("loss", e.output().loss());
        row.put("lr", e.lr());
        row.put("weight_decay", e.weightDecay());
        row.put("grad_norm", e.gradNorm());
        row.put("examples_per_second", e.examples() / (e.stepMillis() / 1000.0));
        row.put("data_wait_ms", e.dataWaitMillis());
        record(e.step() + 1, row);
    }

    /**
     * Adds rows for {@code step} (the number of completed steps). Rows recorded before training
     * starts (a listener's step-0 check) are kept and written when the file opens.
     */
    public synchronized void record(long step, Map<String, Double> metrics) {
        try {
            for (var m : metrics.entrySet()) {
                String row = step + "," + m.getKey() + "," + String.format(Locale.ROOT, "%.8g", m.getValue()) + "\n";
                if (out == null) {
                    pending.add(row);
                } else {
                    out.write(row);
                }
            }
            if (out != null) {
                out.flush();
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write metrics file " + file, ex);
        }
    }

    @Override
    public void onEnd(Trainer<?> t) {
        close();
    }

    @Override
    public synchronized void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                out = null;
            }
        }
    }
}
