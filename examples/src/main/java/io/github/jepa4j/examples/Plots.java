package io.github.jepa4j.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG line plots of a run's metrics CSV ({@code step,metric,value}), drawn with XChart. */
public final class Plots {
    private Plots() {}

    /** Reads the long-format metrics file into metric -> (steps, values). */
    public static Map<String, List<double[]>> read(Path csv) throws IOException {
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        if (!Files.exists(csv)) {
            return series;
        }
        for (String line : Files.readAllLines(csv)) {
            if (line.startsWith("step,") || line.isBlank()) {
                continue;
            }
            String[] f = line.split(",");
            if (f.length != 3) {
                continue;
            }
            series.computeIfAbsent(f[1], k -> new ArrayList<>()).add(new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[2])});
        }
        return series;
    }

    /**
     * Writes {@code file} with one line per metric in {@code metrics} that the CSV holds;
     * returns false (and writes nothing) when none is present.
     */
    public static boolean plot(Path csv, Path file, String title, String yLabel, List<String> metrics, boolean logY) throws IOException {
        Map<String, List<double[]>> all = read(csv);
        XYChart chart = new XYChartBuilder().width(800).height(450).title(title).xAxisTitle("step").yAxisTitle(yLabel).build();
        chart.getStyler().setYAxisLogarithmic(logY);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        boolean any = false;
        for (String m : metrics) {
            List<double[]> pts = all.get(m);
            if (pts == null || pts.isEmpty()) {
                continue;
            }
            double[] x = pts.stream().mapToDouble(p -> p[0]).toArray();
            double[] y = pts.stream().mapToDouble(p -> logY ? Math.max(p[1], 1e-12) : p[1]).toArray();
            XYSeries s = chart.addSeries(m, x, y);
            s.setMarker(x.length > 50 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
            any = true;
        }
        if (any) {
            Files.createDirectories(file.toAbsolutePath().getParent());
            BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        }
        return any;
    }
}
