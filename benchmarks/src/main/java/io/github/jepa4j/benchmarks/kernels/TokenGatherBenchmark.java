package io.github.jepa4j.benchmarks.kernels;

import io.github.jepa4j.core.nn.TokenOps;
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
import java.util.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The masking primitives {@link TokenOps#gather} and {@link TokenOps#scatterAdd} at the
 * reference shape: 64 inputs of 49 tokens x 128, keeping 25 tokens per input (about an I-JEPA
 * context), with fresh random indices per input (the same every call).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class TokenGatherBenchmark {
    static final int KEEP = 25;

    private INDArray x;
    private INDArray gathered;
    private INDArray gradOut;
    private INDArray gradX;
    private int[][] idx;

    @Setup
    public void setUp() {
        int b = KernelBench.ROWS / KernelBench.TOKENS;
        x = KernelBench.randn(1, b, KernelBench.TOKENS, KernelBench.DIM);
        gradOut = KernelBench.randn(2, b, KEEP, KernelBench.DIM);
        gathered = Nd4j.create(DataType.FLOAT, b, KEEP, KernelBench.DIM);
        gradX = Nd4j.create(DataType.FLOAT, b, KernelBench.TOKENS, KernelBench.DIM);
        Random r = new Random(1);
        idx = new int[b][];
        for (int i = 0; i < b; i++) {
            idx[i] = r.ints(0, KernelBench.TOKENS).distinct().limit(KEEP).sorted().toArray();
        }
    }

    @Benchmark
    public INDArray gather() {
        return TokenOps.gather(x, idx, gathered);
    }

    /** Accumulates into the same gradient buffer each call (the values grow; the work does not change). */
    @Benchmark
    public INDArray scatterAdd() {
        return TokenOps.scatterAdd(gradOut, idx, gradX);
    }
}
