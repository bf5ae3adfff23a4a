package io.github.jepa4j.examples;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Adapters from the CLI to the regularizers module's probes. */
final class Probes {
    private Probes() {}

    static double linear(INDArray xTrain, int[] yTrain, INDArray xTest, int[] yTest, int classes) {
        return Double.NaN; // wired to regularizers' LinearProbe below once available
    }

    static double knn(INDArray xTrain, int[] yTrain, INDArray xTest, int[] yTest, int classes) {
        return Double.NaN;
    }
}
