package io.github.jepa4j.benchmarks.speed;

import io.github.jepa4j.core.task.MaskedBatch;
import io.github.jepa4j.core.train.BatchSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Batches for the speed table: uniform random pixels from a pool of two pre-generated tensors
 * (no decoding or augmentation) with the preset's masks drawn for each step on the trainer's
 * thread. {@link #lastWaitMillis()} is the whole time {@link #next} took, i.e. the mask sampling.
 */
final class SyntheticSource implements BatchSource<MaskedBatch> {
    private final SpeedPreset.Masks masks;
    private final INDArray[] pool;
    private double lastWait;
    private MaskedBatch last;

    SyntheticSource(SpeedPreset preset, int batch, long seed) {
        this.masks = preset.masks(seed);
        Nd4j.getRandom().setSeed(seed);
        this.pool = new INDArray[] {Nd4j.rand(DataType.FLOAT, preset.inputShape(batch)),
            Nd4j.rand(DataType.FLOAT, preset.inputShape(batch))};
    }

    @Override
    public MaskedBatch next(long step) {
        long t0 = System.nanoTime();
        MaskedBatch b = masks.batch(pool[(int) (step % pool.length)], step);
        lastWait = (System.nanoTime() - t0) / 1e6;
        last = b;
        return b;
    }

    /** The batch of the latest {@link #next} (its masks give the step's FLOPs). */
    MaskedBatch last() {
        return last;
    }

    @Override
    public double lastWaitMillis() {
        return lastWait;
    }

    @Override
    public long stepsPerEpoch() {
        return 1000;
    }
}
