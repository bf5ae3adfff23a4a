package io.github.jepa4j.benchmarks.kernels;

import io.github.jepa4j.core.tensor.Kernels;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.same.Max;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
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
 * Attention-probability softmax over rows of 49 keys, [64 * 4 * 49, 49] FLOAT, in place on the
 * score buffer as the attention layer does it: "nd4j" is the attention layer's composed ops
 * (max, subtract, exp, sum, divide; backward mul, sum, subtract, mul), "kernel" is
 * {@link Kernels#softmaxRows} / {@link Kernels#softmaxRowsBackward}. Each call first restores the
 * input (a copy, the same in both paths) so repeated in-place calls see the same values. The
 * kernel's per-tile methods take several seconds of calls to reach C2's final code (the first
 * second runs about 100x slower), hence the longer warm-up.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 6, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class SoftmaxBenchmark {
    @Param({"nd4j", "kernel"})
    public String path;

    private INDArray scores;
    private INDArray s;
    private INDArray p;
    private INDArray grad;
    private INDArray dp;
    private INDArray tmp;
    private INDArray rowVec;
    private boolean kernel;

    @Setup
    public void setUp() {
        KernelBench.select(path);
        kernel = path.equals("kernel");
        long rows = (long) KernelBench.ROWS * KernelBench.HEADS;
        int n = KernelBench.TOKENS;
        scores = KernelBench.randn(1, rows, n).muli(3);
        grad = KernelBench.randn(2, rows, n);
        s = Nd4j.create(DataType.FLOAT, rows, n);
        p = scores.dup();
        Kernels.softmaxRows(p, p);
        dp = Nd4j.create(DataType.FLOAT, rows, n);
        tmp = Nd4j.create(DataType.FLOAT, rows, n);
        rowVec = Nd4j.create(DataType.FLOAT, rows);
    }

    @Benchmark
    public INDArray forward() {
        s.assign(scores);
        if (kernel) {
            Kernels.softmaxRows(s, s);
        } else {
            Nd4j.exec(new Max(s, rowVec, 1));
            s.subiColumnVector(rowVec);
            Transforms.exp(s, false);
            s.sum(rowVec, 1);
            s.diviColumnVector(rowVec);
        }
        return s;
    }

    @Benchmark
    public INDArray backward() {
        dp.assign(grad);
        if (kernel) {
            Kernels.softmaxRowsBackward(p, dp, dp);
        } else {
            p.mul(dp, tmp);
            tmp.sum(rowVec, 1);
            dp.subiColumnVector(rowVec).muli(p);
        }
        return dp;
    }
}
