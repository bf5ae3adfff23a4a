package io.github.jepa4j.examples;

import io.github.jepa4j.regularizers.probe.KnnProbe;
import io.github.jepa4j.regularizers.probe.LinearProbe;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The CLI's probe protocol, on the regularizers module's probes. */
final class Probes {
    private Probes() {}

    /** Test accuracy of the linear probe and the l2 it chose. */
    record Linear(double accuracy, double l2) {}

    /**
     * Multinomial logistic regression on standardised features (L-BFGS), its l2 chosen from
     * {@link LinearProbe#DEFAULT_L2_GRID} on a held-out sixth of the training rows, then refit on
     * all of them (the test rows are never seen before scoring).
     *
     * <p>Until this protocol, l2 was fixed at 1e-4. On Fashion-MNIST that over-regularised the
     * 128 encoder features (the seed-0 I-JEPA target: 83.1 % with it, 84.1 % with 1e-5 or 1e-6)
     * and under-regularised the 784 pixels (84.0 % with it, 84.3 % with 1e-2): one fixed strength
     * favours one kind of features, so each now gets its own, chosen without the test set.
     */
    static Linear linear(INDArray xTrain, int[] yTrain, INDArray xTest, int[] yTest, int classes) {
        LinearProbe.Selection s = LinearProbe.fitSelectingL2(xTrain, yTrain, classes);
        return new Linear(s.probe().accuracy(xTest, yTest), s.l2());
    }

    /** Weighted kNN (cosine, k 20, temperature 0.07, as DINO): test accuracy. */
    static double knn(INDArray xTrain, int[] yTrain, INDArray xTest, int[] yTest, int classes) {
        return new KnnProbe().fit(xTrain, yTrain).accuracy(xTest, yTest);
    }
}
