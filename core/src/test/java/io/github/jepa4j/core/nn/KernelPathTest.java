package io.github.jepa4j.core.nn;

import io.github.jepa4j.core.tensor.Kernels;
import io.github.jepa4j.core.testing.Close;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The fused {@link Kernels} path of {@link Gelu} and {@link LayerNorm} against their composed
 * ND4J-op path, FLOAT and DOUBLE, on inputs that are views at non-zero offsets of bigger buffers,
 * at a small size and at one large enough to run on several threads.
 */
class KernelPathTest {

    @AfterEach
    void restore() {
        Kernels.setEnabled(true);
    }

    /** A [b, n, d] c-order view at element offset {@code lead} (prefix or middle of a buffer). */
    private static INDArray view(DataType dt, long seed, long lead, long tail, long... shape) {
        long len = 1;
        for (long s : shape) {
            len *= s;
        }
        Nd4j.getRandom().setSeed(seed);
        INDArray buf = Nd4j.randn(dt, lead + len + tail).muli(2);
        return buf.get(NDArrayIndex.interval(lead, lead + len)).reshape('c', shape);
    }

    private record Result(INDArray y, INDArray dx, INDArray grads) {}

    private static Result runGelu(boolean kernels, INDArray x, INDArray g) {
        Kernels.setEnabled(kernels);
        Gelu gelu = new Gelu();
        INDArray y = gelu.forward(x).dup();
        return new Result(y, gelu.backward(g).dup(), null);
    }

    @Test
    void geluKernelMatchesComposedOps() {
        for (DataType dt : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (long[] shape : new long[][] {{2, 5, 7}, {4, 49, 512}}) {
                // x is a suffix view (offset, nothing after); g a prefix view (offset 0, data after).
                INDArray x = view(dt, 1, 29, 0, shape);
                INDArray g = view(dt, 2, 0, 31, shape);
                Result ref = runGelu(false, x, g);
                Result fast = runGelu(true, x, g);
                double tol = dt == DataType.FLOAT ? 1e-6 : 1e-12;
                String what = dt + " gelu " + java.util.Arrays.toString(shape);
                Close.assertClose(what + " forward", ref.y(), fast.y(), tol);
                Close.assertClose(what + " backward", ref.dx(), fast.dx(), tol);
            }
        }
    }

    private static Result runLayerNorm(boolean kernels, boolean affine, INDArray x, INDArray g) {
        Kernels.setEnabled(kernels);
        DataType dt = x.dataType();
        int dim = (int) x.size(x.rank() - 1);
        ParamStore store = new ParamStore(dt);
        LayerNorm ln = affine ? new LayerNorm(store, "ln", dim, 1e-5, true) : LayerNorm.plain(dim, 1e-6);
        if (affine) {
            store.allocate(3);
            store.get("ln.weight").value().assign(view(dt, 7, 0, 0, dim).addi(1));
            store.get("ln.bias").value().assign(view(dt, 8, 0, 0, dim));
            store.grads().assign(0.125);          // backward must add to what is there
        }
        INDArray y = ln.forward(x).dup();
        INDArray dx = ln.backward(g).dup();
        return new Result(y, dx, affine ? store.grads().dup() : null);
    }

    @Test
    void layerNormKernelMatchesComposedOps() {
        for (DataType dt : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (long[] shape : new long[][] {{2, 3, 6}, {12, 49, 128}}) {
                for (boolean affine : new boolean[] {true, false}) {
                    INDArray x = view(dt, 4, 13, 5, shape).addi(0.7);
                    INDArray g = view(dt, 5, 3, 0, shape);
                    Result ref = runLayerNorm(false, affine, x, g);
                    Result fast = runLayerNorm(true, affine, x, g);
                    double tol = dt == DataType.FLOAT ? 2e-5 : 1e-11;
                    String what = dt + (affine ? " layernorm " : " plain layernorm ") + java.util.Arrays.toString(shape);
                    Close.assertClose(what + " forward", ref.y(), fast.y(), tol);
                    Close.assertClose(what + " backward", ref.dx(), fast.dx(), tol);
                    if (affine) {
                        // Column sums over up to 588 rows: scale the tolerance by the magnitude.
                        Close.assertClose(what + " param grads", ref.grads(), fast.grads(), dt == DataType.FLOAT ? 1e-4 : 1e-10);
                    }
                }
            }
        }
    }

    @Test
    void kernelForwardThenComposedBackwardStillAgrees() {
        // Kernels switched off between forward and backward (as when gradOut is not contiguous).
        INDArray x = view(DataType.DOUBLE, 11, 3, 3, 3, 4, 6);
        INDArray g = view(DataType.DOUBLE, 12, 0, 0, 3, 4, 6);
        Result ref = runLayerNorm(false, true, x, g);
        Kernels.setEnabled(true);
        ParamStore store = new ParamStore(DataType.DOUBLE);
        LayerNorm ln = new LayerNorm(store, "ln", 6, 1e-5, true);
        store.allocate(3);
        store.get("ln.weight").value().assign(view(DataType.DOUBLE, 7, 0, 0, 6).addi(1));
        store.get("ln.bias").value().assign(view(DataType.DOUBLE, 8, 0, 0, 6));
        store.grads().assign(0.125);
        Close.assertClose("forward", ref.y(), ln.forward(x), 1e-12);
        Kernels.setEnabled(false);
        Close.assertClose("backward", ref.dx(), ln.backward(g), 1e-12);
        Close.assertClose("grads", ref.grads(), store.grads(), 1e-12);

        Result gref = runGelu(false, x, g);
        Kernels.setEnabled(true);
        Gelu gelu = new Gelu();
        gelu.forward(x);
        Kernels.setEnabled(false);
        Close.assertClose("gelu backward", gref.dx(), gelu.backward(g), 1e-12);
    }

    /** Output of a Linear / PatchEmbed forward with the bias filled by the kernel (GEMM beta 1) or added by ND4J. */
    private static INDArray biasedForward(boolean kernels, DataType dt, boolean patchEmbed, INDArray x) {
        Kernels.setEnabled(kernels);
        ParamStore store = new ParamStore(dt);
        Layer layer = patchEmbed ? PatchEmbed.image(store, "patch_embed", 1, 4, 24) : new Linear(store, "fc", 12, 40, true);
        store.allocate(9);
        // Non-zero biases (initialised to zero), so a dropped or doubled bias shows.
        store.get(patchEmbed ? "patch_embed.proj.bias" : "fc.bias").value().assign(view(dt, 13, 0, 0, patchEmbed ? 24 : 40));
        return layer.forward(x).dup();
    }

    @Test
    void biasFilledBeforeTheGemmMatchesBroadcastAdd() {
        for (DataType dt : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            double tol = dt == DataType.FLOAT ? 1e-6 : 1e-12;
            INDArray x = view(dt, 14, 5, 3, 3, 7, 12);
            Close.assertClose(dt + " linear", biasedForward(false, dt, false, x), biasedForward(true, dt, false, x), tol);
            INDArray img = view(dt, 15, 2, 0, 2, 1, 8, 8);
            Close.assertClose(dt + " patch embed", biasedForward(false, dt, true, img), biasedForward(true, dt, true, img), tol);
        }
    }

    @Test
    void attentionKernelsMatchComposedOps() {
        // Head split/merge copies and row softmax, forward and backward, against ND4J's permuted assigns.
        for (DataType dt : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            double tol = dt == DataType.FLOAT ? 1e-5 : 1e-12;
            INDArray x = view(dt, 16, 7, 2, 5, 9, 24);
            INDArray g = view(dt, 17, 0, 3, 5, 9, 24);
            INDArray[][] out = new INDArray[2][];
            for (int k = 0; k < 2; k++) {
                Kernels.setEnabled(k == 1);
                ParamStore store = new ParamStore(dt);
                MultiHeadSelfAttention attn = new MultiHeadSelfAttention(store, "attn", 24, 3);
                store.allocate(4);
                store.grads().assign(0);
                INDArray y = attn.forward(x).dup();
                out[k] = new INDArray[] {y, attn.backward(g).dup(), store.grads().dup()};
            }
            Close.assertClose(dt + " attention output", out[0][0], out[1][0], tol);
            Close.assertClose(dt + " attention input gradient", out[0][1], out[1][1], tol);
            Close.assertClose(dt + " attention parameter gradients", out[0][2], out[1][2], tol);
        }
    }
}
