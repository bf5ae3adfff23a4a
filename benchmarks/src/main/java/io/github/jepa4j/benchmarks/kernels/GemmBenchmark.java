package io.github.jepa4j.benchmarks.kernels;

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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** For scale: the MLP's first matrix product [3136, 128] x [128, 512] FLOAT via {@link Gemm#mm}. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class GemmBenchmark {
    private INDArray a;
    private INDArray b;
    private INDArray c;

    @Setup
    public void setUp() {
        a = KernelBench.randn(1, KernelBench.ROWS, KernelBench.DIM);
        b = KernelBench.randn(2, KernelBench.DIM, KernelBench.MLP);
        c = Nd4j.create(DataType.FLOAT, KernelBench.ROWS, KernelBench.MLP);
    }

    @Benchmark
    public INDArray mlpUp() {
        return Gemm.mm(a, b, c, false, false);
    }
}
