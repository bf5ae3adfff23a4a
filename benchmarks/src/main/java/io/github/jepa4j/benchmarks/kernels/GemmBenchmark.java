package io.github.jepa4j.benchmarks.kernels;

import io.github.jepa4j.core.nn.Linear;
import io.github.jepa4j.core.nn.ParamStore;
import io.github.jepa4j.core.tensor.Gemm;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The reference model's products through {@link Gemm}, FLOAT: the MLP's first product
 * [3136, 128] x [128, 512], the same as a {@link Linear} forward with its bias, the attention
 * scores of 64 x 4 heads ([49, 32] x [32, 49]^T, batched) and the bias gradient of that Linear
 * (column sums of [3136, 512]). "kernel" = direct OpenBLAS calls and the bias written before
 * the GEMM (the CPU default); "nd4j" = every product through ND4J and the bias added after it
 * (the path the CUDA backend takes).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class GemmBenchmark {
    @Param({"kernel", "nd4j"})
    public String path;

    private INDArray a;
    private INDArray b;
    private INDArray c;
    private Linear linear;
    private INDArray q;
    private INDArray k;
    private INDArray scores;
    private INDArray grad;
    private INDArray biasGrad;

    @Setup
    public void setUp() {
        KernelBench.select(path);
        a = KernelBench.randn(1, KernelBench.ROWS, KernelBench.DIM);
        b = KernelBench.randn(2, KernelBench.DIM, KernelBench.MLP);
        c = Nd4j.create(DataType.FLOAT, KernelBench.ROWS, KernelBench.MLP);
        ParamStore store = new ParamStore(DataType.FLOAT);
        linear = new Linear(store, "fc1", KernelBench.DIM, KernelBench.MLP, true);
        store.allocate(3);
        long bh = (long) KernelBench.ROWS / KernelBench.TOKENS * KernelBench.HEADS;
        long hd = KernelBench.DIM / KernelBench.HEADS;
        q = KernelBench.randn(4, bh, KernelBench.TOKENS, hd);
        k = KernelBench.randn(5, bh, KernelBench.TOKENS, hd);
        scores = Nd4j.create(DataType.FLOAT, bh, KernelBench.TOKENS, KernelBench.TOKENS);
        grad = KernelBench.randn(6, KernelBench.ROWS, KernelBench.MLP);
        biasGrad = Nd4j.zeros(DataType.FLOAT, KernelBench.MLP);
    }

    @Benchmark
    public INDArray mlpUp() {
        return Gemm.mm(a, b, c, false, false);
    }

    @Benchmark
    public INDArray linearWithBias() {
        return linear.forward(a);
    }

    @Benchmark
    public INDArray attentionScores() {
        return Gemm.bmm(q, k, scores, false, true, 1.0, 0.0);
    }

    @Benchmark
    public INDArray biasGradient() {
        Gemm.addColumnSums(grad, biasGrad);
        return biasGrad;
    }
}
