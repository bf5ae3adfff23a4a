package io.github.jepa4j.world.model;

import io.github.jepa4j.core.train.BatchSource;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Random windows of {@code window} transitions of rendered trajectories, for training encoder and
 * predictor jointly: {@code frames [N, T, C, H, W]}, {@code actions [N, T-1, A]} -> a
 * {@link FrameWindow} with frames {@code [B, window+1, C, H, W]} and actions {@code [B, window, A]}.
 * The batch of step {@code s} is a function of {@code (seed, s)}; buffers are reused.
 */
public final class FrameWindows implements BatchSource<FrameWindows.FrameWindow> {
    /** One batch: frames {@code [B, W+1, C, H, W]}, actions {@code [B, W, A]}. */
    public record FrameWindow(INDArray frames, INDArray actions) {}

    private final INDArray frames;
    private final INDArray actions;
    private final int batch;
    private final int window;
    private final long seed;
    private final INDArray bufF;
    private final INDArray bufA;

    public FrameWindows(INDArray frames, INDArray actions, int batch, int window, long seed) {
        if (frames.rank() != 5 || actions.rank() != 3 || frames.size(0) != actions.size(0) || frames.size(1) != actions.size(1) + 1) {
            throw new IllegalArgumentException("need frames [N, T, C, H, W] and actions [N, T-1, A], got "
                    + Arrays.toString(frames.shape()) + " and " + Arrays.toString(actions.shape()));
        }
        if (batch <= 0 || window < 1 || window > actions.size(1)) {
            throw new IllegalArgumentException("batch must be > 0 and window in [1, " + actions.size(1) + "], got batch="
                    + batch + " window=" + window);
        }
        this.frames = frames;
        this.actions = actions;
        this.batch = batch;
        this.window = window;
        this.seed = seed;
        this.bufF = Nd4j.create(frames.dataType(), batch, window + 1, frames.size(2), frames.size(3), frames.size(4));
        this.bufA = Nd4j.create(actions.dataType(), batch, window, actions.size(2));
    }

    @Override
    public FrameWindow next(long step) {
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step);
        long starts = actions.size(1) - window + 1;
        for (int i = 0; i < batch; i++) {
            long traj = rng.nextLong(frames.size(0));
            long t0 = rng.nextLong(starts);
            bufF.get(NDArrayIndex.point(i)).assign(frames.get(NDArrayIndex.point(traj), NDArrayIndex.interval(t0, t0 + window + 1)));
            bufA.get(NDArrayIndex.point(i)).assign(actions.get(NDArrayIndex.point(traj), NDArrayIndex.interval(t0, t0 + window)));
        }
        return new FrameWindow(bufF, bufA);
    }

    @Override
    public long stepsPerEpoch() {
        return Math.max(1, frames.size(0) * (actions.size(1) - window + 1) / batch);
    }
}
