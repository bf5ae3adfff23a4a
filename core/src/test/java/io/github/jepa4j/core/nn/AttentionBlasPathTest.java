package io.github.jepa4j.core.nn;

import io.github.jepa4j.core.tensor.Gemm;
import io.github.jepa4j.core.testing.Close;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Attention's products through direct OpenBLAS calls (the CPU default) and through ND4J (what
 * the CUDA backend takes: {@code Nd4j.gemm} and libnd4j's batched matmul) must give the same
 * output, input gradient and parameter gradients, with and without key padding.
 */
class AttentionBlasPathTest {

    @AfterEach
    void restore() {
        Gemm.setDirect(true);
    }

    private record Result(INDArray y, INDArray dx, INDArray grads) {}

    private static Result run(boolean direct, DataType dt, INDArray keyBias) {
        Gemm.setDirect(direct);
        ParamStore store = new ParamStore(dt);
        MultiHeadSelfAttention attn = new MultiHeadSelfAttention(store, "attn", 24, 3);
        store.allocate(11);
        store.grads().assign(0);
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 4, 7, 24).castTo(dt);
        INDArray g = Nd4j.randn(DataType.DOUBLE, 4, 7, 24).castTo(dt);
        attn.setKeyBias(keyBias == null ? null : keyBias.castTo(dt));
        INDArray y = attn.forward(x).dup();
        INDArray dx = attn.backward(g).dup();
        return new Result(y, dx, store.grads().dup());
    }

    @Test
    void directBlasAndNd4jPathsAgree() {
        // Batch rows 1 and 3 have padded keys (the last 2 and 3 tokens).
        INDArray bias = Nd4j.zeros(DataType.DOUBLE, 4, 7);
        bias.putScalar(new long[] {1, 5}, MultiHeadSelfAttention.MASKED);
        bias.putScalar(new long[] {1, 6}, MultiHeadSelfAttention.MASKED);
        for (long t = 4; t < 7; t++) {
            bias.putScalar(new long[] {3, t}, MultiHeadSelfAttention.MASKED);
        }
        for (DataType dt : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            double tol = dt == DataType.FLOAT ? 1e-5 : 1e-12;
            for (INDArray kb : new INDArray[] {null, bias}) {
                Result nd4j = run(false, dt, kb);
                Result direct = run(true, dt, kb);
                String what = dt + (kb == null ? "" : " padded");
                Close.assertClose(what + " output", nd4j.y(), direct.y(), tol);
                Close.assertClose(what + " input gradient", nd4j.dx(), direct.dx(), tol);
                Close.assertClose(what + " parameter gradients", nd4j.grads(), direct.grads(), tol);
            }
        }
    }
}
