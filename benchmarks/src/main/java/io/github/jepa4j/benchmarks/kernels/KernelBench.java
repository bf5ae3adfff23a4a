package io.github.jepa4j.benchmarks.kernels;

import io.github.jepa4j.core.tensor.Gemm;
import io.github.jepa4j.core.tensor.Kernels;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Shared sizes and set-up of the kernel benchmarks. */
final class KernelBench {
    private KernelBench() {}

    /** Token rows of one reference batch: 64 images x 49 patches. */
    static final int ROWS = 64 * 49;
    static final int DIM = 128;
    static final int MLP = 512;
    static final int HEADS = 4;
    static final int TOKENS = 49;

    /**
     * Selects the layer path: "nd4j" = composed ND4J ops and every product through ND4J (the
     * path the CUDA backend takes), "kernel" = fused {@link Kernels} and direct OpenBLAS calls
     * ({@link Gemm}, the CPU default).
     */
    static void select(String path) {
        switch (path) {
            case "nd4j" -> {
                Kernels.setEnabled(false);
                Gemm.setDirect(false);
            }
            case "kernel" -> {
                Kernels.setEnabled(true);
                Gemm.setDirect(true);
                if (!Kernels.hostBackend()) {
                    throw new IllegalStateException("kernel path needs the CPU backend");
                }
            }
            default -> throw new IllegalArgumentException("path must be nd4j or kernel, got " + path);
        }
    }

    static INDArray randn(long seed, long... shape) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.FLOAT, shape);
    }
}
