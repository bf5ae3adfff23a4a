package io.github.jepa4j.core.model;

import io.github.jepa4j.core.nn.Param;
import io.github.jepa4j.core.nn.ParamStore;
import java.util.Arrays;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Exports a {@link VisionTransformer} as an ND4J {@link SameDiff} graph computing the same
 * function from copies of its current weights, so a trained encoder can be run, saved
 * ({@code sd.save(file, true)}), loaded ({@code SameDiff.load}) or fine-tuned with DL4J's own
 * tools. The graph is also an independent (autodiff) oracle for the encoder's hand-written
 * backward.
 *
 * <p>Graph, with {@code L = C * tt * p * p} and the encoder's {@code N}, {@code D}, {@code H}
 * heads of size {@code hd}:
 * <pre>
 *   input   placeholder [B, C, H, W] (image) or [B, C, T, H, W] (video), B free
 *   patches reshape [B, C, gt, tt, gh, p, gw, p], permute to [B, gt, gh, gw, C, tt, p, p],
 *           reshape [B*N, L]                      (im2col; patches do not overlap)
 *   tokens  patches W_pe^T + b_pe, reshape [B, N, D], + pos (constant "pos_embed" [N, D])
 *   block   h = x + proj(attn(LN1(x))),  y = h + fc2(GELU(fc1(LN2(h))))
 *   attn    [q|k|v] = x W_qkv^T + b_qkv  reshaped [B, N, 3, H, hd], permuted to [3, B, H, N, hd];
 *           softmax(q k^T / sqrt(hd)) v, permuted back to [B, N, D]
 *   output  LN(h) reshaped [B, N, D]  (all tokens: the export has no masking)
 * </pre>
 * LayerNorm is composed as {@code (x - mean) / sqrt(var + eps) * gamma + beta} because
 * {@code sd.nn().layerNorm} has no epsilon; GELU is composed exactly as
 * {@code 0.5 x (1 + erf(x / sqrt 2))} because SameDiff's {@code gelu} (sigmoid) and
 * {@code preciseGelu} (tanh) are approximations.
 *
 * <p>Trainable variables carry the encoder's timm parameter names without its store prefix
 * ({@code patch_embed.proj.weight}, {@code blocks.0.attn.qkv.weight}, ..., {@code norm.bias}) and
 * the same shapes, so {@code sd.getVariable(name).getArr()} maps one-to-one to the store.
 * Intermediates named for inspection: {@code tokens} and {@code blocks.i.out}. Variables have
 * the store's data type; the input must have it too.
 */
public final class SameDiffExport {
    /** Name of the input placeholder. */
    public static final String INPUT = "input";
    /** Name of the output variable, {@code [B, N, D]}. */
    public static final String OUTPUT = "output";
    /** Name of the fixed position-embedding constant, {@code [N, D]}. */
    public static final String POS_EMBED = "pos_embed";

    private static final String PATCH_WEIGHT = "patch_embed.proj.weight";

    private SameDiffExport() {}

    /**
     * Builds the graph from the parameters of {@code encoder}, which live in {@code store} (the
     * store the encoder was built with, allocated; for a JEPA run usually the EMA target's).
     *
     * @throws IllegalArgumentException if the encoder's parameters are not in {@code store}
     */
    public static SameDiff toSameDiff(VisionTransformer encoder, ParamStore store) {
        if (encoder == null || store == null) {
            throw new IllegalArgumentException("toSameDiff needs an encoder and its parameter store, got encoder=" + encoder
                    + " store=" + store);
        }
        if (!store.isAllocated()) {
            throw new IllegalArgumentException("the parameter store is not allocated: call allocate() before exporting");
        }
        Param patchWeight = encoder.patchEmbed().weight();
        String full = patchWeight.name();
        if (!full.endsWith(PATCH_WEIGHT)) {
            throw new IllegalArgumentException("unexpected patch-embedding parameter name '" + full + "'");
        }
        String prefix = full.substring(0, full.length() - PATCH_WEIGHT.length());
        if (!store.list().contains(patchWeight)) {
            throw new IllegalArgumentException("the encoder's parameters (prefix '" + prefix + "') are not in the given store");
        }
        return new Builder(encoder.config(), store, prefix, encoder.positionEmbedding()).build();
    }

    /** Builds one graph; holds the SameDiff instance and the naming context. */
    private static final class Builder {
        private final VitConfig cfg;
        private final ParamStore store;
        private final String prefix;
        private final INDArray pos;
        private final SameDiff sd = SameDiff.create();
        private final DataType dt;

        Builder(VitConfig cfg, ParamStore store, String prefix, INDArray pos) {
            this.cfg = cfg;
            this.store = store;
            this.prefix = prefix;
            this.pos = pos;
            this.dt = store.dtype();
        }

        SameDiff build() {
            int n = cfg.numTokens();
            int d = cfg.dim();
            SDVariable in = cfg.isVideo()
                    ? sd.placeHolder(INPUT, dt, -1, cfg.channels(), cfg.frames(), cfg.height(), cfg.width())
                    : sd.placeHolder(INPUT, dt, -1, cfg.channels(), cfg.height(), cfg.width());
            // Images are videos with T = tt = 1: one im2col for both.
            int c = cfg.channels(), gt = cfg.gridT(), tt = cfg.tubelet(), gh = cfg.gridH(), gw = cfg.gridW(), p = cfg.patch();
            long patchLen = (long) c * tt * p * p;
            SDVariable cols = in.reshape(-1, c, gt, tt, gh, p, gw, p)
                    .permute(0, 2, 4, 6, 1, 3, 5, 7)
                    .reshape(-1, patchLen);
            SDVariable w = var(PATCH_WEIGHT).reshape(d, patchLen);
            SDVariable emb = sd.mmul(cols, w, false, true, false).add(var("patch_embed.proj.bias"));
            SDVariable posC = sd.constant(POS_EMBED, pos.dup('c'));
            SDVariable h = sd.identity("tokens", emb.reshape(-1, n, d).add(posC));
            for (int i = 0; i < cfg.depth(); i++) {
                h = sd.identity("blocks." + i + ".out", block("blocks." + i + ".", h));
            }
            sd.reshape(OUTPUT, layerNorm("norm.", h.reshape(-1, (long) d)), -1, n, d);
            return sd;
        }

        /** Pre-norm transformer block on {@code x [B, N, D]}. */
        private SDVariable block(String name, SDVariable x) {
            int n = cfg.numTokens(), d = cfg.dim();
            SDVariable rows = x.reshape(-1, (long) d);
            SDVariable h = rows.add(attention(name + "attn.", layerNorm(name + "norm1.", rows)));
            SDVariable m = linear(name + "mlp.fc2.", gelu(linear(name + "mlp.fc1.", layerNorm(name + "norm2.", h))));
            return h.add(m).reshape(-1, n, d);
        }

        /** Multi-head self-attention on token rows {@code [B*N, D]}, returning rows. */
        private SDVariable attention(String name, SDVariable rows) {
            int n = cfg.numTokens(), d = cfg.dim(), heads = cfg.heads(), hd = d / heads;
            SDVariable qkv = linear(name + "qkv.", rows)
                    .reshape(-1, n, 3, heads, hd)
                    .permute(2, 0, 3, 1, 4);             // [3, B, H, N, hd]
            SDVariable[] parts = sd.unstack(qkv, 0, 3);
            SDVariable scores = sd.mmul(parts[0], parts[1], false, true, false).mul(1.0 / Math.sqrt(hd));
            SDVariable probs = sd.nn().softmax(scores, -1);
            SDVariable o = sd.mmul(probs, parts[2]);    // [B, H, N, hd]
            SDVariable cat = o.permute(0, 2, 1, 3).reshape(-1, (long) d);
            return linear(name + "proj.", cat);
        }

        /** {@code x W^T + b} on rows. */
        private SDVariable linear(String name, SDVariable rows) {
            return sd.mmul(rows, var(name + "weight"), false, true, false).add(var(name + "bias"));
        }

        /** Row-wise LayerNorm with the encoder's eps (biased variance, eps inside the root). */
        private SDVariable layerNorm(String name, SDVariable rows) {
            SDVariable centred = rows.sub(rows.mean(true, 1));
            SDVariable var = sd.math().square(centred).mean(true, 1);
            SDVariable xhat = centred.mul(sd.math().rsqrt(var.add(cfg.lnEps())));
            return xhat.mul(var(name + "weight")).add(var(name + "bias"));
        }

        /** Exact GELU {@code 0.5 x (1 + erf(x / sqrt 2))}. */
        private SDVariable gelu(SDVariable x) {
            return x.mul(sd.math().erf(x.mul(1.0 / Math.sqrt(2.0))).add(1.0)).mul(0.5);
        }

        /** A trainable variable initialised with a copy of the store's parameter {@code prefix + name}. */
        private SDVariable var(String name) {
            Param p = store.get(prefix + name);
            INDArray value = p.value().dup('c');
            if (!Arrays.equals(value.shape(), p.shape())) {
                throw new IllegalStateException("parameter " + p + " has a value of shape " + Arrays.toString(value.shape()));
            }
            return sd.var(name, value);
        }
    }
}
