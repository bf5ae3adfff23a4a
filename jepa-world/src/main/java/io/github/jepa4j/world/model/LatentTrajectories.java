package io.github.jepa4j.world.model;

import io.github.jepa4j.core.train.BatchSource;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Encoded trajectories, {@code latents [N, T+1, d]} with their {@code actions [N, T, A]}, served
 * as random windows of {@code window} transitions for predictor training.
 *
 * <p>The batch of step {@code s} is a function of {@code (seed, s)} only (resumable); its buffers
 * are reused from step to step (the trainer is done with a batch before asking for the next).
 */
public final class LatentTrajectories implements BatchSource<TransitionBatch> {
    private final INDArray latents;
    private final INDArray actions;
    private final int batch;
    private final int window;
    private final long seed;
    private final INDArray bufZ;
    private final INDArray bufA;

    public LatentTrajectories(INDArray latents, INDArray actions, int batch, int window, long seed) {
        if (latents.rank() != 3 || actions.rank() != 3 || latents.size(0) != actions.size(0)
                || latents.size(1) != actions.size(1) + 1) {
            throw new IllegalArgumentException("need latents [N, T+1, d] and actions [N, T, A], got "
                    + Arrays.toString(latents.shape()) + " and " + Arrays.toString(actions.shape()));
        }
        if (batch <= 0 || window < 1 || window > actions.size(1)) {
            throw new IllegalArgumentException("batch must be > 0 and window in [1, " + actions.size(1) + "], got batch="
                    + batch + " window=" + window);
        }
        this.latents = latents;
        this.actions = actions;
        this.batch = batch;
        this.window = window;
        this.seed = seed;
        this.bufZ = Nd4j.create(latents.dataType(), batch, window + 1, latents.size(2));
        this.bufA = Nd4j.create(latents.dataType(), batch, window, actions.size(2));
    }

    @Override
    public TransitionBatch next(long step) {
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step);
        long n = latents.size(0);
        long starts = actions.size(1) - window + 1;
        for (int i = 0; i < batch; i++) {
            long traj = rng.nextLong(n);
            long t0 = rng.nextLong(starts);
            bufZ.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all())
                    .assign(latents.get(NDArrayIndex.point(traj), NDArrayIndex.interval(t0, t0 + window + 1), NDArrayIndex.all()));
            bufA.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all())
                    .assign(actions.get(NDArrayIndex.point(traj), NDArrayIndex.interval(t0, t0 + window), NDArrayIndex.all()));
        }
        return new TransitionBatch(bufZ, bufA);
    }

    /** One pass = every window start of every trajectory once, in expectation. */
    @Override
    public long stepsPerEpoch() {
        return Math.max(1, latents.size(0) * (actions.size(1) - window + 1) / batch);
    }

    public INDArray latents() {
        return latents;
    }

    public INDArray actions() {
        return actions;
    }
}
