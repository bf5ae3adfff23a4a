package io.github.jepa4j.benchmarks.kernels;

import io.github.jepa4j.core.nn.Gelu;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.ndarray.INDArray;
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

/** Exact GELU on the MLP hidden activations [3136, 512] FLOAT, forward and backward. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class GeluBenchmark {
    @Param({"nd4j", "kernel"})
    public String path;

    private Gelu gelu;
    private INDArray x;
    private INDArray g;

    @Setup
    public void setUp() {
        KernelBench.select(path);
        x = KernelBench.randn(1, KernelBench.ROWS, KernelBench.MLP);
        g = KernelBench.randn(2, KernelBench.ROWS, KernelBench.MLP);
        gelu = new Gelu();
        gelu.forward(x);
        gelu.backward(g);
    }

    @Benchmark
    public INDArray forward() {
        return gelu.forward(x);
    }

    @Benchmark
    public INDArray backward() {
        return gelu.backward(g);
    }
}
