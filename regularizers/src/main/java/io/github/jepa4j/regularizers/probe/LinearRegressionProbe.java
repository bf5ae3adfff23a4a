package io.github.jepa4j.regularizers.probe;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Ridge-regression probe for continuous targets (e.g. object position, speed, a physical
 * parameter) from frozen features, scored by R² per target column.
 *
 * <p>Features are standardised with the training set's per-dimension mean and std, targets
 * centred; then, in closed form,
 *
 * <pre>
 *   W = (Xs^T Xs + lambda I)^{-1} Xs^T (Y - mean(Y))           [D, K], solved by Cholesky
 *   predict(x) = standardise(x) W + mean(Y)
 *   R²_k = 1 - sum_n (y_nk - yhat_nk)^2 / sum_n (y_nk - mean_n y_nk)^2
 * </pre>
 *
 * (R² as scikit-learn's {@code r2_score}: the mean is that of the evaluated targets; a constant
 * column scores 1 if predicted exactly, else 0; held-out R² can be negative). Default
 * {@code lambda = 1} (scikit-learn's {@code Ridge(alpha=1)} on standardised features). All in
 * double; deterministic.
 */
public final class LinearRegressionProbe {
    public static final double DEFAULT_LAMBDA = 1.0;

    private static final String OWNER = "LinearRegressionProbe";

    private final double lambda;
    private double[] mean;
    private double[] std;
    private double[][] w;
    private double[] yMean;

    public LinearRegressionProbe() {
        this(DEFAULT_LAMBDA);
    }

    /** @param lambda ridge penalty on standardised features, {@code >= 0} (0 needs {@code Xs^T Xs} invertible) */
    public LinearRegressionProbe(double lambda) {
        if (!(lambda >= 0) || !Double.isFinite(lambda)) {
            throw new IllegalArgumentException(OWNER + ": lambda must be finite and >= 0, got " + lambda);
        }
        this.lambda = lambda;
    }

    /** Fits on features {@code x [N, D]} and targets {@code y [N, K]} (or {@code [N]}). */
    public LinearRegressionProbe fit(INDArray x, INDArray y) {
        double[][] xs = ProbeData.matrix(OWNER, "x", x, 2);
        double[][] ys = targets(y, xs.length);
        int n = xs.length;
        int d = xs[0].length;
        int k = ys[0].length;
        double[][] ms = ProbeData.standardisation(xs);
        mean = ms[0];
        std = ms[1];
        ProbeData.standardise(xs, mean, std);
        yMean = new double[k];
        for (double[] row : ys) {
            for (int j = 0; j < k; j++) {
                yMean[j] += row[j] / n;
            }
        }
        // Gram matrix with one product in double: A = Xs^T Xs + lambda I, B = Xs^T Yc.
        INDArray xm = Nd4j.createFromArray(xs);
        double[][] a = xm.transpose().mmul(xm).toDoubleMatrix();
        double[][] b = new double[d][k];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < d; p++) {
                double xv = xs[i][p];
                for (int j = 0; j < k; j++) {
                    b[p][j] += xv * (ys[i][j] - yMean[j]);
                }
            }
        }
        for (int p = 0; p < d; p++) {
            a[p][p] += lambda;
        }
        w = choleskySolve(a, b);
        return this;
    }

    /** Predictions {@code [N, K]} (DOUBLE) for features {@code x [N, D]}. */
    public INDArray predict(INDArray x) {
        return Nd4j.createFromArray(predictRows(x));
    }

    /** R² of each target column of {@code y [N, K]} (or {@code [N]}) predicted from {@code x}. */
    public double[] r2(INDArray x, INDArray y) {
        double[][] pred = predictRows(x);
        return ProbeData.r2(targets(y, pred.length), pred);
    }

    public double lambda() {
        return lambda;
    }

    private double[][] predictRows(INDArray x) {
        if (w == null) {
            throw new IllegalStateException(OWNER + ": call fit before predicting");
        }
        ProbeData.requireWidth(OWNER, x, mean.length);
        double[][] xs = ProbeData.standardise(ProbeData.matrix(OWNER, "x", x, 1), mean, std);
        int k = yMean.length;
        double[][] out = new double[xs.length][k];
        for (int i = 0; i < xs.length; i++) {
            for (int j = 0; j < k; j++) {
                double v = yMean[j];
                for (int p = 0; p < mean.length; p++) {
                    v += xs[i][p] * w[p][j];
                }
                out[i][j] = v;
            }
        }
        return out;
    }

    private static double[][] targets(INDArray y, int n) {
        if (y == null) {
            throw new IllegalArgumentException(OWNER + ": targets are null");
        }
        INDArray y2 = y.rank() == 1 ? y.reshape(y.length(), 1) : y;
        if (y2.rank() != 2 || y2.size(0) != n) {
            throw new IllegalArgumentException(OWNER + ": targets must be [N, K] or [N] with N = " + n + ", got "
                    + Arrays.toString(y.shape()));
        }
        return ProbeData.matrix(OWNER, "y", y2.castTo(DataType.DOUBLE), 1);
    }

    /** Solves {@code A X = B} for symmetric positive-definite {@code A [D, D]}. */
    private static double[][] choleskySolve(double[][] a, double[][] b) {
        int d = a.length;
        int k = b[0].length;
        double[][] l = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i][j];
                for (int p = 0; p < j; p++) {
                    s -= l[i][p] * l[j][p];
                }
                if (i == j) {
                    if (!(s > 0)) {
                        throw new IllegalArgumentException(OWNER + ": the normal equations are singular (feature "
                                + i + "); use lambda > 0");
                    }
                    l[i][i] = Math.sqrt(s);
                } else {
                    l[i][j] = s / l[j][j];
                }
            }
        }
        double[][] x = new double[d][k];
        for (int c = 0; c < k; c++) {
            double[] z = new double[d];
            for (int i = 0; i < d; i++) {                         // L z = b
                double s = b[i][c];
                for (int p = 0; p < i; p++) {
                    s -= l[i][p] * z[p];
                }
                z[i] = s / l[i][i];
            }
            for (int i = d - 1; i >= 0; i--) {                    // L^T x = z
                double s = z[i];
                for (int p = i + 1; p < d; p++) {
                    s -= l[p][i] * x[p][c];
                }
                x[i][c] = s / l[i][i];
            }
        }
        return x;
    }
}
