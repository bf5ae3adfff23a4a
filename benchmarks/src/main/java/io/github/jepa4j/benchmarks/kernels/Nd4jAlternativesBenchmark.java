package io.github.jepa4j.benchmarks.kernels;

import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.LayerNorm;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.api.ops.impl.transforms.strict.PreciseGELU;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
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
 * Single native ND4J ops that could replace composed ones, for reference: the {@code Erf} and
 * {@code exp} transforms on [3136, 512], {@code PreciseGELU} (NOT the exact erf GELU in
 * 1.0.0-M2.1: it gives 0.8314 at x = 1 where GELU(1) = 0.8413), the fused {@code layer_norm}
 * forward op on [3136, 128] and the native {@code softmax} op on [12544, 49].
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class Nd4jAlternativesBenchmark {
    private INDArray h;
    private INDArray hOut;
    private INDArray x;
    private INDArray gain;
    private INDArray bias;
    private INDArray xOut;
    private INDArray scores;
    private INDArray probs;

    @Setup
    public void setUp() {
        h = KernelBench.randn(1, KernelBench.ROWS, KernelBench.MLP);
        hOut = Nd4j.create(DataType.FLOAT, KernelBench.ROWS, KernelBench.MLP);
        x = KernelBench.randn(2, KernelBench.ROWS, KernelBench.DIM);
        gain = Nd4j.ones(DataType.FLOAT, KernelBench.DIM);
        bias = Nd4j.zeros(DataType.FLOAT, KernelBench.DIM);
        xOut = Nd4j.create(DataType.FLOAT, KernelBench.ROWS, KernelBench.DIM);
        scores = KernelBench.randn(3, (long) KernelBench.ROWS * KernelBench.HEADS, KernelBench.TOKENS);
        probs = scores.like();
    }

    @Benchmark
    public INDArray erf() {
        return Nd4j.exec(new Erf(h, hOut));
    }

    @Benchmark
    public INDArray exp() {
        hOut.assign(h);
        return Transforms.exp(hOut, false);
    }

    @Benchmark
    public INDArray preciseGelu() {
        return Nd4j.exec(new PreciseGELU(h, hOut));
    }

    @Benchmark
    public INDArray layerNormOp() {
        Nd4j.exec(new LayerNorm(x, gain, bias, xOut, true, 1));
        return xOut;
    }

    @Benchmark
    public INDArray softmaxOp() {
        Nd4j.exec(new SoftMax(scores, probs, 1));
        return probs;
    }
}
