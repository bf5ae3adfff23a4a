package io.github.jepa4j.regularizers.probe;

import io.github.jepa4j.regularizers.Embeddings;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Argument checks and conversions shared by the probes (features become plain double arrays). */
final class ProbeData {
    private ProbeData() {}

    /** Finite features {@code [N, D]} with {@code N >= minRows}, as row arrays in double. */
    static double[][] matrix(String owner, String name, INDArray x, int minRows) {
        INDArray m = Embeddings.requireMatrix(owner, name, x, minRows, minRows > 1 ? "a fit needs at least " + minRows + " examples" : "");
        int n = (int) m.size(0);
        int d = (int) m.size(1);
        double[] flat = (m.dataType() == DataType.DOUBLE ? m : m.castTo(DataType.DOUBLE)).data().asDouble();
        double[][] rows = new double[n][];
        for (int i = 0; i < n; i++) {
            rows[i] = Arrays.copyOfRange(flat, i * d, (i + 1) * d);
        }
        return rows;
    }

    /** Checks labels: one per example, in {@code [0, classes)} when {@code classes > 0}, else {@code >= 0}. */
    static void labels(String owner, int[] y, long n, int classes) {
        if (n < 0) {
            throw new IllegalArgumentException(owner + ": features are null");
        }
        if (y == null) {
            throw new IllegalArgumentException(owner + ": labels are null");
        }
        if (y.length != n) {
            throw new IllegalArgumentException(owner + ": " + n + " examples but " + y.length + " labels");
        }
        for (int i = 0; i < y.length; i++) {
            if (y[i] < 0 || (classes > 0 && y[i] >= classes)) {
                throw new IllegalArgumentException(owner + ": label " + y[i] + " of example " + i + " is outside [0, "
                        + (classes > 0 ? classes : "inf") + ")");
            }
        }
    }

    static int classesOf(int[] y) {
        int c = 0;
        for (int v : y) {
            c = Math.max(c, v + 1);
        }
        return c;
    }

    static void requireWidth(String owner, INDArray x, long dim) {
        if (x != null && x.rank() >= 2 && x.size(x.rank() - 1) != dim) {
            throw new IllegalArgumentException(owner + ": fitted on features of width " + dim + ", got shape "
                    + Arrays.toString(x.shape()));
        }
    }

    /** Fraction of {@code predicted} equal to {@code labels}. */
    static double accuracy(int[] predicted, int[] labels) {
        int hit = 0;
        for (int i = 0; i < labels.length; i++) {
            if (predicted[i] == labels[i]) {
                hit++;
            }
        }
        return (double) hit / labels.length;
    }

    /** Per-column coefficient of determination {@code 1 - SS_res / SS_tot}, SS_tot about the column mean of {@code y}. */
    static double[] r2(double[][] y, double[][] pred) {
        int n = y.length;
        int k = y[0].length;
        double[] out = new double[k];
        for (int j = 0; j < k; j++) {
            double mean = 0;
            for (double[] row : y) {
                mean += row[j];
            }
            mean /= n;
            double res = 0;
            double tot = 0;
            for (int i = 0; i < n; i++) {
                double e = y[i][j] - pred[i][j];
                double c = y[i][j] - mean;
                res += e * e;
                tot += c * c;
            }
            // A constant column has no variance to explain: 1 if predicted exactly, else 0 (as scikit-learn).
            out[j] = tot > 0 ? 1 - res / tot : (res == 0 ? 1 : 0);
        }
        return out;
    }

    /** Per-column mean and std (biased; 1 where a column is constant) of {@code x}. */
    static double[][] standardisation(double[][] x) {
        int n = x.length;
        int d = x[0].length;
        double[] mean = new double[d];
        double[] std = new double[d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                double c = row[j] - mean[j];
                std[j] += c * c;
            }
        }
        for (int j = 0; j < d; j++) {
            double s = Math.sqrt(std[j] / n);
            std[j] = s > 1e-12 ? s : 1.0;
        }
        return new double[][] {mean, std};
    }

    /** In place: {@code x <- (x - mean) / std} row by row. */
    static double[][] standardise(double[][] x, double[] mean, double[] std) {
        for (double[] row : x) {
            for (int j = 0; j < row.length; j++) {
                row[j] = (row[j] - mean[j]) / std[j];
            }
        }
        return x;
    }
}
