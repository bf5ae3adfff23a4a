package io.github.jepa4j.regularizers.probe;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Linear probe: multinomial logistic regression on frozen features {@code [N, D]}, the standard
 * evaluation of a self-supervised encoder (e.g. I-JEPA's and DINO's linear evaluation).
 *
 * <p>Features are standardised with the training set's per-dimension mean and (biased) std
 * (constant dimensions left unscaled). With {@code C} classes, weights {@code W [C, D]} and biases
 * {@code b [C]}, the objective is
 *
 * <pre>
 *   f(W, b) = (1/N) sum_n [ logsumexp(W x_n + b) - (W x_n + b)_{y_n} ] + (l2 / 2) ||W||_F^2
 * </pre>
 *
 * (biases not regularised), minimised from zero by full-batch L-BFGS (memory 10, Armijo
 * backtracking) in plain Java doubles: deterministic, and exact up to the tolerance. Defaults:
 * {@code l2 = 1e-4}, at most 500 iterations, gradient tolerance 1e-6. Convex, so the result does
 * not depend on initialisation.
 */
public final class LinearProbe {
    public static final double DEFAULT_L2 = 1e-4;
    public static final int DEFAULT_MAX_ITERATIONS = 500;
    public static final double DEFAULT_TOLERANCE = 1e-6;

    private static final String OWNER = "LinearProbe";

    private final double l2;
    private final int maxIterations;
    private final double tolerance;
    private double[] mean;
    private double[] std;
    private double[][] w;
    private double[] bias;
    private int classes;
    private int iterations;
    private double trainObjective;

    /** l2 1e-4, 500 iterations, tolerance 1e-6. */
    public LinearProbe() {
        this(DEFAULT_L2, DEFAULT_MAX_ITERATIONS, DEFAULT_TOLERANCE);
    }

    public LinearProbe(double l2, int maxIterations, double tolerance) {
        if (!(l2 >= 0) || !Double.isFinite(l2)) {
            throw new IllegalArgumentException(OWNER + ": l2 must be finite and >= 0, got " + l2);
        }
        if (maxIterations < 1) {
            throw new IllegalArgumentException(OWNER + ": maxIterations must be >= 1, got " + maxIterations);
        }
        if (!(tolerance > 0)) {
            throw new IllegalArgumentException(OWNER + ": tolerance must be > 0, got " + tolerance);
        }
        this.l2 = l2;
        this.maxIterations = maxIterations;
        this.tolerance = tolerance;
    }

    /** Fits on {@code x [N, D]} with labels in {@code [0, C)}, {@code C = max(label) + 1}. */
    public LinearProbe fit(INDArray x, int[] labels) {
        ProbeData.labels(OWNER, labels, x == null ? -1 : x.size(0), 0);
        return fit(x, labels, ProbeData.classesOf(labels));
    }

    /** Fits on {@code x [N, D]} with labels in {@code [0, classes)}. */
    public LinearProbe fit(INDArray x, int[] labels, int classes) {
        double[][] rows = ProbeData.matrix(OWNER, "x", x, 2);
        if (classes < 2) {
            throw new IllegalArgumentException(OWNER + ": needs at least 2 classes, got " + classes);
        }
        ProbeData.labels(OWNER, labels, rows.length, classes);
        double[][] ms = ProbeData.standardisation(rows);
        mean = ms[0];
        std = ms[1];
        ProbeData.standardise(rows, mean, std);
        int n = rows.length;
        int d = mean.length;
        int c = classes;
        Lbfgs.Objective f = (p, g) -> {
            Arrays.fill(g, 0.0);
            double loss = 0;
            double[] z = new double[c];
            for (int i = 0; i < n; i++) {
                double[] xi = rows[i];
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < c; k++) {
                    double v = p[c * d + k];
                    int off = k * d;
                    for (int j = 0; j < d; j++) {
                        v += p[off + j] * xi[j];
                    }
                    z[k] = v;
                    max = Math.max(max, v);
                }
                double sum = 0;
                for (int k = 0; k < c; k++) {
                    z[k] = Math.exp(z[k] - max);
                    sum += z[k];
                }
                loss += Math.log(sum) + max - (Math.log(z[labels[i]]) + max);
                for (int k = 0; k < c; k++) {
                    double r = (z[k] / sum - (k == labels[i] ? 1 : 0)) / n;   // d loss / d logit
                    g[c * d + k] += r;
                    int off = k * d;
                    for (int j = 0; j < d; j++) {
                        g[off + j] += r * xi[j];
                    }
                }
            }
            loss /= n;
            double reg = 0;
            for (int i = 0; i < c * d; i++) {
                reg += p[i] * p[i];
                g[i] += l2 * p[i];
            }
            return loss + 0.5 * l2 * reg;
        };
        Lbfgs.Result r = Lbfgs.minimize(f, new double[c * (d + 1)], maxIterations, tolerance);
        w = new double[c][d];
        for (int k = 0; k < c; k++) {
            System.arraycopy(r.x(), k * d, w[k], 0, d);
        }
        bias = Arrays.copyOfRange(r.x(), c * d, c * d + c);
        this.classes = c;
        this.iterations = r.iterations();
        this.trainObjective = r.value();
        return this;
    }

    /** Class probabilities {@code [N][C]} of {@code x [N, D]}. */
    public double[][] predictProbabilities(INDArray x) {
        requireFitted();
        ProbeData.requireWidth(OWNER, x, mean.length);
        double[][] rows = ProbeData.standardise(ProbeData.matrix(OWNER, "x", x, 1), mean, std);
        double[][] out = new double[rows.length][classes];
        for (int i = 0; i < rows.length; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < classes; k++) {
                double v = bias[k];
                for (int j = 0; j < mean.length; j++) {
                    v += w[k][j] * rows[i][j];
                }
                out[i][k] = v;
                max = Math.max(max, v);
            }
            double sum = 0;
            for (int k = 0; k < classes; k++) {
                out[i][k] = Math.exp(out[i][k] - max);
                sum += out[i][k];
            }
            for (int k = 0; k < classes; k++) {
                out[i][k] /= sum;
            }
        }
        return out;
    }

    /** The most probable class of each row of {@code x [N, D]} (ties: the lowest class). */
    public int[] predict(INDArray x) {
        double[][] p = predictProbabilities(x);
        int[] out = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            for (int k = 1; k < classes; k++) {
                if (p[i][k] > p[i][out[i]]) {
                    out[i] = k;
                }
            }
        }
        return out;
    }

    /** Fraction of rows of {@code x} whose predicted class equals the label. */
    public double accuracy(INDArray x, int[] labels) {
        requireFitted();
        ProbeData.labels(OWNER, labels, x == null ? -1 : x.size(0), 0);
        return ProbeData.accuracy(predict(x), labels);
    }

    public int classes() {
        return classes;
    }

    /** L-BFGS iterations of the last fit. */
    public int iterations() {
        return iterations;
    }

    /** The regularised training objective at the fitted weights. */
    public double trainObjective() {
        return trainObjective;
    }

    private void requireFitted() {
        if (w == null) {
            throw new IllegalStateException(OWNER + ": call fit before predicting");
        }
    }
}
