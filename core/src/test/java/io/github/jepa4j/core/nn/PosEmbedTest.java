package io.github.jepa4j.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.core.testing.Close;
import io.github.jepa4j.core.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

class PosEmbedTest {
    @Test
    void matchesGolden2dFixture() {
        PosEmbedFixture.check(Fixtures.load("pos_embed_2d.json"));
    }

    @Test
    void oneDimensionalByHand() {
        INDArray e = PosEmbed.sinCos1d(4, new double[] {0, 2.5}, DataType.DOUBLE);
        assertArrayEquals(new long[] {2, 4}, e.shape());
        // d = 4: w_0 = 1, w_1 = 10000^(-1/2) = 0.01
        double[] row0 = {0, 0, 1, 1};
        double[] row1 = {Math.sin(2.5), Math.sin(0.025), Math.cos(2.5), Math.cos(0.025)};
        Close.assertClose("pos 0", row0, e.getRow(0).toDoubleVector(), 1e-15);
        Close.assertClose("pos 2.5", row1, e.getRow(1).toDoubleVector(), 1e-15);
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> PosEmbed.sinCos1d(5, new double[] {1}, DataType.DOUBLE));
        assertTrue(ex.getMessage().contains("dim=5"), ex.getMessage());
    }

    @Test
    void twoDimensionalLayoutAndCast() {
        int dim = 16, gh = 3, gw = 5;
        INDArray e = PosEmbed.sinCos2d(dim, gh, gw, DataType.DOUBLE);
        assertArrayEquals(new long[] {gh * gw, dim}, e.shape());
        for (int r = 0; r < gh; r++) {
            for (int c = 0; c < gw; c++) {
                INDArray tok = e.getRow(r * gw + c);
                Close.assertClose("column half", oneD(dim / 2, c), tok.get(NDArrayIndex.interval(0, dim / 2)).toDoubleVector(), 1e-15);
                Close.assertClose("row half", oneD(dim / 2, r), tok.get(NDArrayIndex.interval(dim / 2, dim)).toDoubleVector(), 1e-15);
            }
        }
        INDArray f = PosEmbed.sinCos2d(dim, gh, gw, DataType.FLOAT);
        assertEquals(DataType.FLOAT, f.dataType());
        Close.assertClose("float cast", e, f, 1e-7);
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> PosEmbed.sinCos2d(6, 2, 2, DataType.DOUBLE));
        assertTrue(ex.getMessage().contains("dim=6"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PosEmbed.sinCos2d(8, 0, 2, DataType.DOUBLE));
    }

    @Test
    void threeDimensionalDefaultSplit() {
        int dim = 16, gt = 3, gh = 2, gw = 4;
        INDArray e = PosEmbed.sinCos3d(dim, gt, gh, gw, DataType.DOUBLE);
        assertArrayEquals(new long[] {gt * gh * gw, dim}, e.shape());
        // time: channels [0, 8), row: [8, 12), column: [12, 16)
        for (int t = 0; t < gt; t++) {
            for (int r = 0; r < gh; r++) {
                for (int c = 0; c < gw; c++) {
                    double[] tok = e.getRow((t * gh + r) * gw + c).toDoubleVector();
                    Close.assertClose("time", oneD(8, t), java.util.Arrays.copyOfRange(tok, 0, 8), 1e-15);
                    Close.assertClose("row", oneD(4, r), java.util.Arrays.copyOfRange(tok, 8, 12), 1e-15);
                    Close.assertClose("column", oneD(4, c), java.util.Arrays.copyOfRange(tok, 12, 16), 1e-15);
                }
            }
        }
        // Same t => identical time channels; different t => different.
        INDArray time = e.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 8));
        assertEquals(time.getRow(gh * gw), time.getRow(gh * gw + gw * gh - 1));
        assertNotEquals(time.getRow(0), time.getRow(gh * gw));
        // A hand-computed entry: t = 2, k = 1 of 4 frequencies: sin(2 * 10000^(-1/4)).
        assertEquals(Math.sin(2 * Math.pow(10000, -0.25)), e.getDouble((2 * gh) * gw, 1), 1e-15);
        for (int bad : new int[] {4, 12, 20}) {
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                    () -> PosEmbed.sinCos3d(bad, 2, 2, 2, DataType.DOUBLE));
            assertTrue(ex.getMessage().contains("dim=" + bad), ex.getMessage());
        }
    }

    @Test
    void threeDimensionalUniformPowerTruncates() {
        // dim 16: each part 2*ceil(16/6) = 6 channels; 18 truncated to 16 drops the column's last two cosines.
        int dim = 16, gt = 2, gh = 3, gw = 2;
        INDArray e = PosEmbed.sinCos3d(dim, gt, gh, gw, true, DataType.DOUBLE);
        assertArrayEquals(new long[] {gt * gh * gw, dim}, e.shape());
        for (int t = 0; t < gt; t++) {
            for (int r = 0; r < gh; r++) {
                for (int c = 0; c < gw; c++) {
                    double[] tok = e.getRow((t * gh + r) * gw + c).toDoubleVector();
                    Close.assertClose("time", oneD(6, t), java.util.Arrays.copyOfRange(tok, 0, 6), 1e-15);
                    Close.assertClose("row", oneD(6, r), java.util.Arrays.copyOfRange(tok, 6, 12), 1e-15);
                    Close.assertClose("column", java.util.Arrays.copyOfRange(oneD(6, c), 0, 4),
                            java.util.Arrays.copyOfRange(tok, 12, 16), 1e-15);
                }
            }
        }
        // Uniform power accepts dims the default split rejects.
        assertArrayEquals(new long[] {8, 12}, PosEmbed.sinCos3d(12, 2, 2, 2, true, DataType.FLOAT).shape());
    }

    /** Reference 1-D embedding straight from the formula. */
    private static double[] oneD(int d, double p) {
        double[] out = new double[d];
        for (int k = 0; k < d / 2; k++) {
            double w = Math.pow(10000, -k / (d / 2.0));
            out[k] = Math.sin(p * w);
            out[k + d / 2] = Math.cos(p * w);
        }
        return out;
    }
}
