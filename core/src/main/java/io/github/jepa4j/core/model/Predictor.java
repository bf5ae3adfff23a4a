package io.github.jepa4j.core.model;

import io.github.jepa4j.core.nn.Init;
import io.github.jepa4j.core.nn.KeyPadding;
import io.github.jepa4j.core.nn.LayerNorm;
import io.github.jepa4j.core.nn.Linear;
import io.github.jepa4j.core.nn.Param;
import io.github.jepa4j.core.nn.ParamStore;
import io.github.jepa4j.core.nn.PosEmbed;
import io.github.jepa4j.core.nn.TokenOps;
import io.github.jepa4j.core.nn.TransformerBlock;
import io.github.jepa4j.core.tensor.Scratch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The JEPA predictor (I-JEPA's {@code VisionTransformerPredictor}): predicts the target
 * encoder's representations at masked positions from the context tokens, in representation space.
 *
 * <pre>
 *   c = Linear(ctx) + pos[ctxIdx]                       [B, Kc, Dp]   (predictor_embed)
 *   for each target block m:                            (I-JEPA repeats the context per block)
 *     t_m = mask_token + pos[target_m]                  [B, Kt, Dp]
 *     z_m = [c ; t_m]                                   [B, Kc+Kt, Dp]
 *   z = blocks(concat_m z_m) -> LayerNorm               [M*B, Kc+Kt, Dp]
 *   out = Linear(z[:, Kc:, :])                          [M*B, Kt, De]  (predictor_proj)
 * </pre>
 * Output rows are block-major ({@code m*B + b}), as I-JEPA's {@code apply_masks} concatenates
 * target blocks. {@code pos} is the fixed sin-cos embedding of the full grid at width Dp. The
 * backward sums the M context copies' gradients and returns {@code d loss / d ctx}.
 */
public final class Predictor {
    private static final int CTX = 0, X0 = 1, POS_CTX = 2, POS_TGT = 3, TGT = 4, GH = 5, GCTX = 6, MASK_SUM = 7;

    private final PredictorConfig config;
    private final Linear embed;
    private final Param maskToken;
    private final INDArray pos;
    private final List<TransformerBlock> blocks = new ArrayList<>();
    private final LayerNorm norm;
    private final Linear proj;
    private final Scratch scratch = new Scratch(8);
    private long batch;
    private int blocksM;
    private long kc;
    private long kt;

    public Predictor(PredictorConfig config, ParamStore store, String prefix) {
        this.config = config;
        this.embed = new Linear(store, prefix + "predictor_embed", config.encoderDim(), config.dim(), true);
        this.maskToken = store.add(prefix + "mask_token", new long[] {config.dim()}, true, Init.truncNormal(0.02));
        this.pos = (config.gridT() > 1
                ? PosEmbed.sinCos3d(config.dim(), config.gridT(), config.gridH(), config.gridW(), store.dtype())
                : PosEmbed.sinCos2d(config.dim(), config.gridH(), config.gridW(), store.dtype()))
                .reshape('c', 1, config.numTokens(), config.dim());
        for (int i = 0; i < config.depth(); i++) {
            blocks.add(new TransformerBlock(store, prefix + "predictor_blocks." + i, config.dim(), config.heads(),
                    config.mlpHidden(), config.lnEps()));
        }
        this.norm = new LayerNorm(store, prefix + "predictor_norm", config.dim(), config.lnEps(), true);
        this.proj = new Linear(store, prefix + "predictor_proj", config.dim(), config.encoderDim(), true);
    }

    public PredictorConfig config() {
        return config;
    }

    /**
     * Predicts target-encoder features for each target block.
     *
     * @param ctx     context-encoder output {@code [B, Kc, De]}
     * @param ctxIdx  token index of each context token, {@code [B][Kc]}
     * @param targets per target block, the token indices to predict, {@code [M][B][Kt]}
     * @return predictions {@code [M*B, Kt, De]}, block-major, owned by the predictor
     */
    public INDArray forward(INDArray ctx, int[][] ctxIdx, int[][][] targets) {
        return forward(ctx, ctxIdx, null, targets);
    }

    /**
     * As {@link #forward(INDArray, int[][], int[][][])} for ragged contexts: only the first
     * {@code ctxLengths[b]} of input b's {@code Kc} context tokens are real ({@code null}: all). The
     * rest is padding that no token attends to, so each prediction equals that made from the input's
     * real context alone, and the gradient returned for padding is 0.
     */
    public INDArray forward(INDArray ctx, int[][] ctxIdx, int[] ctxLengths, int[][][] targets) {
        validate(ctx, ctxIdx, targets);
        var dt = ctx.dataType();
        int d = config.dim();
        batch = ctx.size(0);
        kc = ctx.size(1);
        blocksM = targets.length;
        kt = targets[0][0].length;
        long rows = blocksM * batch;

        INDArray e = embed.forward(ctx);
        INDArray posCtx = scratch.get(POS_CTX, dt, 1, batch * kc, d);
        TokenOps.gather(pos, new int[][] {flatten(ctxIdx)}, posCtx);
        INDArray c = scratch.get(CTX, dt, batch, kc, d);
        c.assign(e).addi(posCtx.reshape('c', batch, kc, d));

        INDArray x0 = scratch.get(X0, dt, rows, kc + kt, d);
        for (int m = 0; m < blocksM; m++) {
            x0.get(rowsOf(m), NDArrayIndex.interval(0, kc), NDArrayIndex.all()).assign(c);
        }
        INDArray posTgt = scratch.get(POS_TGT, dt, 1, rows * kt, d);
        TokenOps.gather(pos, new int[][] {flatten(targets)}, posTgt);
        INDArray t = posTgt.reshape('c', rows * kt, d).addiRowVector(maskToken.value());
        x0.get(NDArrayIndex.all(), NDArrayIndex.interval(kc, kc + kt), NDArrayIndex.all())
                .assign(t.reshape('c', rows, kt, d));

        INDArray bias = ctxLengths == null ? null
                : KeyPadding.bias(ctxLengths, (int) batch, blocksM, (int) (kc + kt), (int) kc, dt);
        INDArray h = x0;
        for (TransformerBlock blk : blocks) {
            blk.setKeyBias(bias);
            h = blk.forward(h);
        }
        h = norm.forward(h);
        INDArray tgt = scratch.get(TGT, dt, rows, kt, d);
        tgt.assign(h.get(NDArrayIndex.all(), NDArrayIndex.interval(kc, kc + kt), NDArrayIndex.all()));
        return proj.forward(tgt);
    }

    /** Accumulates parameter gradients; returns {@code d loss / d ctx} {@code [B, Kc, De]} (owned). */
    public INDArray backward(INDArray gradOut) {
        var dt = gradOut.dataType();
        int d = config.dim();
        long rows = blocksM * batch;
        INDArray gt = proj.backward(gradOut);
        INDArray gh = scratch.zeros(GH, dt, rows, kc + kt, d);
        gh.get(NDArrayIndex.all(), NDArrayIndex.interval(kc, kc + kt), NDArrayIndex.all()).assign(gt);
        INDArray g = norm.backward(gh);
        for (int i = blocks.size() - 1; i >= 0; i--) {
            g = blocks.get(i).backward(g);
        }
        INDArray maskSum = scratch.get(MASK_SUM, dt, d);
        g.get(NDArrayIndex.all(), NDArrayIndex.interval(kc, kc + kt), NDArrayIndex.all()).sum(maskSum, 0, 1);
        maskToken.grad().addi(maskSum);
        INDArray gc = scratch.get(GCTX, dt, batch, kc, d);
        for (int m = 0; m < blocksM; m++) {
            INDArray part = g.get(rowsOf(m), NDArrayIndex.interval(0, kc), NDArrayIndex.all());
            if (m == 0) {
                gc.assign(part);
            } else {
                gc.addi(part);
            }
        }
        return embed.backward(gc);
    }

    private INDArrayIndex rowsOf(int m) {
        return NDArrayIndex.interval(m * batch, (m + 1) * batch);
    }

    private void validate(INDArray ctx, int[][] ctxIdx, int[][][] targets) {
        if (ctx.rank() != 3 || ctx.size(2) != config.encoderDim()) {
            throw new IllegalArgumentException("predictor expects context tokens [B, Kc, " + config.encoderDim() + "], got "
                    + Arrays.toString(ctx.shape()));
        }
        if (ctxIdx.length != ctx.size(0)) {
            throw new IllegalArgumentException("context indices are given for " + ctxIdx.length + " inputs but the batch has " + ctx.size(0));
        }
        for (int[] row : ctxIdx) {
            if (row.length != ctx.size(1)) {
                throw new IllegalArgumentException("context indices have " + row.length + " entries per input but there are "
                        + ctx.size(1) + " context tokens");
            }
        }
        if (targets == null || targets.length == 0) {
            throw new IllegalArgumentException("empty target set: the predictor needs at least one target block");
        }
        int k = -1;
        for (int m = 0; m < targets.length; m++) {
            if (targets[m].length != ctx.size(0)) {
                throw new IllegalArgumentException("target block " + m + " has indices for " + targets[m].length
                        + " inputs but the batch has " + ctx.size(0));
            }
            for (int[] row : targets[m]) {
                if (row.length == 0) {
                    throw new IllegalArgumentException("empty target set: target block " + m + " has no tokens");
                }
                if (k >= 0 && row.length != k) {
                    throw new IllegalArgumentException("target blocks must have equal token counts across the batch and blocks, got "
                            + k + " and " + row.length + " (block " + m + ")");
                }
                k = row.length;
            }
        }
    }

    private static int[] flatten(int[][] idx) {
        int n = 0;
        for (int[] r : idx) {
            n += r.length;
        }
        int[] out = new int[n];
        int o = 0;
        for (int[] r : idx) {
            System.arraycopy(r, 0, out, o, r.length);
            o += r.length;
        }
        return out;
    }

    private static int[] flatten(int[][][] idx) {
        int n = 0;
        for (int[][] b : idx) {
            for (int[] r : b) {
                n += r.length;
            }
        }
        int[] out = new int[n];
        int o = 0;
        for (int[][] b : idx) {
            for (int[] r : b) {
                System.arraycopy(r, 0, out, o, r.length);
                o += r.length;
            }
        }
        return out;
    }
}
