package io.github.jepa4j.examples;

import io.github.jepa4j.core.model.VisionTransformer;
import io.github.jepa4j.image.data.ImageDataset;
import io.github.jepa4j.image.train.Features;
import io.github.jepa4j.regularizers.metrics.CollapseMetrics;
import io.github.jepa4j.regularizers.metrics.CollapseStats;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frozen-encoder evaluation of an image run: average-pooled final tokens of {@code evalTrain}
 * training images fit a linear probe (multinomial logistic regression on standardised
 * features, l2 chosen on held-out training images: {@link Probes#linear}) and a weighted kNN index (cosine, k = 20, T = 0.07); both are scored on
 * {@code evalTest} test images. Collapse metrics (RankMe, std of L2-normalised features) are
 * computed on the test features.
 */
public final class Evaluation {
    private static final Logger LOG = LoggerFactory.getLogger(Evaluation.class);

    /** Probe accuracies in [0, 1] and collapse metrics of the test features. */
    public record Result(double linearProbeAcc, double knnAcc, double rankMe, double stdL2, int dim, double linearProbeL2) {
        /** A result whose probe's l2 is not known (NaN). */
        public Result(double linearProbeAcc, double knnAcc, double rankMe, double stdL2, int dim) {
            this(linearProbeAcc, knnAcc, rankMe, stdL2, dim, Double.NaN);
        }

        /**
         * The summary entries {@code linear_probe_acc}, {@code linear_probe_l2} (when known),
         * {@code knn_acc}, {@code rankme}, {@code std_l2}.
         */
        void put(java.util.Map<String, Object> summary) {
            summary.put("linear_probe_acc", linearProbeAcc);
            if (!Double.isNaN(linearProbeL2)) {
                summary.put("linear_probe_l2", linearProbeL2);
            }
            summary.put("knn_acc", knnAcc);
            summary.put("rankme", rankMe);
            summary.put("std_l2", stdL2);
        }
    }

    private Evaluation() {}

    public static Result evaluate(VisionTransformer encoder, ImageDataset train, ImageDataset test, int nTrain, int nTest) {
        long t0 = System.nanoTime();
        INDArray xTrain = Features.pooled(encoder, train, nTrain, 256);
        INDArray xTest = Features.pooled(encoder, test, nTest, 256);
        return evaluate(xTrain, Features.labels(train, nTrain), xTest, Features.labels(test, nTest), train.numClasses(), t0);
    }

    /**
     * The raw-pixel baseline under the same protocol: each image's pixels, flattened, are the
     * features (the linear probe standardises them; RankMe and std-l2 describe the pixels).
     */
    public static Result evaluatePixels(ImageDataset train, ImageDataset test, int nTrain, int nTest) {
        long t0 = System.nanoTime();
        INDArray xTrain = Features.pixels(train, nTrain);
        INDArray xTest = Features.pixels(test, nTest);
        return evaluate(xTrain, Features.labels(train, nTrain), xTest, Features.labels(test, nTest), train.numClasses(), t0);
    }

    private static Result evaluate(INDArray xTrain, int[] yTrain, INDArray xTest, int[] yTest, int classes, long t0) {
        CollapseStats stats = CollapseMetrics.compute(xTest);
        Probes.Linear lin = Probes.linear(xTrain, yTrain, xTest, yTest, classes);
        double knn = Probes.knn(xTrain, yTrain, xTest, yTest, classes);
        LOG.info(String.format("evaluation: linear probe %.2f%% (l2 %.0e), kNN %.2f%%, RankMe %.1f / %d, std-l2 %.4f (1/sqrt(d) = %.4f) in %.1f s",
                100 * lin.accuracy(), lin.l2(), 100 * knn, stats.rankMe(), stats.dim(), stats.stdOfL2Normalized(), 1 / Math.sqrt(stats.dim()),
                (System.nanoTime() - t0) / 1e9));
        return new Result(lin.accuracy(), knn, stats.rankMe(), stats.stdOfL2Normalized(), (int) stats.dim(), lin.l2());
    }
}
