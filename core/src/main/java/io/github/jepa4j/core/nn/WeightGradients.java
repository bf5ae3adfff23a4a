package io.github.jepa4j.core.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Deferred weight gradients: inside a scope opened by {@link #defer()}, a layer's backward hands
 * its weight-gradient products ({@code dW = dYᵀ X}, bias sums) to one background thread and goes
 * on with the input gradient ({@code dX = dY W}), which the layer below needs at once. The two
 * halves of a backward pass are about equal in work, so on two cores the background thread takes
 * half of the backward's GEMMs off the critical path. {@link #close()} waits for every deferred
 * product, so when it returns all gradients are complete, exactly as without the scope.
 *
 * <p>Results are bit-identical to the inline computation: the same products in the same order
 * (one background thread runs them first in, first out), each reading inputs that no later step
 * of the backward pass overwrites. Outside a scope, with {@code -Djepa4j.deferWeightGrads=false},
 * or on a GPU backend (by default), {@link #run} computes inline.
 */
public final class WeightGradients implements AutoCloseable {
    // CPU backend only by default: GPU kernels are asynchronous already, and untested from two threads.
    private static volatile boolean enabled = io.github.jepa4j.core.tensor.Kernels.hostBackend()
            && !"false".equalsIgnoreCase(System.getProperty("jepa4j.deferWeightGrads"));
    private static final ThreadLocal<WeightGradients> CURRENT = new ThreadLocal<>();
    private static final ExecutorService WORKER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "jepa4j-weight-gradients");
        t.setDaemon(true);
        return t;
    });

    private final List<Future<?>> pending = new ArrayList<>();
    private final WeightGradients outer;
    private final boolean active;

    private WeightGradients(WeightGradients outer, boolean active) {
        this.outer = outer;
        this.active = active;
    }

    /** Turns deferral on or off for scopes opened from now on (benchmarks and equivalence tests). */
    public static void setEnabled(boolean on) {
        enabled = on;
    }

    public static boolean enabled() {
        return enabled;
    }

    /**
     * Opens a scope on this thread in which {@link #run} defers; close it (try-with-resources)
     * before reading any gradient. Scopes nest: an inner scope's close waits for its own products.
     */
    public static WeightGradients defer() {
        WeightGradients s = new WeightGradients(CURRENT.get(), enabled);
        if (s.active) {
            CURRENT.set(s);
        }
        return s;
    }

    /** Runs {@code product} on the background thread inside a scope, otherwise now on this thread. */
    public static void run(Runnable product) {
        WeightGradients s = CURRENT.get();
        if (s == null) {
            product.run();
        } else {
            s.pending.add(WORKER.submit(product));
        }
    }

    /** Whether this thread is inside a deferring scope. */
    public static boolean deferring() {
        return CURRENT.get() != null;
    }

    /** Waits for every product deferred in this scope; rethrows the first failure. */
    @Override
    public void close() {
        if (active) {
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
            }
        }
        RuntimeException failure = null;
        boolean interrupted = false;
        for (Future<?> f : pending) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (InterruptedException e) {
                    // The products write into gradient buffers: never return while one still runs.
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause() instanceof RuntimeException re ? re
                                : new IllegalStateException("deferred weight gradient failed", e.getCause());
                    }
                    break;
                }
            }
        }
        pending.clear();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw failure;
        }
    }
}
