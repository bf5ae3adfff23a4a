package io.github.jepa4j.benchmarks.kernels;

import io.github.jepa4j.core.model.PredictorConfig;
import io.github.jepa4j.core.model.VitConfig;
import io.github.jepa4j.core.optim.AdamW;
import io.github.jepa4j.core.optim.Ema;
import io.github.jepa4j.core.task.MaskedJepaConfig;
import io.github.jepa4j.core.task.MaskedJepaTask;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-step updates over the reference I-JEPA model's flat buffers: {@link AdamW#step} over
 * all trainable parameters (encoder + predictor, about 0.9 M floats) and the {@link Ema} target
 * update over the encoder's (about 0.8 M floats).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class OptimizerBenchmark {
    private AdamW adam;
    private INDArray target;
    private INDArray online;

    @Setup
    public void setUp() {
        VitConfig enc = VitConfig.preset("ref", 1, 28, 28);
        MaskedJepaTask task = new MaskedJepaTask(MaskedJepaConfig.ijepa(enc, PredictorConfig.forEncoder(enc, 64, 2, 2)),
                DataType.FLOAT, 1);
        task.trainable().grads().assign(KernelBench.randn(3, task.trainable().size()).reshape(task.trainable().grads().shape()));
        adam = new AdamW(task.trainable());
        target = task.targetStore().params();
        online = task.trainable().paramRange(0, task.encoderSize());
    }

    @Benchmark
    public long adamW() {
        adam.step(1e-4, 0.04);
        return adam.stepCount();
    }

    @Benchmark
    public INDArray ema() {
        Ema.update(target, online, 0.996);
        return target;
    }
}
