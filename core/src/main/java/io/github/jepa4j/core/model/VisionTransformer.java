package io.github.jepa4j.core.model;

import io.github.jepa4j.core.nn.KeyPadding;
import io.github.jepa4j.core.nn.Layer;
import io.github.jepa4j.core.nn.LayerNorm;
import io.github.jepa4j.core.nn.ParamStore;
import io.github.jepa4j.core.nn.PatchEmbed;
import io.github.jepa4j.core.nn.PosEmbed;
import io.github.jepa4j.core.nn.TokenGather;
import io.github.jepa4j.core.nn.TransformerBlock;
import io.github.jepa4j.core.tensor.Scratch;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The JEPA encoder: a ViT over patch (or tubelet) tokens with fixed sin-cos position embeddings.
 *
 * <pre>
 *   tokens = PatchEmbed(x) + pos          x [B, C, H, W] or [B, C, T, H, W]  -> [B, N, D]
 *   tokens = tokens[b, keep[b, :]]        optional: the context encoder sees only kept tokens
 *   h      = blocks(tokens)               pre-norm transformer blocks
 *   out    = LayerNorm(h)                 [B, K, D]
 * </pre>
 * Masking after the position embedding, as I-JEPA's {@code apply_masks}, so each kept token
 * carries its true position. Parameter names follow timm ({@code patch_embed.proj.weight},
 * {@code blocks.3.attn.qkv.weight}, {@code norm.weight}), so weights map one-to-one to PyTorch
 * checkpoints. {@link #backward} accumulates parameter gradients only (images need none).
 */
public final class VisionTransformer implements Layer {
    private static final int TOKENS = 0;

    private final VitConfig config;
    private final PatchEmbed patchEmbed;
    private final INDArray pos;
    private final TokenGather gather = new TokenGather();
    private final List<TransformerBlock> blocks = new ArrayList<>();
    private final LayerNorm norm;
    private final Scratch scratch = new Scratch(1);
    private boolean masked;

    /** Registers parameters under {@code prefix} (e.g. "" or "encoder.") in {@code store}. */
    public VisionTransformer(VitConfig config, ParamStore store, String prefix) {
        this.config = config;
        this.patchEmbed = config.isVideo()
                ? PatchEmbed.video(store, prefix + "patch_embed", config.channels(), config.tubelet(), config.patch(), config.dim())
                : PatchEmbed.image(store, prefix + "patch_embed", config.channels(), config.patch(), config.dim());
        patchEmbed.setInputGradient(false);
        this.pos = (config.isVideo()
                ? PosEmbed.sinCos3d(config.dim(), config.gridT(), config.gridH(), config.gridW(), store.dtype())
                : PosEmbed.sinCos2d(config.dim(), config.gridH(), config.gridW(), store.dtype()))
                .reshape('c', 1, (long) config.numTokens() * config.dim());
        for (int i = 0; i < config.depth(); i++) {
            blocks.add(new TransformerBlock(store, prefix + "blocks." + i, config.dim(), config.heads(),
                    config.mlpHidden(), config.lnEps()));
        }
        this.norm = new LayerNorm(store, prefix + "norm", config.dim(), config.lnEps(), true);
    }

    public VitConfig config() {
        return config;
    }

    public List<TransformerBlock> blocks() {
        return Collections.unmodifiableList(blocks);
    }

    public PatchEmbed patchEmbed() {
        return patchEmbed;
    }

    public LayerNorm norm() {
        return norm;
    }

    /** The fixed position embedding, [N, D]. */
    public INDArray positionEmbedding() {
        return pos.reshape('c', config.numTokens(), config.dim());
    }

    /** All tokens: {@code [B, N, D]}. */
    @Override
    public INDArray forward(INDArray x) {
        return forward(x, null);
    }

    /**
     * Encodes only the tokens {@code keep[b]} of each input ({@code null}: all tokens). Rows of
     * {@code keep} must have equal length K; the result is {@code [B, K, D]}, owned by the encoder.
     */
    public INDArray forward(INDArray x, int[][] keep) {
        return forward(x, keep, null);
    }

    /**
     * Encodes the tokens {@code keep[b]} of each input, of which only the first {@code lengths[b]}
     * are real (ragged contexts, {@code null}: all): the rest is padding that no real token attends
     * to (attention key padding), so each real token's output equals that of encoding its input alone.
     * Padding outputs are defined but meaningless; their gradient must be 0 in {@link #backward}.
     */
    public INDArray forward(INDArray x, int[][] keep, int[] lengths) {
        if (lengths != null && keep == null) {
            throw new IllegalArgumentException("token lengths need keep indices");
        }
        if (x.rank() >= 1 && keep != null && keep.length != x.size(0)) {
            throw new IllegalArgumentException("keep indices are given for " + keep.length + " inputs but the batch has " + x.size(0));
        }
        INDArray tokens = embed(x);
        long b = tokens.size(0);
        INDArray h = tokens;
        masked = keep != null;
        if (masked) {
            h = gather.setIndices(keep).forward(tokens);
        }
        int k = (int) h.size(1);
        INDArray bias = lengths == null ? null : KeyPadding.bias(lengths, (int) b, 1, k, k, h.dataType());
        for (TransformerBlock blk : blocks) {
            blk.setKeyBias(bias);
            h = blk.forward(h);
        }
        return norm.forward(h);
    }

    /**
     * All tokens encoded, the output returned at some of them only: {@code [B, R, D]} (owned), row
     * {@code r} of input {@code b} being token {@code rows[b][r]} of {@link #forward(INDArray)}'s
     * output (indices may repeat, e.g. to pad inputs to one R). The last block computes its
     * queries, projection and MLP at those rows alone: for the EMA target of I-JEPA, whose output is
     * read at the target blocks only. No backward follows it.
     */
    public INDArray forwardAt(INDArray x, int[][] rows) {
        INDArray h = embed(x);
        if (rows.length != h.size(0)) {
            throw new IllegalArgumentException("output rows given for " + rows.length + " inputs but the batch has " + h.size(0));
        }
        masked = false;
        int last = blocks.size() - 1;
        for (int i = 0; i < last; i++) {
            blocks.get(i).setKeyBias(null);
            h = blocks.get(i).forward(h);
        }
        blocks.get(last).setKeyBias(null);
        return norm.forward(blocks.get(last).forwardAt(h, rows));
    }

    /** Patch embedding plus position embedding of all tokens: {@code [B, N, D]} (owned). */
    private INDArray embed(INDArray x) {
        INDArray emb = patchEmbed.forward(x);
        if (emb.size(1) != config.numTokens()) {
            throw new IllegalArgumentException("input " + java.util.Arrays.toString(x.shape()) + " gives " + emb.size(1)
                    + " tokens but the encoder was built for " + config.numTokens() + " (" + config + ")");
        }
        long b = emb.size(0);
        long flat = (long) config.numTokens() * config.dim();
        INDArray tokens = scratch.get(TOKENS, emb.dataType(), b, config.numTokens(), config.dim());
        tokens.reshape('c', b, flat).assign(emb.reshape('c', b, flat)).addiRowVector(pos);
        return tokens;
    }

    /** Accumulates parameter gradients from {@code d loss / d out}; returns null (no input gradient). */
    @Override
    public INDArray backward(INDArray gradOut) {
        INDArray g = norm.backward(gradOut);
        for (int i = blocks.size() - 1; i >= 0; i--) {
            g = blocks.get(i).backward(g);
        }
        if (masked) {
            g = gather.backward(g);
        }
        // The position embedding is fixed: the token gradient flows to the patch embedding as is.
        patchEmbed.backward(g);
        return null;
    }

    /**
     * This encoder as a SameDiff graph over copies of its current weights, {@code store} being the
     * store it was built with; see {@link SameDiffExport#toSameDiff}.
     */
    public org.nd4j.autodiff.samediff.SameDiff toSameDiff(ParamStore store) {
        return SameDiffExport.toSameDiff(this, store);
    }
}
