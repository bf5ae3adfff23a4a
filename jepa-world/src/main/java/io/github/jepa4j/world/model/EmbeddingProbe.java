package io.github.jepa4j.world.model;

import io.github.jepa4j.regularizers.probe.LinearRegressionProbe;
import io.github.jepa4j.world.env.Trajectories;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How usable a state embedding is for planning, measured against the true agent positions:
 * cheap gating numbers to check before training a predictor or running planning episodes.
 *
 * <pre>
 *   r2         = mean over (x, y) of the held-out R² of a ridge probe z -> position
 *                (regularizers' {@link LinearRegressionProbe}, lambda 1 on standardised features)
 *   stepRatio  = mean_t |z_{t+1} - z_t|_1  /  mean |z_i - z_j|_1   (one step vs random frame pairs)
 * </pre>
 * A planner that minimises an embedding distance needs both: the position must be (near
 * linearly) recoverable ({@code r2} near 1) and one step must move the embedding a little
 * ({@code stepRatio} small, e.g. below 0.15 for steps of about a tenth of the room), else the
 * energy landscape is rough and the predictor cannot follow it.
 */
public final class EmbeddingProbe {
    private EmbeddingProbe() {}

    /**
     * @param r2        held-out R² of the position probe (mean of x and y)
     * @param rmse      held-out RMSE of the probe, in room units
     * @param stepRatio one-step L1 change of the embedding relative to random-pair L1 distance
     */
    public record Quality(double r2, double rmse, double stepRatio) {
        public Map<String, Double> asMap(String prefix) {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put(prefix + "r2", r2);
            m.put(prefix + "rmse", rmse);
            m.put(prefix + "step_ratio", stepRatio);
            return m;
        }
    }

    /** Fits the probe on {@code train} and measures on {@code test} (frames {@code [N, T, C, S, S]}, positions {@code [N, T, 2]}). */
    public static Quality measure(StateEncoder encoder, Trajectories train, Trajectories test) {
        INDArray ztr = encodeFlat(encoder, train);
        INDArray zte = encodeFlat(encoder, test);
        return measure(ztr, positions(train), zte, positions(test), (int) test.frames().size(1));
    }

    /**
     * The same on precomputed embeddings: {@code zTrain [N, d]} with positions {@code [N, 2]};
     * {@code zTest} rows are trajectories of {@code framesPerTrajectory} consecutive frames.
     */
    public static Quality measure(INDArray zTrain, INDArray pTrain, INDArray zTest, INDArray pTest, int framesPerTrajectory) {
        if (zTrain.rank() != 2 || zTest.rank() != 2 || zTrain.size(1) != zTest.size(1) || pTrain.size(0) != zTrain.size(0)
                || pTest.size(0) != zTest.size(0) || framesPerTrajectory < 2 || zTest.size(0) % framesPerTrajectory != 0) {
            throw new IllegalArgumentException("need zTrain [N, d], zTest [M, d] (M a multiple of framesPerTrajectory "
                    + framesPerTrajectory + ") and positions of the same rows, got " + Arrays.toString(zTrain.shape()) + ", "
                    + Arrays.toString(pTrain.shape()) + ", " + Arrays.toString(zTest.shape()) + ", " + Arrays.toString(pTest.shape()));
        }
        LinearRegressionProbe probe = new LinearRegressionProbe().fit(zTrain, pTrain);
        double[] r2 = probe.r2(zTest, pTest);
        INDArray err = probe.predict(zTest).subi(pTest.castTo(DataType.DOUBLE));
        double rmse = Math.sqrt(err.muli(err).meanNumber().doubleValue());
        double[][] z = zTest.castTo(DataType.DOUBLE).toDoubleMatrix();
        SplittableRandom rng = new SplittableRandom(1);
        double step = 0, far = 0;
        int cnt = 0;
        for (int i = 0; i + 1 < z.length; i++) {
            if ((i + 1) % framesPerTrajectory == 0) {
                continue;
            }
            step += l1(z[i], z[i + 1]);
            far += l1(z[rng.nextInt(z.length)], z[rng.nextInt(z.length)]);
            cnt++;
        }
        return new Quality(Arrays.stream(r2).average().orElse(Double.NaN), rmse, far > 0 ? step / far : Double.NaN);
    }

    private static double l1(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += Math.abs(a[i] - b[i]);
        }
        return s;
    }

    private static INDArray encodeFlat(StateEncoder encoder, Trajectories t) {
        INDArray f = t.frames();
        long n = f.size(0) * f.size(1);
        return encoder.encodeAll(f.reshape('c', n, f.size(2), f.size(3), f.size(4)), 256);
    }

    private static INDArray positions(Trajectories t) {
        return t.positions().reshape('c', t.positions().size(0) * t.positions().size(1), 2);
    }
}
