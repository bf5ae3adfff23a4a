package io.github.jepa4j.core.tensor;

import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * OpenBLAS thread count for a stretch of work: {@link #single(boolean)} makes BLAS calls single-threaded
 * until {@link #close()} restores the default. Used where the caller already runs two streams of
 * GEMMs at once (the target forward beside the context forward, weight gradients beside input
 * gradients), which measured faster on two cores than each call splitting itself over both.
 * OpenBLAS keeps one process-wide count, so the helper threads of such a stretch follow it too;
 * open the scope on the thread that starts and joins them, and close it only after joining.
 *
 * <p>Only on the CPU backend with direct BLAS calls ({@link Gemm#direct()}); otherwise a no-op.
 */
public final class BlasThreads implements AutoCloseable {
    /** The thread count BLAS calls get outside a {@link #single(boolean)} stretch (OMP_NUM_THREADS, else the cores). */
    public static final int DEFAULT = defaultThreads();
    private static final BlasThreads NO_OP = new BlasThreads(false);

    private final boolean restore;

    private BlasThreads(boolean restore) {
        this.restore = restore;
    }

    /** BLAS calls run on one thread until the returned scope is closed; {@code when} false: a no-op scope. */
    public static BlasThreads single(boolean when) {
        if (!when || !Gemm.direct() || DEFAULT == 1) {
            return NO_OP;
        }
        openblas_nolapack.blas_set_num_threads(1);
        return new BlasThreads(true);
    }

    @Override
    public void close() {
        if (restore) {
            openblas_nolapack.blas_set_num_threads(DEFAULT);
        }
    }

    private static int defaultThreads() {
        String env = System.getenv("OMP_NUM_THREADS");
        if (env != null) {
            try {
                int n = Integer.parseInt(env.split(",")[0].trim());
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // fall through to the core count, as OpenMP does for a value it cannot read
            }
        }
        return Runtime.getRuntime().availableProcessors();
    }
}
