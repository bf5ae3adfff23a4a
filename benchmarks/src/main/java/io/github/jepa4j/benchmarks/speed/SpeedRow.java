package io.github.jepa4j.benchmarks.speed;

import io.github.jepa4j.core.train.PhaseTimes.Phase;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * One row of the speed table: a preset at one batch size.
 *
 * @param preset       preset name
 * @param description  model description
 * @param unit         "images" or "clips"
 * @param batch        inputs per step
 * @param steps        measured steps
 * @param stepMs       wall time of each measured step (data wait included), ms
 * @param phaseMs      per phase, the time of each measured step, ms
 * @param flopsPerStep mean analytic FLOPs per measured step
 * @param sgemm        sgemm GFLOP/s (Gemm.mm) at this model's MLP shape, sampled between the measured steps
 * @param peakRssMb    peak resident set size while this row ran (process-wide), MB
 */
public record SpeedRow(String preset, String description, String unit, int batch, int steps, double[] stepMs,
                       Map<Phase, double[]> phaseMs, double flopsPerStep, SgemmSampler.Rates sgemm, double peakRssMb) {

    public SpeedRow {
        stepMs = stepMs.clone();
        phaseMs = new EnumMap<>(phaseMs);
    }

    /** Median sgemm GFLOP/s with BLAS's default threads: the reference of "% of sgemm". */
    public double sgemmGflops() {
        return sgemm.median();
    }

    public double medianMs() {
        return median(stepMs);
    }

    /** Median of one phase over the measured steps. */
    public double phaseMedianMs(Phase p) {
        return median(phaseMs.get(p));
    }

    /** Sum over phases of their medians (close to {@link #medianMs()} when steps are steady). */
    public double phaseMedianSumMs() {
        double s = 0;
        for (Phase p : Phase.values()) {
            s += phaseMedianMs(p);
        }
        return s;
    }

    /** Nearest-rank percentile of the step times, {@code q} in [0, 1]. */
    public double percentileMs(double q) {
        return percentile(stepMs, q);
    }

    /** Nearest-rank percentile of {@code v}, {@code q} in [0, 1]. */
    static double percentile(double[] v, double q) {
        double[] s = v.clone();
        Arrays.sort(s);
        int i = (int) Math.ceil(q * s.length) - 1;
        return s[Math.max(0, Math.min(s.length - 1, i))];
    }

    /** Inputs (images or clips) per second at the median step time. */
    public double examplesPerSecond() {
        return batch / (medianMs() / 1e3);
    }

    /** Achieved GFLOP/s: FLOPs of a step over the median step time. */
    public double achievedGflops() {
        return flopsPerStep / (medianMs() / 1e3) / 1e9;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
