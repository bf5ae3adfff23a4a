package io.github.jepa4j.core.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Fixed (not learned) sine-cosine position embeddings for token grids, as in MAE, I-JEPA and
 * V-JEPA.
 *
 * <p><b>1-D:</b> position {@code p} with {@code d} channels (d even) is embedded as
 * {@code [sin(p w_0), ..., sin(p w_{d/2-1}), cos(p w_0), ..., cos(p w_{d/2-1})]} with
 * {@code w_k = 10000^(-k / (d/2))}.
 *
 * <p><b>2-D</b> (MAE / I-JEPA): tokens of a {@code gridH x gridW} grid in row-major order
 * (token {@code r * gridW + c}); the first {@code dim/2} channels are the 1-D embedding of the
 * column {@code c}, the last {@code dim/2} that of the row {@code r}. Needs {@code dim % 4 == 0}.
 *
 * <p><b>3-D</b> (V-JEPA {@code get_3d_sincos_pos_embed}): tokens of a
 * {@code gridT x gridH x gridW} grid, token {@code (t * gridH + r) * gridW + c}. Channels are
 * concatenated as {@code [time | row | column]}:
 * <ul>
 *   <li>default ({@code uniformPower = false}, V-JEPA's function default): time gets
 *       {@code dim/2} channels, row and column {@code dim/4} each; every part must be even, so
 *       {@code dim % 8 == 0};</li>
 *   <li>{@code uniformPower = true} (what V-JEPA's released pretraining configs set): each part
 *       gets {@code 2 * ceil(dim/6)} channels and the concatenation is truncated to {@code dim},
 *       so the column part may lose its trailing cosine channels.</li>
 * </ul>
 * Note the 2-D layout puts the column first while the 3-D layout puts time, then row, then
 * column: both follow their reference implementations.
 *
 * <p>All values are computed in double and then cast to the requested type. Results are freshly
 * allocated arrays (built once per model, not per step).
 */
public final class PosEmbed {
    private static final double BASE = 10000.0;

    private PosEmbed() {}

    /** 1-D embedding of arbitrary (possibly fractional) positions: {@code [P, dim]}. */
    public static INDArray sinCos1d(int dim, double[] positions, DataType dtype) {
        if (dim <= 0 || dim % 2 != 0) {
            throw new IllegalArgumentException("1-D sin-cos embedding needs a positive even dim, got dim=" + dim);
        }
        if (positions == null || positions.length == 0) {
            throw new IllegalArgumentException("1-D sin-cos embedding needs at least one position");
        }
        double[] out = new double[positions.length * dim];
        for (int i = 0; i < positions.length; i++) {
            put1d(out, i * dim, dim, dim, positions[i]);
        }
        return toArray(out, positions.length, dim, dtype);
    }

    /** 2-D MAE / I-JEPA embedding: {@code [gridH * gridW, dim]}, column channels first. */
    public static INDArray sinCos2d(int dim, int gridH, int gridW, DataType dtype) {
        if (dim <= 0 || dim % 4 != 0) {
            throw new IllegalArgumentException("2-D sin-cos embedding needs dim divisible by 4, got dim=" + dim);
        }
        requireGrid(gridH, gridW);
        int half = dim / 2;
        int n = gridH * gridW;
        double[] out = new double[n * dim];
        for (int r = 0; r < gridH; r++) {
            for (int c = 0; c < gridW; c++) {
                int row = (r * gridW + c) * dim;
                put1d(out, row, half, half, c);
                put1d(out, row + half, half, half, r);
            }
        }
        return toArray(out, n, dim, dtype);
    }

    /** 3-D V-JEPA embedding with the default split (time dim/2, row dim/4, column dim/4). */
    public static INDArray sinCos3d(int dim, int gridT, int gridH, int gridW, DataType dtype) {
        return sinCos3d(dim, gridT, gridH, gridW, false, dtype);
    }

    /**
     * 3-D V-JEPA embedding {@code [gridT * gridH * gridW, dim]}, channels {@code [time | row | column]};
     * see the class comment for the two channel splits.
     */
    public static INDArray sinCos3d(int dim, int gridT, int gridH, int gridW, boolean uniformPower, DataType dtype) {
        int dt;
        int dh;
        int dw;
        if (uniformPower) {
            if (dim <= 0) {
                throw new IllegalArgumentException("3-D sin-cos embedding needs dim > 0, got dim=" + dim);
            }
            dt = dh = dw = 2 * ((dim + 5) / 6);
        } else {
            if (dim <= 0 || dim % 8 != 0) {
                throw new IllegalArgumentException("3-D sin-cos embedding (time dim/2, row dim/4, column dim/4,"
                        + " each even) needs dim divisible by 8, got dim=" + dim);
            }
            dt = dim / 2;
            dh = dw = dim / 4;
        }
        requireGrid(gridT, gridH, gridW);
        int n = gridT * gridH * gridW;
        double[] out = new double[n * dim];
        for (int t = 0; t < gridT; t++) {
            for (int r = 0; r < gridH; r++) {
                for (int c = 0; c < gridW; c++) {
                    int row = ((t * gridH + r) * gridW + c) * dim;
                    // Each part is written only up to the remaining width (uniform power truncates).
                    put1d(out, row, dt, Math.min(dt, dim), t);
                    put1d(out, row + dt, dh, Math.min(dh, dim - dt), r);
                    put1d(out, row + dt + dh, dw, Math.min(dw, dim - dt - dh), c);
                }
            }
        }
        return toArray(out, n, dim, dtype);
    }

    /**
     * Writes the first {@code width} channels of the {@code d}-channel 1-D embedding of {@code pos}
     * at {@code out[at ...]}.
     */
    private static void put1d(double[] out, int at, int d, int width, double pos) {
        int half = d / 2;
        for (int j = 0; j < width; j++) {
            int k = j < half ? j : j - half;
            double angle = pos / Math.pow(BASE, k / (double) half);
            out[at + j] = j < half ? Math.sin(angle) : Math.cos(angle);
        }
    }

    private static void requireGrid(int... sizes) {
        for (int s : sizes) {
            if (s <= 0) {
                throw new IllegalArgumentException("grid sizes must be positive, got " + java.util.Arrays.toString(sizes));
            }
        }
    }

    private static INDArray toArray(double[] data, int rows, int dim, DataType dtype) {
        INDArray a = Nd4j.createFromArray(data).reshape('c', rows, dim);
        return dtype == DataType.DOUBLE ? a : a.castTo(dtype);
    }
}
