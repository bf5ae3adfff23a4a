package io.github.jepa4j.examples;

import io.github.jepa4j.regularizers.probe.KnnProbe;
import io.github.jepa4j.regularizers.probe.LinearProbe;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The CLI's probe protocol, on the regularizers module's probes. */
final class Probes {
    private Probes() {}

    /** Multinomial logistic regression on standardised features (L-BFGS, L2 1e-4): test accuracy. */
    static double linear(INDArray xTrain, int[] yTrain, INDArray xTest, int[] yTest, int classes) {
        return new LinearProbe().fit(xTrain, yTrain, classes).accuracy(xTest, yTest);
    }

    /** Weighted kNN (cosine, k 20, temperature 0.07, as DINO): test accuracy. */
    static double knn(INDArray xTrain, int[] yTrain, INDArray xTest, int[] yTest, int classes) {
        return new KnnProbe().fit(xTrain, yTrain).accuracy(xTest, yTest);
    }
}
