package io.github.jepa4j.regularizers.probe;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Synthetic features with known answers for the probe tests (plain Java randomness, deterministic). */
final class ProbeData4Test {
    private ProbeData4Test() {}

    /** Features and labels. */
    record Labeled(INDArray x, int[] y) {}

    static double gaussian(SplittableRandom r) {
        return io.github.jepa4j.core.nn.Init.gaussian(r);
    }

    /** {@code n} points of {@code classes} Gaussian clusters (std {@code noise}) centred at {@code sep * e_c} in D dims (plus an offset). */
    static Labeled clusters(long seed, int n, int d, int classes, double sep, double noise) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] x = new double[n][d];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % classes;
            for (int j = 0; j < d; j++) {
                x[i][j] = noise * gaussian(r) + (j == y[i] ? sep : 0) + 0.5 * j;
            }
        }
        return new Labeled(Nd4j.createFromArray(x), y);
    }

    /** Gaussian features with labels drawn independently of them. */
    static Labeled noise(long seed, int n, int d, int classes) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] x = new double[n][d];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(classes);
            for (int j = 0; j < d; j++) {
                x[i][j] = gaussian(r);
            }
        }
        return new Labeled(Nd4j.createFromArray(x), y);
    }

    /**
     * Token sets {@code [n, t, d]} of Gaussian noise in which one token per example, at a random
     * position, is marked ({@code +4} in dimension 0) and carries the class ({@code +4} in
     * dimension {@code 1 + class}); {@code target} gets {@code 2 x[*, 4] - x[*, 5]} of the marked token.
     */
    record Tokens(INDArray x, int[] y, INDArray target, int[] marked) {}

    static Tokens markedTokens(long seed, int n, int t, int d, int classes) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][][] x = new double[n][t][d];
        int[] y = new int[n];
        int[] marked = new int[n];
        double[] target = new double[n];
        for (int i = 0; i < n; i++) {
            for (int s = 0; s < t; s++) {
                for (int j = 0; j < d; j++) {
                    x[i][s][j] = gaussian(r);
                }
            }
            y[i] = r.nextInt(classes);
            marked[i] = r.nextInt(t);
            x[i][marked[i]][0] += 4;
            x[i][marked[i]][1 + y[i]] += 4;
            target[i] = 2 * x[i][marked[i]][4] - x[i][marked[i]][5];
        }
        return new Tokens(Nd4j.createFromArray(x), y, Nd4j.createFromArray(target), marked);
    }
}
