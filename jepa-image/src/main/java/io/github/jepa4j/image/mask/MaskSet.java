package io.github.jepa4j.image.mask;

import java.util.Arrays;

/**
 * The token masks of one batch on a {@code gridHeight x gridWidth} patch grid.
 *
 * <p>Indices are raster token indices {@code idx = r * gridWidth + c}, sorted strictly
 * ascending within each image, and every list has the same length across the batch so it can
 * gather a rectangular {@code [B, K, D]} tensor:
 *
 * <ul>
 *   <li>{@code context [B][Kc]}: the tokens the context encoder sees;
 *   <li>{@code targetBlocks [M][B][Kb_m]}: per target block {@code m} the tokens to predict. In
 *       I-JEPA the predictor runs once per block on {@code context + mask tokens of block m};
 *   <li>{@code targetUnion [B][Kt]}: the union of all target blocks (when blocks overlap by a
 *       different amount per image, the union is subsampled uniformly to the batch minimum).
 * </ul>
 *
 * <p>Ragged contexts ({@code contextLengths} not null): image {@code b}'s real context is the
 * first {@code contextLengths[b]} entries of {@code context[b]} (strictly ascending); the row is
 * padded to the batch's longest with copies of its last real index, which the encoders and the
 * predictor mask out. Null: every entry is real (rows cut to the batch minimum, as I-JEPA).
 *
 * <p>The compact constructor validates all of the above. The arrays are shared, not copied:
 * treat them as read-only.
 */
public record MaskSet(int gridHeight, int gridWidth, int[][] context, int[][][] targetBlocks, int[][] targetUnion,
                      int[] contextLengths) {

    /** Masks whose context rows are all real (cut to a common length). */
    public MaskSet(int gridHeight, int gridWidth, int[][] context, int[][][] targetBlocks, int[][] targetUnion) {
        this(gridHeight, gridWidth, context, targetBlocks, targetUnion, null);
    }

    public MaskSet {
        if (gridHeight <= 0 || gridWidth <= 0) {
            throw new IllegalArgumentException("MaskSet grid must be positive, got " + gridHeight + "x" + gridWidth);
        }
        if (context == null || targetBlocks == null || targetUnion == null) {
            throw new IllegalArgumentException("MaskSet arrays must not be null");
        }
        int b = context.length;
        if (b == 0) {
            throw new IllegalArgumentException("MaskSet needs a batch of at least 1 image");
        }
        int n = gridHeight * gridWidth;
        if (contextLengths != null && contextLengths.length != b) {
            throw new IllegalArgumentException("MaskSet contextLengths must have " + b + " entries (the batch size), got "
                    + contextLengths.length);
        }
        checkRect("context", context, b, n, contextLengths);
        checkRect("targetUnion", targetUnion, b, n, null);
        if (targetBlocks.length == 0) {
            throw new IllegalArgumentException("MaskSet needs at least one target block");
        }
        for (int m = 0; m < targetBlocks.length; m++) {
            checkRect("targetBlocks[" + m + "]", targetBlocks[m], b, n, null);
        }
    }

    /** Rectangular, in range, and strictly ascending over each row's real prefix ({@code lengths} null: all). */
    private static void checkRect(String what, int[][] rows, int batch, int n, int[] lengths) {
        if (rows == null || rows.length != batch) {
            throw new IllegalArgumentException("MaskSet " + what + " must have " + batch + " rows (the batch size), got "
                    + (rows == null ? "null" : rows.length));
        }
        int k = rows[0] == null ? -1 : rows[0].length;
        if (k <= 0) {
            throw new IllegalArgumentException("MaskSet " + what + "[0] must be a non-empty index list");
        }
        for (int i = 0; i < batch; i++) {
            int[] r = rows[i];
            if (r == null || r.length != k) {
                throw new IllegalArgumentException("MaskSet " + what + " must be rectangular: row 0 has " + k
                        + " indices but row " + i + " has " + (r == null ? "null" : r.length));
            }
            int real = lengths == null ? k : lengths[i];
            if (real < 1 || real > k) {
                throw new IllegalArgumentException("MaskSet " + what + " length " + real + " of row " + i
                        + " must be in [1, " + k + "]");
            }
            for (int j = 0; j < k; j++) {
                if (r[j] < 0 || r[j] >= n) {
                    throw new IllegalArgumentException("MaskSet " + what + "[" + i + "][" + j + "] = " + r[j]
                            + " is outside the grid's token range [0, " + n + ")");
                }
                if (j > 0 && j < real && r[j] <= r[j - 1]) {
                    throw new IllegalArgumentException("MaskSet " + what + "[" + i + "] must be strictly ascending, got "
                            + r[j - 1] + " then " + r[j] + " at position " + j);
                }
            }
        }
    }

    /** Number of images B. */
    public int batchSize() {
        return context.length;
    }

    /** Number of tokens in the grid. */
    public int numTokens() {
        return gridHeight * gridWidth;
    }

    /** Whether context rows are padded to a common length (see {@link #contextLengths}). */
    public boolean raggedContext() {
        return contextLengths != null;
    }

    /** Context tokens per image Kc (with ragged contexts: the padded row length, the batch's longest). */
    public int numContext() {
        return context[0].length;
    }

    /** Number of target blocks M. */
    public int numTargetBlocks() {
        return targetBlocks.length;
    }

    /** Tokens per image in target block {@code m}. */
    public int targetBlockSize(int m) {
        return targetBlocks[m][0].length;
    }

    /** Tokens per image in the target union Kt. */
    public int numTargetUnion() {
        return targetUnion[0].length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MaskSet s
                && s.gridHeight == gridHeight
                && s.gridWidth == gridWidth
                && Arrays.deepEquals(s.context, context)
                && Arrays.deepEquals(s.targetBlocks, targetBlocks)
                && Arrays.deepEquals(s.targetUnion, targetUnion)
                && Arrays.equals(s.contextLengths, contextLengths);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * Arrays.deepHashCode(context) + Arrays.deepHashCode(targetBlocks)) + Arrays.deepHashCode(targetUnion))
                + Arrays.hashCode(contextLengths);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("MaskSet[grid=").append(gridHeight).append('x').append(gridWidth)
                .append(", B=").append(batchSize()).append(", context=").append(numContext())
                .append(raggedContext() ? " (ragged)" : "").append(", blocks=[");
        for (int m = 0; m < numTargetBlocks(); m++) {
            sb.append(m == 0 ? "" : ", ").append(targetBlockSize(m));
        }
        return sb.append("], union=").append(numTargetUnion()).append(']').toString();
    }
}
