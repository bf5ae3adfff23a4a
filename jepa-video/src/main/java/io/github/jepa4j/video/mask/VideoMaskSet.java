package io.github.jepa4j.video.mask;

import io.github.jepa4j.core.task.MaskedBatch;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The token masks of one batch of clips on a {@code gt x gh x gw} token grid, per mask
 * generator.
 *
 * <p>Token index {@code (t * gh + r) * gw + c} (core's tubelet order). For each mask generator
 * {@code g} (V-JEPA: short-range, long-range):
 *
 * <ul>
 *   <li>{@code targets[g] [B][Kt_g]}: the union of the generator's blocks, the tokens its
 *       predictor pass predicts;
 *   <li>{@code contexts[g] [B][Kc_g]}: the tokens the context encoder sees with it.
 * </ul>
 *
 * <p>Every list is strictly ascending and has the same length across the batch; a context never
 * contains a token of its own target. With a shared context ({@link #sharedContext()}) all
 * {@code contexts[g]} are the same lists: the tokens outside every block of every generator.
 *
 * <p>Mapping to core's {@link MaskedBatch} (one context per batch, {@code M} target blocks
 * that all see that context):
 *
 * <ul>
 *   <li>{@link #toMaskedBatch(INDArray, int[])} (shared context only): context = the shared
 *       context, target block {@code m} = generator {@code m}'s union, so {@code M = G}
 *       ({@code [short-range union, long-range union]} with the V-JEPA generators);
 *   <li>{@link #toMaskedBatch(INDArray, int[], int)}: generator {@code g} alone, with its own
 *       context: {@code M = 1}. This is V-JEPA's pairing (each generator's predictor pass sees
 *       the complement of its own blocks); a batch source alternates {@code g} over steps.
 * </ul>
 *
 * <p>The arrays are shared, not copied: treat them as read-only.
 */
public record VideoMaskSet(int gridT, int gridH, int gridW, int[][][] contexts, int[][][] targets, boolean sharedContext) {

    public VideoMaskSet {
        if (gridT <= 0 || gridH <= 0 || gridW <= 0) {
            throw new IllegalArgumentException("VideoMaskSet grid must be positive, got " + gridT + "x" + gridH + "x" + gridW);
        }
        if (contexts == null || targets == null || contexts.length == 0 || contexts.length != targets.length) {
            throw new IllegalArgumentException("VideoMaskSet needs as many context as target sets (at least 1), got "
                    + (contexts == null ? "null" : contexts.length) + " and " + (targets == null ? "null" : targets.length));
        }
        int b = contexts[0] == null ? 0 : contexts[0].length;
        if (b == 0) {
            throw new IllegalArgumentException("VideoMaskSet needs a batch of at least 1 clip");
        }
        long n = (long) gridT * gridH * gridW;
        boolean[] inTarget = new boolean[(int) n];
        for (int g = 0; g < contexts.length; g++) {
            checkRect("contexts[" + g + "]", contexts[g], b, n);
            checkRect("targets[" + g + "]", targets[g], b, n);
            if (sharedContext && !Arrays.deepEquals(contexts[g], contexts[0])) {
                throw new IllegalArgumentException("VideoMaskSet marked as shared-context has different contexts for"
                        + " generators 0 and " + g);
            }
        }
        for (int i = 0; i < b; i++) {
            for (int g = 0; g < contexts.length; g++) {
                // shared: the context avoids every generator's targets; otherwise only its own
                if (!sharedContext) {
                    Arrays.fill(inTarget, false);
                }
                for (int idx : targets[g][i]) {
                    inTarget[idx] = true;
                }
                if (!sharedContext) {
                    checkDisjoint(contexts[g][i], inTarget, g, i);
                }
            }
            if (sharedContext) {
                checkDisjoint(contexts[0][i], inTarget, -1, i);
                Arrays.fill(inTarget, false);
            }
        }
    }

    private static void checkDisjoint(int[] context, boolean[] inTarget, int g, int i) {
        for (int idx : context) {
            if (inTarget[idx]) {
                throw new IllegalArgumentException("VideoMaskSet context of clip " + i
                        + (g < 0 ? "" : " for generator " + g) + " contains target token " + idx);
            }
        }
    }

    private static void checkRect(String what, int[][] rows, int batch, long n) {
        if (rows == null || rows.length != batch) {
            throw new IllegalArgumentException("VideoMaskSet " + what + " must have " + batch + " rows (the batch size), got "
                    + (rows == null ? "null" : rows.length));
        }
        int k = rows[0] == null ? -1 : rows[0].length;
        if (k <= 0) {
            throw new IllegalArgumentException("VideoMaskSet " + what + "[0] must be a non-empty index list");
        }
        for (int i = 0; i < batch; i++) {
            int[] r = rows[i];
            if (r == null || r.length != k) {
                throw new IllegalArgumentException("VideoMaskSet " + what + " must be rectangular: row 0 has " + k
                        + " indices but row " + i + " has " + (r == null ? "null" : r.length));
            }
            for (int j = 0; j < k; j++) {
                if (r[j] < 0 || r[j] >= n) {
                    throw new IllegalArgumentException("VideoMaskSet " + what + "[" + i + "][" + j + "] = " + r[j]
                            + " is outside the grid's token range [0, " + n + ")");
                }
                if (j > 0 && r[j] <= r[j - 1]) {
                    throw new IllegalArgumentException("VideoMaskSet " + what + "[" + i + "] must be strictly ascending, got "
                            + r[j - 1] + " then " + r[j] + " at position " + j);
                }
            }
        }
    }

    /** Number of clips B. */
    public int batchSize() {
        return contexts[0].length;
    }

    /** Number of mask generators G. */
    public int numGenerators() {
        return contexts.length;
    }

    /** Tokens in the grid. */
    public int numTokens() {
        return gridT * gridH * gridW;
    }

    /** Context tokens per clip for generator {@code g}. */
    public int numContext(int g) {
        return contexts[g][0].length;
    }

    /** Target tokens per clip for generator {@code g}. */
    public int numTarget(int g) {
        return targets[g][0].length;
    }

    /**
     * One batch with the shared context and one target block per generator ({@code M = G}).
     *
     * @throws IllegalStateException when the contexts are per generator (use {@link
     *     #toMaskedBatch(INDArray, int[], int)})
     */
    public MaskedBatch toMaskedBatch(INDArray inputs, int[] labels) {
        if (!sharedContext && contexts.length > 1) {
            throw new IllegalStateException("these masks have one context per generator (" + contexts.length
                    + " generators); build the masker with sharedContext(true) for one batch with a target block per"
                    + " generator, or use toMaskedBatch(inputs, labels, generator)");
        }
        return new MaskedBatch(inputs, contexts[0], targets, labels);
    }

    /** One batch for generator {@code g}: its context and its target union as the single block. */
    public MaskedBatch toMaskedBatch(INDArray inputs, int[] labels, int g) {
        if (g < 0 || g >= contexts.length) {
            throw new IllegalArgumentException("generator " + g + " is outside [0, " + contexts.length + ")");
        }
        return new MaskedBatch(inputs, contexts[g], new int[][][] {targets[g]}, labels);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VideoMaskSet s && s.gridT == gridT && s.gridH == gridH && s.gridW == gridW
                && s.sharedContext == sharedContext && Arrays.deepEquals(s.contexts, contexts)
                && Arrays.deepEquals(s.targets, targets);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.deepHashCode(contexts) + Arrays.deepHashCode(targets);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("VideoMaskSet[grid=").append(gridT).append('x').append(gridH).append('x')
                .append(gridW).append(", B=").append(batchSize()).append(sharedContext ? ", shared context" : "");
        for (int g = 0; g < contexts.length; g++) {
            sb.append(", g").append(g).append(": context ").append(numContext(g)).append(" target ").append(numTarget(g));
        }
        return sb.append(']').toString();
    }
}
