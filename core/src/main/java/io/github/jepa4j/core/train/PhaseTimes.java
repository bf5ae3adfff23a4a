package io.github.jepa4j.core.train;

import java.util.Arrays;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Optional wall-clock split of one training step into phases, for speed tables.
 *
 * <p>Lap timing: {@link #reset()} starts a step, and each {@link #lap(Phase)} adds the time since
 * the previous lap (or the reset) to a phase, so consecutive laps tile the step without gaps.
 * The {@link Trainer} records {@link Phase#DATA} (the batch source's reported wait),
 * {@link Phase#OPTIMISER}, {@link Phase#EMA} (the task's {@code afterUpdate}) and
 * {@link Phase#OTHER}, and closes the task's {@code forwardBackward} as {@link Phase#BACKWARD}; a
 * task that splits its forward pass laps {@link Phase#TARGET_FORWARD} and
 * {@link Phase#CONTEXT_FORWARD} itself (see {@code MaskedJepaTask.phaseTimes}). A task that
 * does not reports its whole forward + backward as BACKWARD.
 *
 * <p>Cost: {@link #off()} (the default everywhere) makes every call a single branch. When on,
 * a lap is one {@code System.nanoTime()} plus {@code Nd4j.getExecutioner().commit()}: on the CPU
 * backend ND4J ops are synchronous and {@code commit()} does nothing, so the laps are exact; on
 * CUDA ops are queued asynchronously and {@code commit()} synchronises the stream, so each
 * phase's kernels are charged to it (at the price of a synchronisation per lap).
 *
 * <p>Not thread-safe: one instance per training loop.
 */
public final class PhaseTimes {
    /** The phases of a JEPA training step, in order. */
    public enum Phase {
        /** Waiting for the batch (the batch source's {@code lastWaitMillis}). */
        DATA,
        /** Step 1: target (EMA) encoder forward, target normalisation and gather. */
        TARGET_FORWARD,
        /** Steps 2-4: context encoder forward, predictor forward and loss. */
        CONTEXT_FORWARD,
        /** Step 5: backward through predictor, anti-collapse terms and context encoder. */
        BACKWARD,
        /** Step 6: clipping and the AdamW update. */
        OPTIMISER,
        /** Step 7: the task's post-update (EMA target update). */
        EMA,
        /** Zeroing gradients, the gradient norm, listeners' beforeUpdate, workspace bookkeeping. */
        OTHER
    }

    private static final PhaseTimes OFF = new PhaseTimes(false);

    private final boolean on;
    private final long[] nanos = new long[Phase.values().length];
    private long mark;

    /** An enabled timer. */
    public PhaseTimes() {
        this(true);
    }

    private PhaseTimes(boolean on) {
        this.on = on;
    }

    /** The shared disabled timer: every method is a no-op and every time reads 0. */
    public static PhaseTimes off() {
        return OFF;
    }

    public boolean enabled() {
        return on;
    }

    /** Zeroes all phases and starts lap timing now. */
    public void reset() {
        if (on) {
            Arrays.fill(nanos, 0);
            mark = System.nanoTime();
        }
    }

    /** Charges the time since the previous lap (or reset) to {@code phase}. */
    public void lap(Phase phase) {
        if (on) {
            Nd4j.getExecutioner().commit();
            long now = System.nanoTime();
            nanos[phase.ordinal()] += now - mark;
            mark = now;
        }
    }

    /** Adds a duration measured elsewhere (e.g. a data wait) to {@code phase}; does not move the lap mark. */
    public void add(Phase phase, double millis) {
        if (on) {
            nanos[phase.ordinal()] += Math.round(millis * 1e6);
        }
    }

    /** Milliseconds charged to {@code phase} since the last reset. */
    public double millis(Phase phase) {
        return nanos[phase.ordinal()] / 1e6;
    }

    /** Milliseconds of all phases together since the last reset. */
    public double totalMillis() {
        long s = 0;
        for (long n : nanos) {
            s += n;
        }
        return s / 1e6;
    }
}
