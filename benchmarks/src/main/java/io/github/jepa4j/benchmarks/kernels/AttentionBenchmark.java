package io.github.jepa4j.benchmarks.kernels;

import io.github.jepa4j.core.nn.MultiHeadSelfAttention;
import io.github.jepa4j.core.nn.ParamStore;
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
import org.openjdk.jmh.annotations.Param;

/**
 * {@link MultiHeadSelfAttention} of the reference model, forward and backward, on
 * [64, 49, 128] FLOAT with 4 heads: qkv projection, batched QK^T, softmax, PV and output
 * projection (backward: the adjoint products and the softmax backward, accumulating weight
 * gradients). "kernel" = fused softmax and head-split kernels and direct OpenBLAS products (the CPU
 * default), "nd4j" = composed ND4J ops and every product through ND4J (see {@link KernelBench#select}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class AttentionBenchmark {
    @Param({"kernel", "nd4j"})
    public String path;

    private MultiHeadSelfAttention attn;
    private INDArray x;
    private INDArray g;

    @Setup
    public void setUp() {
        KernelBench.select(path);
        ParamStore store = new ParamStore(DataType.FLOAT);
        attn = new MultiHeadSelfAttention(store, "attn", KernelBench.DIM, KernelBench.HEADS);
        store.allocate(1);
        x = KernelBench.randn(1, KernelBench.ROWS / KernelBench.TOKENS, KernelBench.TOKENS, KernelBench.DIM);
        g = KernelBench.randn(2, KernelBench.ROWS / KernelBench.TOKENS, KernelBench.TOKENS, KernelBench.DIM);
        attn.forward(x);
        attn.backward(g);
    }

    @Benchmark
    public INDArray forward() {
        return attn.forward(x);
    }

    /** Backward of the last forward (its saved q, k, v and probabilities are reused each call). */
    @Benchmark
    public INDArray backward() {
        return attn.backward(g);
    }
}
