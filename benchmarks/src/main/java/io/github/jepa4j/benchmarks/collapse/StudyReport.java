package io.github.jepa4j.benchmarks.collapse;

import io.github.jepa4j.examples.Plots;
import io.github.jepa4j.regularizers.monitor.CollapseMonitor;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The study's outputs from the finished runs: {@code all_metrics.csv} ({@code run,seed,step,metric,value}),
 * one PNG per metric (mean over seeds per configuration as a line, min and max over seeds as thin
 * lines of the same colour, the alarm threshold as a dashed horizontal line and each configuration's
 * earliest alarm step as a dashed vertical line), and {@code summary.md}.
 */
public final class StudyReport {
    public static final String COMBINED = "all_metrics.csv";
    public static final String SUMMARY = "summary.md";
    /** Metrics plotted, with their file names. */
    static final Map<String, String> PLOTTED = new LinkedHashMap<>();

    static {
        PLOTTED.put("loss", "loss.png");
        PLOTTED.put(CollapseMonitor.RANKME, "rankme.png");
        PLOTTED.put(CollapseMonitor.STD_L2, "std_l2.png");
        PLOTTED.put(CollapseMonitor.MIN_STD, "min_std.png");
        PLOTTED.put(CollapseMonitor.ALPHA_REQ, "alpha_req.png");
        PLOTTED.put(CollapseRun.KNN_ACC, "knn_acc.png");
    }

    private static final Color[] PALETTE = {new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44),
        new Color(214, 39, 40), new Color(148, 103, 189), new Color(140, 86, 75), new Color(227, 119, 194),
        new Color(127, 127, 127), new Color(188, 189, 34), new Color(23, 190, 207)};

    private StudyReport() {}

    /** Writes every output of the study into {@code out}; {@code runs} in matrix order. */
    public static void write(Path out, List<CollapseRun.Result> runs, int dim) throws IOException {
        Map<String, List<CollapseRun.Result>> byConfig = new LinkedHashMap<>();
        for (CollapseRun.Result r : runs) {
            byConfig.computeIfAbsent(r.configuration(), k -> new ArrayList<>()).add(r);
        }
        // metric -> configuration -> seed -> (step -> value)
        Map<String, Map<String, List<TreeMap<Long, Double>>>> series = new LinkedHashMap<>();
        try (Writer w = Files.newBufferedWriter(out.resolve(COMBINED), StandardCharsets.UTF_8)) {
            w.write("run,seed,step,metric,value\n");
            for (CollapseRun.Result r : runs) {
                Map<String, TreeMap<Long, Double>> perMetric = new LinkedHashMap<>();
                for (var e : Plots.read(out.resolve(r.id()).resolve(CollapseRun.METRICS)).entrySet()) {
                    TreeMap<Long, Double> pts = new TreeMap<>();
                    for (double[] p : e.getValue()) {
                        pts.put((long) p[0], p[1]);
                        w.write(r.configuration() + "," + r.seed() + "," + (long) p[0] + "," + e.getKey() + ","
                                + String.format(Locale.ROOT, "%.8g", p[1]) + "\n");
                    }
                    perMetric.put(e.getKey(), pts);
                }
                for (var e : perMetric.entrySet()) {
                    series.computeIfAbsent(e.getKey(), k -> new LinkedHashMap<>())
                            .computeIfAbsent(r.configuration(), k -> new ArrayList<>()).add(e.getValue());
                }
            }
        }
        Map<String, Long> alarmStep = new LinkedHashMap<>();
        for (var e : byConfig.entrySet()) {
            alarmStep.put(e.getKey(), e.getValue().stream().mapToLong(CollapseRun.Result::alarmStep).filter(s -> s >= 0).min().orElse(-1));
        }
        double rankThr = runs.isEmpty() ? Double.NaN : runs.get(0).rankMeThreshold();
        double stdThr = runs.isEmpty() ? Double.NaN : runs.get(0).stdThreshold();
        for (var p : PLOTTED.entrySet()) {
            Map<String, List<TreeMap<Long, Double>>> m = series.get(p.getKey());
            if (m != null) {
                Double thr = null;
                if (p.getKey().equals(CollapseMonitor.RANKME)) {
                    thr = rankThr;
                } else if (p.getKey().equals(CollapseMonitor.STD_L2)) {
                    thr = stdThr;
                }
                plot(out.resolve(p.getValue()), p.getKey(), m, thr, alarmStep);
            }
        }
        summary(out.resolve(SUMMARY), byConfig, dim, rankThr, stdThr);
    }

    private static void plot(Path file, String metric, Map<String, List<TreeMap<Long, Double>>> byConfig, Double threshold,
                             Map<String, Long> alarmStep) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(500)
                .title(metric + ": mean over seeds (thin: min/max)").xAxisTitle("step").yAxisTitle(metric).build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setMarkerSize(4);
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY, maxStep = 0;
        int ci = 0;
        List<Runnable> alarmLines = new ArrayList<>();
        for (var e : byConfig.entrySet()) {
            Color color = PALETTE[ci++ % PALETTE.length];
            TreeMap<Long, double[]> stats = new TreeMap<>(); // step -> {sum, min, max, n}
            for (TreeMap<Long, Double> seed : e.getValue()) {
                for (var pt : seed.entrySet()) {
                    double[] s = stats.computeIfAbsent(pt.getKey(), k -> new double[] {0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0});
                    s[0] += pt.getValue();
                    s[1] = Math.min(s[1], pt.getValue());
                    s[2] = Math.max(s[2], pt.getValue());
                    s[3]++;
                }
            }
            if (stats.isEmpty()) {
                continue;
            }
            double[] x = stats.keySet().stream().mapToDouble(Long::doubleValue).toArray();
            double[] mean = stats.values().stream().mapToDouble(s -> s[0] / s[3]).toArray();
            double[] min = stats.values().stream().mapToDouble(s -> s[1]).toArray();
            double[] max = stats.values().stream().mapToDouble(s -> s[2]).toArray();
            for (int i = 0; i < x.length; i++) {
                lo = Math.min(lo, min[i]);
                hi = Math.max(hi, max[i]);
                maxStep = Math.max(maxStep, x[i]);
            }
            XYSeries s = chart.addSeries(e.getKey(), x, mean);
            s.setLineColor(color);
            s.setMarkerColor(color);
            s.setMarker(SeriesMarkers.CIRCLE);
            if (e.getValue().size() > 1) {
                for (String band : List.of("min", "max")) {
                    XYSeries b = chart.addSeries(e.getKey() + " " + band, x, band.equals("min") ? min : max);
                    b.setLineColor(color);
                    b.setLineStyle(new BasicStroke(0.7f));
                    b.setMarker(SeriesMarkers.NONE);
                    b.setShowInLegend(false);
                }
            }
            long a = alarmStep.getOrDefault(e.getKey(), -1L);
            if (a >= 0) {
                alarmLines.add(() -> {
                    XYSeries v = chart.addSeries("alarm " + e.getKey() + " @" + a, new double[] {a, a}, new double[] {0, 0});
                    v.setLineColor(color);
                    v.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 4f}, 0f));
                    v.setMarker(SeriesMarkers.NONE);
                });
            }
        }
        if (threshold != null && Double.isFinite(threshold)) {
            lo = Math.min(lo, threshold);
            hi = Math.max(hi, threshold);
            XYSeries t = chart.addSeries(String.format(Locale.ROOT, "alarm threshold %.3g", threshold),
                    new double[] {0, Math.max(1, maxStep)}, new double[] {threshold, threshold});
            t.setLineColor(Color.BLACK);
            t.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 4f}, 0f));
            t.setMarker(SeriesMarkers.NONE);
        }
        for (Runnable r : alarmLines) {
            r.run();
        }
        // Vertical alarm lines span the data's range.
        if (Double.isFinite(lo)) {
            for (XYSeries s : chart.getSeriesMap().values()) {
                if (s.getName().startsWith("alarm ") && !s.getName().startsWith("alarm threshold")) {
                    double a = s.getXData()[0];
                    chart.updateXYSeries(s.getName(), new double[] {a, a}, new double[] {lo, hi}, null);
                }
            }
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static void summary(Path file, Map<String, List<CollapseRun.Result>> byConfig, int dim, double rankThr, double stdThr)
            throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("# Collapse study\n\n");
        sb.append(String.format(Locale.ROOT, "Embedding width %d; collapse alarm when RankMe < %.3g or std of L2-normalised"
                + " embeddings < %.3g (CollapseMonitor defaults).%n%n", dim, rankThr, stdThr));
        sb.append("| configuration | seeds | final kNN acc (mean ± std) | final RankMe (mean ± std) | collapse alarm step | wall s (mean) |\n");
        sb.append("|---|---|---|---|---|---|\n");
        for (var e : byConfig.entrySet()) {
            List<CollapseRun.Result> rs = e.getValue();
            double[] knn = rs.stream().mapToDouble(CollapseRun.Result::finalKnnAcc).toArray();
            double[] rank = rs.stream().mapToDouble(CollapseRun.Result::finalRankMe).toArray();
            List<String> alarms = rs.stream().map(r -> r.alarmStep() < 0 ? "none" : Long.toString(r.alarmStep())).toList();
            String alarm = alarms.stream().allMatch("none"::equals) ? "none" : String.join(", ", alarms);
            double wall = rs.stream().mapToDouble(CollapseRun.Result::wallSeconds).average().orElse(Double.NaN);
            sb.append(String.format(Locale.ROOT, "| %s | %d | %.1f%% ± %.1f | %.2f ± %.2f | %s | %.1f |%n", e.getKey(), rs.size(),
                    100 * mean(knn), 100 * std(knn), mean(rank), std(rank), alarm, wall));
        }
        sb.append("\nAlarm steps are per seed (\"none\": no alarm in any seed). Per-run settings: `<run>/config.json`.\n");
        Files.writeString(file, sb.toString());
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    /** Sample standard deviation (0 for a single value). */
    static double std(double[] v) {
        if (v.length < 2) {
            return 0;
        }
        double m = mean(v), s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (v.length - 1));
    }
}
