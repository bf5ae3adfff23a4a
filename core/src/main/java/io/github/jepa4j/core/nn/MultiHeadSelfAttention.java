package io.github.jepa4j.core.nn;

import io.github.jepa4j.core.tensor.Gemm;
import io.github.jepa4j.core.tensor.Kernels;
import io.github.jepa4j.core.tensor.Scratch;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.reduce.same.Max;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Multi-head self-attention as in ViT (Dosovitskiy et al., 2021) and timm / I-JEPA.
 *
 * <p>For {@code x [B, N, D]} with {@code H} heads of size {@code hd = D / H}:
 * <pre>
 *   [q | k | v] = x W_qkv^T + b_qkv                    (Linear "qkv", D -> 3D; each row laid out [3, H, hd])
 *   P_bh       = softmax(q_bh k_bh^T / sqrt(hd))        (per batch b and head h, over the last dim)
 *   o_bh       = P_bh v_bh                               ([N, hd])
 *   y          = concat_h(o_bh) W_proj^T + b_proj      (Linear "proj", D -> D)
 * </pre>
 * Parameter names follow timm: {@code name.qkv.weight [3D, D]}, {@code name.qkv.bias},
 * {@code name.proj.weight [D, D]}, {@code name.proj.bias}.
 *
 * <p>Backward, with {@code G} the gradient of {@code o}: {@code dv = P^T G},
 * {@code dP = G v^T}, {@code dS = P * (dP - sum_lastdim(dP * P))},
 * {@code dq = dS k / sqrt(hd)}, {@code dk = dS^T q / sqrt(hd)}.
 *
 * <p>The heads are rearranged once into contiguous {@code [B*H, N, hd]} scratch buffers so the
 * per-head products are single batched GEMMs ({@link Gemm#bmm}); q, k, v and the attention
 * probabilities P are kept in scratch for backward. No dropout (I-JEPA uses none).
 *
 * <p>Key padding ({@link #setKeyBias}): an additive bias {@code [B, N]} on the scores of every
 * query, {@code 0} for real tokens and {@link #MASKED} for padding, lets inputs of one batch have
 * different token counts: padded keys get probability 0 (to float precision), so no real token
 * depends on padding, and the backward needs no change (softmax' gradient is 0 where P is).
 */
public final class MultiHeadSelfAttention implements Layer {
    // Scratch slots. O (forward head outputs) is dead once concatenated, so backward reuses it for dO.
    private static final int QKV = 0, P = 1, O = 2, CAT = 3, ROWVEC = 4, DP = 5, TMP = 6, DQKV = 7, DROWS = 8;

    private final int dim;
    private final int heads;
    private final int headDim;
    private final double scale;
    private final Linear qkv;
    private final Linear proj;
    private final Scratch scratch = new Scratch(9);

    /** Score bias of a padded key: exp underflows to 0 (float) and no score can reach it. */
    public static final double MASKED = -1e30;

    private INDArray keyBias;

    // State from the last forward, needed by backward.
    private long batch;
    private long tokens;
    private INDArray q;
    private INDArray k;
    private INDArray v;
    private INDArray probs;

    /**
     * @param dim   model width D
     * @param heads number of heads H; must divide D
     */
    public MultiHeadSelfAttention(ParamStore store, String name, int dim, int heads) {
        if (dim <= 0 || heads <= 0 || dim % heads != 0) {
            throw new IllegalArgumentException("attention '" + name + "': heads must be positive and divide the width, got D="
                    + dim + " H=" + heads);
        }
        this.dim = dim;
        this.heads = heads;
        this.headDim = dim / heads;
        this.scale = 1.0 / Math.sqrt(headDim);
        this.qkv = new Linear(store, name + ".qkv", dim, 3 * dim, true);
        this.proj = new Linear(store, name + ".proj", dim, dim, true);
    }

    public int dim() {
        return dim;
    }

    public int heads() {
        return heads;
    }

    public int headDim() {
        return headDim;
    }

    /** The fused query/key/value projection, D -> 3D. */
    public Linear qkv() {
        return qkv;
    }

    /** The output projection, D -> D. */
    public Linear proj() {
        return proj;
    }

    /**
     * Key padding for the following forward passes: {@code bias [B, N]} added to the scores
     * {@code q k^T / sqrt(hd)} of every head and query ({@code 0}: attend, {@link #MASKED}: padding),
     * or null (the default) for none. Held by reference: the caller keeps it unchanged until backward.
     */
    public void setKeyBias(INDArray bias) {
        if (bias != null && bias.rank() != 2) {
            throw new IllegalArgumentException("attention key bias must be [B, N], got " + Arrays.toString(bias.shape()));
        }
        this.keyBias = bias;
    }

    @Override
    public INDArray forward(INDArray x) {
        if (x.rank() != 3 || x.size(2) != dim) {
            throw new IllegalArgumentException("attention expects input [B, N, " + dim + "], got " + Arrays.toString(x.shape()));
        }
        DataType dt = x.dataType();
        long b = x.size(0);
        long n = x.size(1);
        long bh = b * heads;
        batch = b;
        tokens = n;

        INDArray heads4 = projectToHeads(x);
        q = heads4.slice(0);
        k = heads4.slice(1);
        v = heads4.slice(2);

        probs = scratch.get(P, dt, bh, n, n);
        Gemm.bmm(q, k, probs, false, true, scale, 0.0);
        if (keyBias != null) {
            if (keyBias.size(0) != b || keyBias.size(1) != n || keyBias.dataType() != dt) {
                throw new IllegalArgumentException("attention key bias must be [" + b + ", " + n + "] of " + dt + ", got "
                        + Arrays.toString(keyBias.shape()) + " of " + keyBias.dataType());
            }
            INDArray p3 = probs.reshape('c', b, (long) heads * n, n);
            Nd4j.exec(new BroadcastAddOp(p3, keyBias, p3, 0, 2));
        }
        softmaxLastDim(probs, scratch.get(ROWVEC, dt, bh * n));

        INDArray o = scratch.get(O, dt, bh, n, headDim);
        Gemm.bmm(probs, v, o, false, false, 1.0, 0.0);
        // [B, H, N, hd] -> [B, N, H, hd] = [B, N, D]: heads concatenated per token.
        INDArray cat = scratch.get(CAT, dt, b, n, dim);
        permuteHeads(o, cat, b, n, 1, false);
        return proj.forward(cat);
    }

    /**
     * Attention outputs at some query tokens only, every token still a key and value: for
     * {@code x [B, N, D]} returns {@code [B, R, D]} (owned), row {@code r} of input {@code b} being
     * row {@code rows[b][r]} of {@link #forward}'s output (indices may repeat). For an encoder whose
     * last block is needed at a few tokens only (the EMA target of I-JEPA); no backward follows it,
     * and no key padding applies.
     */
    public INDArray forwardAt(INDArray x, int[][] rows) {
        if (x.rank() != 3 || x.size(2) != dim) {
            throw new IllegalArgumentException("attention expects input [B, N, " + dim + "], got " + Arrays.toString(x.shape()));
        }
        if (keyBias != null) {
            throw new IllegalStateException("forwardAt does not take key padding");
        }
        DataType dt = x.dataType();
        long b = x.size(0);
        long n = x.size(1);
        long bh = b * heads;
        if (rows.length != b) {
            throw new IllegalArgumentException("query rows given for " + rows.length + " inputs but the batch has " + b);
        }
        int r = rows[0].length;
        INDArray heads4 = projectToHeads(x);
        // The queries at the rows of each input, for each of its heads: [B*H, R, hd].
        int[][] perHead = new int[(int) bh][];
        for (int i = 0; i < b; i++) {
            for (int h = 0; h < heads; h++) {
                perHead[i * heads + h] = rows[i];
            }
        }
        INDArray qAt = scratch.get(DP, dt, bh, r, headDim);
        TokenOps.gather(heads4.slice(0), perHead, qAt);
        INDArray scores = scratch.get(P, dt, bh, r, n);
        Gemm.bmm(qAt, heads4.slice(1), scores, false, true, scale, 0.0);
        softmaxLastDim(scores, scratch.get(ROWVEC, dt, bh * r));
        INDArray o = scratch.get(O, dt, bh, r, headDim);
        Gemm.bmm(scores, heads4.slice(2), o, false, false, 1.0, 0.0);
        INDArray cat = scratch.get(CAT, dt, b, r, dim);
        permuteHeads(o, cat, b, r, 1, false);
        probs = null; // this forward leaves nothing for backward
        return proj.forward(cat);
    }

    /** q, k and v of {@code x [B, N, D]} by head: {@code [3, B*H, N, hd]} (scratch). */
    private INDArray projectToHeads(INDArray x) {
        long b = x.size(0);
        long n = x.size(1);
        // [B, N, 3D] seen as [B, N, 3, H, hd] -> [3, B, H, N, hd]: one strided copy for q, k and v.
        INDArray rows = qkv.forward(x);
        INDArray heads5 = scratch.get(QKV, x.dataType(), 3, b, heads, n, headDim);
        permuteHeads(rows, heads5, b, n, 3, true);
        return heads5.reshape('c', 3, b * heads, n, headDim);
    }

    /**
     * Token rows {@code [B, N, parts, H, hd]} into heads {@code [parts, B, H, N, hd]}
     * ({@code toHeads}) or back: {@link Kernels#permuteHeads} where it applies, otherwise an
     * assign through a permuted view.
     */
    private void permuteHeads(INDArray src, INDArray dst, long b, long n, int parts, boolean toHeads) {
        if (Kernels.supports(src, dst)) {
            Kernels.permuteHeads(src, dst, b, n, parts, heads, toHeads);
            return;
        }
        INDArray tokens = (toHeads ? src : dst).reshape('c', b, n, parts, heads, headDim).permute(2, 0, 3, 1, 4);
        INDArray byHead = (toHeads ? dst : src).reshape('c', parts, b, heads, n, headDim);
        if (toHeads) {
            byHead.assign(tokens);
        } else {
            tokens.assign(byHead);
        }
    }

    /** In-place, numerically stable softmax over the last dim of a c-order [.., n, n] buffer. */
    private static void softmaxLastDim(INDArray s, INDArray rowVec) {
        long n = s.size(s.rank() - 1);
        INDArray s2 = s.reshape('c', s.length() / n, n);
        if (Kernels.supports(s2)) {
            Kernels.softmaxRows(s2, s2);
            return;
        }
        Nd4j.exec(new Max(s2, rowVec, 1));
        s2.subiColumnVector(rowVec);
        Transforms.exp(s2, false);
        s2.sum(rowVec, 1);
        s2.diviColumnVector(rowVec);
    }

    @Override
    public INDArray backward(INDArray gradOut) {
        if (probs == null) {
            throw new IllegalStateException("backward before forward");
        }
        if (gradOut.rank() != 3 || gradOut.size(0) != batch || gradOut.size(1) != tokens || gradOut.size(2) != dim) {
            throw new IllegalArgumentException("attention gradient must be [" + batch + ", " + tokens + ", " + dim
                    + "], got " + Arrays.toString(gradOut.shape()));
        }
        DataType dt = gradOut.dataType();
        long b = batch;
        long n = tokens;
        long bh = b * heads;

        INDArray dCat = proj.backward(gradOut);
        INDArray dO = scratch.get(O, dt, bh, n, headDim);
        permuteHeads(dCat, dO, b, n, 1, true);

        INDArray dHeads5 = scratch.get(DQKV, dt, 3, b, heads, n, headDim);
        INDArray dHeads4 = dHeads5.reshape('c', 3, bh, n, headDim);
        INDArray dq = dHeads4.slice(0);
        INDArray dk = dHeads4.slice(1);
        INDArray dv = dHeads4.slice(2);

        Gemm.bmm(probs, dO, dv, true, false, 1.0, 0.0);
        INDArray dP = scratch.get(DP, dt, bh, n, n);
        Gemm.bmm(dO, v, dP, false, true, 1.0, 0.0);

        // Softmax backward in place in dP: dS = P * (dP - sum(dP * P)).
        INDArray p2 = probs.reshape('c', bh * n, n);
        INDArray dP2 = dP.reshape('c', bh * n, n);
        if (Kernels.supports(p2, dP2)) {
            Kernels.softmaxRowsBackward(p2, dP2, dP2);
        } else {
            INDArray tmp = scratch.get(TMP, dt, bh * n, n);
            INDArray rowVec = scratch.get(ROWVEC, dt, bh * n);
            p2.mul(dP2, tmp);
            tmp.sum(rowVec, 1);
            dP2.subiColumnVector(rowVec).muli(p2);
        }

        // The 1/sqrt(hd) of the scores is folded into the GEMMs' alpha.
        Gemm.bmm(dP, k, dq, false, false, scale, 0.0);
        Gemm.bmm(dP, q, dk, true, false, scale, 0.0);

        // [3, B, H, N, hd] -> [B, N, 3, H, hd] = [B, N, 3D], the layout of the qkv output.
        INDArray dRows = scratch.get(DROWS, dt, b, n, 3L * dim);
        permuteHeads(dHeads5, dRows, b, n, 3, false);
        return qkv.backward(dRows);
    }
}
