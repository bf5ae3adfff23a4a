package io.github.jepa4j.benchmarks.speed;

import io.github.jepa4j.core.model.PredictorConfig;
import io.github.jepa4j.core.model.VitConfig;
import io.github.jepa4j.core.task.MaskedBatch;
import io.github.jepa4j.core.task.MaskedJepaTask;

/**
 * Analytic FLOP count (2 per multiply-add) of the matrix products of one masked-JEPA training step.
 *
 * <p>Per transformer block over {@code B} inputs of {@code N} tokens of width {@code D} and MLP
 * width {@code H}: {@code 2 B N (3D^2 + D^2 + 2 D H)} for the qkv, output and MLP projections plus
 * {@code 4 B N^2 D} for the attention products {@code QK^T} and {@code PV}. Patch embedding:
 * {@code 2 B N (C t p^2) D}. The predictor adds its input embedding ({@code B Kc De Dp}) and
 * output projection ({@code M B Kt Dp De}); its blocks see {@code M B} sequences of
 * {@code Kc + Kt} tokens. A step = target forward (all {@code N} tokens, forward only: 1x) +
 * context encoder on the {@code Kc} kept tokens and predictor, forward and backward (3x: the
 * backward of a product costs two products, input and weight gradients), except the context
 * patch embedding whose backward has no input gradient (2x). Element-wise work (softmax,
 * LayerNorm, GELU, AdamW, EMA) is not counted.
 *
 * <p>With the batch in halves and the target's last block at the target tokens only
 * ({@code MaskedJepaTask.targetRowsOnly}), that block is counted as run: its qkv projection over all
 * {@code N} tokens, its attention, output projection and MLP over the {@code R} rows of each half
 * (the longest union of an input's target blocks in the half, as the task pads them).
 */
public final class StepFlops {
    private StepFlops() {}

    /** FLOPs of one training step with this batch's masks, the target's blocks on all tokens. */
    public static double step(VitConfig enc, PredictorConfig pred, MaskedBatch b) {
        return step(enc, pred, b, false);
    }

    /**
     * FLOPs of one training step with this batch's masks; {@code targetRowsOnly}: a batch of two or
     * more runs in halves whose target runs its last block at the target tokens only.
     */
    public static double step(VitConfig enc, PredictorConfig pred, MaskedBatch b, boolean targetRowsOnly) {
        long bs = b.batchSize();
        int m = b.targetBlocks().length;
        long kc = b.contextIdx()[0].length;
        long kt = b.targetBlocks()[0][0].length;
        long n = enc.numTokens();
        double patch = patchEmbed(enc, bs);
        double target = blocks(enc.dim(), enc.mlpHidden(), enc.depth(), bs, n) + patch;
        if (targetRowsOnly && bs >= 2) {
            int half = MaskedJepaTask.firstHalf((int) bs);
            target = patch + blocks(enc.dim(), enc.mlpHidden(), enc.depth() - 1, bs, n)
                    + lastBlockAt(enc.dim(), enc.mlpHidden(), half, n, longestUnion(b.targetBlocks(), 0, half))
                    + lastBlockAt(enc.dim(), enc.mlpHidden(), bs - half, n, longestUnion(b.targetBlocks(), half, (int) bs));
        }
        double context = blocks(enc.dim(), enc.mlpHidden(), enc.depth(), bs, kc);
        double predictor = blocks(pred.dim(), pred.mlpHidden(), pred.depth(), (long) m * bs, kc + kt)
                + 2.0 * bs * kc * enc.dim() * pred.dim() + 2.0 * m * bs * kt * pred.dim() * enc.dim();
        return target + 3 * (context + predictor) + 2 * patch;
    }

    /** Patch (tubelet) embedding of all tokens of {@code b} inputs. */
    public static double patchEmbed(VitConfig enc, long b) {
        long in = (long) enc.channels() * enc.tubelet() * enc.patch() * enc.patch();
        return 2.0 * b * enc.numTokens() * in * enc.dim();
    }

    /** A block over {@code b} sequences of {@code n} tokens whose output is needed at {@code r} of them. */
    public static double lastBlockAt(long d, long hidden, long b, long n, long r) {
        return 2.0 * b * n * 3 * d * d + 2.0 * b * r * (d * d + 2 * d * hidden) + 4.0 * b * r * n * d;
    }

    /** The largest number of distinct target tokens of one input among inputs [from, to): the rows the task pads to. */
    static int longestUnion(int[][][] blocks, int from, int to) {
        return MaskedJepaTask.TargetRows.of(MaskedJepaTask.blocksOf(blocks, from, to)).rows()[0].length;
    }

    /** {@code depth} pre-norm transformer blocks over {@code b} sequences of {@code n} tokens. */
    public static double blocks(long d, long hidden, int depth, long b, long n) {
        double rows = (double) b * n;
        double linear = 2 * rows * (3 * d * d + d * d + 2 * d * hidden);
        double attention = 4.0 * b * n * n * d;
        return depth * (linear + attention);
    }
}
