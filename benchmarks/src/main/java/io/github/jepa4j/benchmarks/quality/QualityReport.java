package io.github.jepa4j.benchmarks.quality;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The verdict of the image quality target: the mean linear-probe accuracy of the trained runs
 * (one per seed) against the bars of issue 4. Hard bars (the benchmark fails without them): it
 * beats the raw-pixel baseline and the same encoder untrained, both measured with the same probe.
 * Soft bars (reported): it reaches the PyTorch implementation's mean, when given, and the aim.
 * "Beats" is strict; the report also gives the test set's standard error, {@code sqrt(p(1-p)/n)},
 * so that a margin smaller than it reads as a tie.
 *
 * @param runs      the trained runs, at least one
 * @param pixels    the raw-pixel baseline
 * @param untrained the encoder before training
 * @param pytorch   PyTorch runs of the same recipe (may be empty)
 * @param aim       the accuracy aimed at, in [0, 1]
 * @param testImages images the probes were scored on (for the standard error)
 */
public record QualityReport(List<Entry> runs, Entry pixels, Entry untrained, List<Entry> pytorch, double aim, int testImages) {
    /** The CSV header of {@link #csv()}. */
    public static final String CSV_HEADER = "name,kind,linear_probe_acc,linear_probe_l2,knn_acc,rankme,source";

    /**
     * One evaluated encoder (or the pixels).
     *
     * @param kind {@code jepa4j}, {@code pytorch}, {@code pixels} or {@code untrained}
     * @param source where the numbers come from (a file)
     */
    public record Entry(String name, String kind, double linearProbeAcc, double linearProbeL2, double knnAcc, double rankMe,
                        String source) {
        public Entry {
            if (!(linearProbeAcc >= 0 && linearProbeAcc <= 1)) {
                throw new IllegalArgumentException(name + ": linear_probe_acc must be in [0, 1], got " + linearProbeAcc
                        + " (from " + source + ")");
            }
        }
    }

    /** One bar: {@code value} against {@code threshold}; {@code met} is the comparison the bar names. */
    public record Verdict(String bar, boolean hard, double value, double threshold, boolean met) {}

    public QualityReport {
        runs = List.copyOf(runs);
        pytorch = List.copyOf(pytorch);
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("the quality report needs at least one trained run");
        }
        if (!(aim >= 0 && aim <= 1)) {
            throw new IllegalArgumentException("aim must be an accuracy in [0, 1], got " + aim);
        }
        if (testImages <= 0) {
            throw new IllegalArgumentException("testImages must be >= 1, got " + testImages);
        }
    }

    /** Mean linear-probe accuracy of the trained runs. */
    public double mean() {
        return mean(runs);
    }

    /** Sample standard deviation of the runs' accuracies (0 for one run). */
    public double sd() {
        return sd(runs);
    }

    /** The test set's standard error of an accuracy near {@link #mean()}. */
    public double standardError() {
        double p = mean();
        return Math.sqrt(p * (1 - p) / testImages);
    }

    /** The bars in order: pixels, untrained (hard), PyTorch (when given), aim (soft). */
    public List<Verdict> verdicts() {
        double m = mean();
        List<Verdict> v = new ArrayList<>();
        v.add(new Verdict("beats the raw-pixel baseline", true, m, pixels.linearProbeAcc(), m > pixels.linearProbeAcc()));
        v.add(new Verdict("beats the same encoder untrained", true, m, untrained.linearProbeAcc(), m > untrained.linearProbeAcc()));
        if (!pytorch.isEmpty()) {
            double t = mean(pytorch);
            v.add(new Verdict("reaches the PyTorch implementation", false, m, t, m >= t));
        }
        v.add(new Verdict("reaches the aim", false, m, aim, m >= aim));
        return v;
    }

    /** True when every hard bar is met. */
    public boolean passed() {
        return verdicts().stream().filter(Verdict::hard).allMatch(Verdict::met);
    }

    /** Every entry as a CSV row under {@link #CSV_HEADER}. */
    public String csv() {
        StringBuilder b = new StringBuilder(CSV_HEADER).append('\n');
        for (Entry e : entries()) {
            b.append(String.format(Locale.ROOT, "%s,%s,%.4f,%s,%.4f,%.2f,%s%n", e.name(), e.kind(), e.linearProbeAcc(),
                    Double.isNaN(e.linearProbeL2()) ? "" : String.format(Locale.ROOT, "%g", e.linearProbeL2()), e.knnAcc(),
                    e.rankMe(), e.source()));
        }
        return b.toString();
    }

    /** The table of entries, the mean of the runs, and one line per bar with PASS/FAIL (hard) or yes/no (soft). */
    public String markdown() {
        StringBuilder b = new StringBuilder("# Image quality target\n\n");
        b.append("| encoder | kind | linear probe | l2 | kNN | RankMe |\n|---|---|---|---|---|---|\n");
        for (Entry e : entries()) {
            b.append(String.format(Locale.ROOT, "| %s | %s | %.2f %% | %s | %.2f %% | %.1f |%n", e.name(), e.kind(),
                    100 * e.linearProbeAcc(), Double.isNaN(e.linearProbeL2()) ? "–" : String.format(Locale.ROOT, "%.0e", e.linearProbeL2()),
                    100 * e.knnAcc(), e.rankMe()));
        }
        b.append(String.format(Locale.ROOT, "%nTrained runs: %d, linear probe mean %.2f %% (sd %.2f; test-set standard error ±%.2f points)",
                runs.size(), 100 * mean(), 100 * sd(), 100 * standardError()));
        if (!pytorch.isEmpty()) {
            b.append(String.format(Locale.ROOT, "; PyTorch: %d run(s), mean %.2f %% (sd %.2f)", pytorch.size(), 100 * mean(pytorch),
                    100 * sd(pytorch)));
        }
        b.append(".\n\n");
        for (Verdict v : verdicts()) {
            String mark = v.hard() ? (v.met() ? "PASS" : "FAIL") : (v.met() ? "yes" : "no");
            b.append(String.format(Locale.ROOT, "- %s %s (%s): %.2f %% against %.2f %% (%+.2f points)%n", mark, v.bar(),
                    v.hard() ? "required" : "aimed at", 100 * v.value(), 100 * v.threshold(), 100 * (v.value() - v.threshold())));
        }
        b.append(passed() ? "\nResult: the required bars are met.\n" : "\nResult: a required bar is missed.\n");
        return b.toString();
    }

    private List<Entry> entries() {
        List<Entry> all = new ArrayList<>();
        all.add(pixels);
        all.add(untrained);
        all.addAll(runs);
        all.addAll(pytorch);
        return all;
    }

    private static double mean(List<Entry> es) {
        return es.stream().mapToDouble(Entry::linearProbeAcc).average().orElse(Double.NaN);
    }

    private static double sd(List<Entry> es) {
        if (es.size() < 2) {
            return 0;
        }
        double m = mean(es);
        double ss = es.stream().mapToDouble(e -> (e.linearProbeAcc() - m) * (e.linearProbeAcc() - m)).sum();
        return Math.sqrt(ss / (es.size() - 1));
    }
}
