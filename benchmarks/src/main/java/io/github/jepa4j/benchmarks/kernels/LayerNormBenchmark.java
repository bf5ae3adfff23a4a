package io.github.jepa4j.benchmarks.kernels;

import io.github.jepa4j.core.nn.LayerNorm;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Affine LayerNorm on the token matrix [3136, 128] FLOAT, forward and backward. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class LayerNormBenchmark {
    @Param({"nd4j", "kernel"})
    public String path;

    private LayerNorm ln;
    private INDArray x;
    private INDArray g;

    @Setup
    public void setUp() {
        KernelBench.select(path);
        ParamStore store = new ParamStore(DataType.FLOAT);
        ln = new LayerNorm(store, "ln", KernelBench.DIM, 1e-6, true);
        store.allocate(1);
        x = KernelBench.randn(1, KernelBench.ROWS, KernelBench.DIM);
        g = KernelBench.randn(2, KernelBench.ROWS, KernelBench.DIM);
        ln.forward(x);
        ln.backward(g);
    }

    @Benchmark
    public INDArray forward() {
        return ln.forward(x);
    }

    @Benchmark
    public INDArray backward() {
        return ln.backward(g);
    }
}
