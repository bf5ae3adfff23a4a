package io.github.jepa4j.benchmarks.speed;

import io.github.jepa4j.core.tensor.BlasThreads;
import io.github.jepa4j.core.tensor.Gemm;
import io.github.jepa4j.core.tensor.Kernels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The sgemm rate a speed row is compared with, sampled between its training steps so that both
 * see the same machine: on this project's shared 2-vCPU VM a two-thread sgemm of the reference
 * shape read 118 to 199 GFLOP/s in runs minutes apart (a one-thread one 95 to 100), so one
 * measurement before or after the steps could move the row's "% of sgemm" by half.
 *
 * <p>Each {@link #sample} times a short burst of {@code [rows, k] x [n, k]^T} FLOAT products
 * through {@link Gemm#mm} into a preallocated output (the call {@code Linear.forward} makes) with
 * BLAS's default threads, and on the CPU backend another with one BLAS thread, the way each
 * product of the concurrent step runs.
 *
 * <p>The burst must not slow the step after it. OpenBLAS (the pthreads build nd4j-native loads)
 * keeps the worker threads a multi-thread call woke spinning on {@code sched_yield} for
 * {@code 2^OPENBLAS_THREAD_TIMEOUT} TSC ticks (default {@code 2^28}, 0.10 s at this VM's 2.6 GHz)
 * before they sleep; the training step's own products all run on one BLAS thread, so nothing in
 * training wakes them. Started in that window, a measured step shared its two cores with a
 * spinning thread: perf counted 8 % of all samples in that thread's {@code sched_yield}, and the
 * context forward + predictor phase read a median 91 instead of 77 ms (six interleaved pairs of
 * 30-step runs, spin shortened with {@code OPENBLAS_THREAD_TIMEOUT=4}). So the one-thread burst
 * runs first, the multi-thread one last, and {@link #sample} then sleeps until the workers have
 * gone to sleep ({@link #settleMillis}).
 */
public final class SgemmSampler {
    /**
     * Medians and spread of the sampled rates, GFLOP/s.
     *
     * @param median    default BLAS threads (all cores), the reference of "% of sgemm"
     * @param p10       its 10th percentile
     * @param p90       its 90th percentile
     * @param oneThread one BLAS thread; NaN where not sampled (not the CPU backend)
     * @param samples   timed calls per kind
     */
    public record Rates(double median, double p10, double p90, double oneThread, int samples) {}

    private static final int UNTIMED = 2;
    private static final int TIMED = 3;

    private final INDArray a;
    private final INDArray w;
    private final INDArray c;
    private final double flops;
    private final boolean oneThread = Kernels.hostBackend() && Gemm.direct();
    private final long settleMillis = settleMillis(System.getenv("OPENBLAS_THREAD_TIMEOUT"), oneThread && BlasThreads.DEFAULT > 1);
    private final List<Double> all = new ArrayList<>();
    private final List<Double> single = new ArrayList<>();

    /** Allocates the operands and runs 5 untimed calls. */
    public SgemmSampler(int rows, int k, int n) {
        if (rows <= 0 || k <= 0 || n <= 0) {
            throw new IllegalArgumentException("sgemm sizes must be positive, got " + rows + "x" + k + "x" + n);
        }
        a = Nd4j.rand(DataType.FLOAT, rows, k);
        w = Nd4j.rand(DataType.FLOAT, n, k);
        c = Nd4j.create(DataType.FLOAT, rows, n);
        flops = 2.0 * rows * k * n;
        for (int i = 0; i < 5; i++) {
            time();
        }
    }

    /**
     * Times {@value #TIMED} calls with one BLAS thread (CPU backend), then as many with the default
     * BLAS threads, each kind after {@value #UNTIMED} untimed calls: the first calls after a step wake
     * BLAS's sleeping worker threads, and timed alone they read up to half the
     * rate, which would flatter the step's "% of sgemm".
     */
    public void sample() {
        if (oneThread) {
            burst(true, single);
        }
        burst(false, all);
        if (settleMillis > 0) {
            try {
                Thread.sleep(settleMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Milliseconds OpenBLAS's woken worker threads spin before they sleep, for a TSC of at least
     * 1 GHz (so an upper bound): {@code 2^t} ticks, where OpenBLAS ({@code blas_thread_init})
     * clamps a positive {@code OPENBLAS_THREAD_TIMEOUT} to 4..30 and keeps its default 28 for an
     * unset, zero or unreadable one; 0 when only one thread or no direct BLAS is used.
     */
    static long settleMillis(String timeoutEnv, boolean directMultiThread) {
        if (!directMultiThread) {
            return 0;
        }
        int exp = 28;
        if (timeoutEnv != null) {
            try {
                int v = Integer.parseInt(timeoutEnv.trim());
                if (v > 0) {
                    exp = Math.min(30, Math.max(4, v));
                }
            } catch (NumberFormatException ignored) {
                // not a number: OpenBLAS's atoi reads 0 (leading digits aside), so its default
            }
        }
        return (long) Math.ceil((1L << exp) / 1e6);
    }

    private void burst(boolean oneBlasThread, List<Double> into) {
        try (BlasThreads t = BlasThreads.single(oneBlasThread)) {
            for (int i = 0; i < UNTIMED + TIMED; i++) {
                double s = time();
                if (i >= UNTIMED) {
                    into.add(flops / s / 1e9);
                }
            }
        }
    }

    /** The rates sampled so far; throws if there are none. */
    public Rates rates() {
        if (all.isEmpty()) {
            throw new IllegalStateException("no sgemm sample taken");
        }
        double[] s = all.stream().mapToDouble(Double::doubleValue).toArray();
        double one = single.isEmpty() ? Double.NaN : SpeedRow.median(single.stream().mapToDouble(Double::doubleValue).toArray());
        return new Rates(SpeedRow.median(s), SpeedRow.percentile(s, 0.1), SpeedRow.percentile(s, 0.9), one, s.length);
    }

    /** Seconds of one call. */
    private double time() {
        long t0 = System.nanoTime();
        Gemm.mm(a, w, c, false, true);
        Nd4j.getExecutioner().commit();
        return Math.max(1e-9, (System.nanoTime() - t0) / 1e9);
    }

    @Override
    public String toString() {
        return "SgemmSampler" + Arrays.toString(a.shape()) + "x" + Arrays.toString(w.shape()) + "^T, " + all.size() + " samples";
    }
}
