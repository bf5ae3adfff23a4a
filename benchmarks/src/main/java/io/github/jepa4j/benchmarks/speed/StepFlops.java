package io.github.jepa4j.benchmarks.speed;

import io.github.jepa4j.core.model.PredictorConfig;
import io.github.jepa4j.core.model.VitConfig;
import io.github.jepa4j.core.task.MaskedBatch;

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
 */
public final class StepFlops {
    private StepFlops() {}

    /** FLOPs of one training step with this batch's masks. */
    public static double step(VitConfig enc, PredictorConfig pred, MaskedBatch b) {
        long bs = b.batchSize();
        int m = b.targetBlocks().length;
        long kc = b.contextIdx()[0].length;
        long kt = b.targetBlocks()[0][0].length;
        long n = enc.numTokens();
        double patch = patchEmbed(enc, bs);
        double target = blocks(enc.dim(), enc.mlpHidden(), enc.depth(), bs, n) + patch;
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

    /** {@code depth} pre-norm transformer blocks over {@code b} sequences of {@code n} tokens. */
    public static double blocks(long d, long hidden, int depth, long b, long n) {
        double rows = (double) b * n;
        double linear = 2 * rows * (3 * d * d + d * d + 2 * d * hidden);
        double attention = 4.0 * b * n * n * d;
        return depth * (linear + attention);
    }
}
