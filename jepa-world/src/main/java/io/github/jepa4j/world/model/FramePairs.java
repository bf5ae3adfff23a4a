package io.github.jepa4j.world.model;

import io.github.jepa4j.core.task.TwoViewBatch;
import io.github.jepa4j.core.train.BatchSource;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Temporal positive pairs for pretraining the state encoder: two frames of the same trajectory
 * {@code gap} steps apart, {@code gap} uniform in {@code [1, maxGap]}.
 *
 * <p>Joint-embedding training on such pairs (the two "views" are nearby moments instead of two
 * augmentations) makes embeddings invariant to what changes little between nearby frames and,
 * with an anti-collapse term spreading the batch, sensitive to what distinguishes far-apart
 * states: here the agent's position, with distances that follow reachable steps (a slow-feature
 * objective). {@code frames [N, T, C, H, W]}; the batch of step {@code s} is a function of
 * {@code (seed, s)}; buffers are reused between steps.
 */
public final class FramePairs implements BatchSource<TwoViewBatch> {
    private final INDArray frames;
    private final int batch;
    private final int maxGap;
    private final long seed;
    private final INDArray v1;
    private final INDArray v2;

    public FramePairs(INDArray frames, int batch, int maxGap, long seed) {
        if (frames.rank() != 5 || frames.size(1) < 2) {
            throw new IllegalArgumentException("frames must be [N, T >= 2, C, H, W], got " + Arrays.toString(frames.shape()));
        }
        if (batch <= 0 || maxGap < 1 || maxGap >= frames.size(1)) {
            throw new IllegalArgumentException("need batch > 0 and maxGap in [1, " + (frames.size(1) - 1) + "], got batch="
                    + batch + " maxGap=" + maxGap);
        }
        this.frames = frames;
        this.batch = batch;
        this.maxGap = maxGap;
        this.seed = seed;
        long[] shape = {batch, frames.size(2), frames.size(3), frames.size(4)};
        this.v1 = Nd4j.create(frames.dataType(), shape);
        this.v2 = Nd4j.create(frames.dataType(), shape);
    }

    @Override
    public TwoViewBatch next(long step) {
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step);
        long n = frames.size(0);
        long t = frames.size(1);
        for (int i = 0; i < batch; i++) {
            long traj = rng.nextLong(n);
            int gap = 1 + rng.nextInt(maxGap);
            long t0 = rng.nextLong(t - gap);
            boolean swap = rng.nextBoolean();
            v1.get(NDArrayIndex.point(i)).assign(frames.get(NDArrayIndex.point(traj), NDArrayIndex.point(swap ? t0 + gap : t0)));
            v2.get(NDArrayIndex.point(i)).assign(frames.get(NDArrayIndex.point(traj), NDArrayIndex.point(swap ? t0 : t0 + gap)));
        }
        return new TwoViewBatch(v1, v2, null);
    }

    @Override
    public long stepsPerEpoch() {
        return Math.max(1, frames.size(0) * frames.size(1) / batch);
    }
}
