package io.github.jepa4j.core.nn;

import io.github.jepa4j.core.tensor.Scratch;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Pre-norm transformer block as in ViT, timm and I-JEPA (Assran et al., 2023):
 * <pre>
 *   h = x + Attn(LN1(x))
 *   y = h + Mlp(LN2(h))
 * </pre>
 * on {@code x [B, N, D]}. LayerNorms are affine with eps {@value #DEFAULT_LN_EPS} by default
 * (timm's ViT uses 1e-6). Parameter names follow timm: {@code name.norm1.*}, {@code name.attn.*},
 * {@code name.norm2.*}, {@code name.mlp.*}. No dropout or drop-path.
 *
 * <p>Backward: {@code dh = g + LN2'(Mlp'(g))}, {@code dx = dh + LN1'(Attn'(dh))}.
 */
public final class TransformerBlock implements Layer {
    public static final double DEFAULT_LN_EPS = 1e-6;

    private static final int H = 0, Y = 1;

    private final int dim;
    private final LayerNorm norm1;
    private final MultiHeadSelfAttention attn;
    private final LayerNorm norm2;
    private final Mlp mlp;
    private final Scratch scratch = new Scratch(2);
    private long[] inShape;

    /**
     * @param dim       model width D
     * @param heads     attention heads (must divide D)
     * @param mlpHidden MLP hidden width (4D in ViT)
     * @param lnEps     LayerNorm epsilon
     */
    public TransformerBlock(ParamStore store, String name, int dim, int heads, int mlpHidden, double lnEps) {
        this.dim = dim;
        this.norm1 = new LayerNorm(store, name + ".norm1", dim, lnEps, true);
        this.attn = new MultiHeadSelfAttention(store, name + ".attn", dim, heads);
        this.norm2 = new LayerNorm(store, name + ".norm2", dim, lnEps, true);
        this.mlp = new Mlp(store, name + ".mlp", dim, mlpHidden);
    }

    /** A block with LayerNorm eps {@value #DEFAULT_LN_EPS}. */
    public TransformerBlock(ParamStore store, String name, int dim, int heads, int mlpHidden) {
        this(store, name, dim, heads, mlpHidden, DEFAULT_LN_EPS);
    }

    public int dim() {
        return dim;
    }

    public LayerNorm norm1() {
        return norm1;
    }

    public MultiHeadSelfAttention attn() {
        return attn;
    }

    public LayerNorm norm2() {
        return norm2;
    }

    public Mlp mlp() {
        return mlp;
    }

    /** Key padding of the attention, see {@link MultiHeadSelfAttention#setKeyBias} (null: none). */
    public void setKeyBias(INDArray bias) {
        attn.setKeyBias(bias);
    }

    @Override
    public INDArray forward(INDArray x) {
        if (x.rank() != 3 || x.size(2) != dim) {
            throw new IllegalArgumentException("transformer block expects input [B, N, " + dim + "], got " + Arrays.toString(x.shape()));
        }
        inShape = x.shape();
        var dt = x.dataType();
        // Residuals: a.add(b, out) is one fused pass into scratch, no allocation.
        INDArray h = scratch.get(H, dt, inShape);
        x.add(attn.forward(norm1.forward(x)), h);
        INDArray y = scratch.get(Y, dt, inShape);
        h.add(mlp.forward(norm2.forward(h)), y);
        return y;
    }

    /**
     * The block's output at some tokens only: {@code [B, R, D]} (owned), row {@code r} of input
     * {@code b} being row {@code rows[b][r]} of {@link #forward}'s output. Attention still reads every
     * token as key and value; the queries, projection, residuals and MLP run on the R rows alone. No
     * backward follows it.
     */
    public INDArray forwardAt(INDArray x, int[][] rows) {
        if (x.rank() != 3 || x.size(2) != dim) {
            throw new IllegalArgumentException("transformer block expects input [B, N, " + dim + "], got " + Arrays.toString(x.shape()));
        }
        inShape = null; // nothing for backward
        var dt = x.dataType();
        INDArray a = attn.forwardAt(norm1.forward(x), rows);
        INDArray h = scratch.get(H, dt, a.shape());
        TokenOps.gather(x, rows, h);
        h.addi(a);
        INDArray y = scratch.get(Y, dt, a.shape());
        h.add(mlp.forward(norm2.forward(h)), y);
        return y;
    }

    @Override
    public INDArray backward(INDArray gradOut) {
        if (inShape == null) {
            throw new IllegalStateException("backward before forward");
        }
        if (!Arrays.equals(gradOut.shape(), inShape)) {
            throw new IllegalArgumentException("transformer block gradient must be " + Arrays.toString(inShape)
                    + ", got " + Arrays.toString(gradOut.shape()));
        }
        // The residual gradients are summed inside the LayerNorms' backward (same bits as a separate add).
        INDArray dh = norm2.backwardAdd(mlp.backward(gradOut), gradOut);
        return norm1.backwardAdd(attn.backward(dh), dh);
    }
}
