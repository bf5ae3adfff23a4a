package io.github.jepa4j.world.model;

import io.github.jepa4j.core.model.VisionTransformer;
import io.github.jepa4j.core.model.VitConfig;
import io.github.jepa4j.core.nn.LayerNorm;
import io.github.jepa4j.core.nn.ParamStore;
import io.github.jepa4j.core.tensor.Scratch;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The world model's state embedding: a (frozen) jepa4j ViT's final tokens, mean-pooled and
 * layer-normed without affine parameters.
 *
 * <pre>
 *   z = LN(mean_n ViT(x)[:, n, :])          x [B, C, H, W] -> z [B, D]
 * </pre>
 * The pooled vector is the embedding the encoder was pretrained on (a joint-embedding objective
 * on pooled tokens, see {@link EncoderPretraining}); the final LayerNorm (eps 1e-6) gives the
 * layer-normed targets the predictor is trained against (as V-JEPA 2-AC normalises its target
 * tokens). One pooled vector per frame keeps the latent small ({@code D}), which keeps planning
 * cheap. {@link #backward} (parameter gradients only) serves joint training of encoder and
 * predictor ({@link JointWorldModelTask}); for planning the encoder is frozen.
 */
public final class StateEncoder {
    private static final int POOLED = 0, GRAD_TOKENS = 1;

    private final VitConfig config;
    private final ParamStore store;
    private final VisionTransformer vit;
    private final LayerNorm norm;
    private final Scratch scratch = new Scratch(2);

    /** Wraps an existing encoder (e.g. the one a pretraining task trained) and its store. */
    public StateEncoder(VisionTransformer vit, ParamStore store) {
        this.vit = vit;
        this.store = store;
        this.config = vit.config();
        this.norm = LayerNorm.plain(config.dim(), 1e-6);
    }

    /** A fresh encoder with parameters in its own store under {@code encoder.}, initialised from {@code seed}. */
    public static StateEncoder create(VitConfig config, DataType dtype, long seed) {
        ParamStore s = new ParamStore(dtype);
        VisionTransformer v = new VisionTransformer(config, s, "encoder.");
        s.allocate(seed);
        return new StateEncoder(v, s);
    }

    public VitConfig config() {
        return config;
    }

    public ParamStore store() {
        return store;
    }

    public VisionTransformer vit() {
        return vit;
    }

    public int latentDim() {
        return config.dim();
    }

    /** {@code [B, C, H, W] -> [B, D]}; the result is owned by the encoder (valid until the next call). */
    public INDArray encode(INDArray frames) {
        if (frames.rank() != 4 || frames.size(1) != config.channels() || frames.size(2) != config.height()
                || frames.size(3) != config.width()) {
            throw new IllegalArgumentException("frames must be [B, " + config.channels() + ", " + config.height() + ", "
                    + config.width() + "], got " + Arrays.toString(frames.shape()));
        }
        INDArray x = frames.dataType() == store.dtype() ? frames : frames.castTo(store.dtype());
        INDArray tokens = vit.forward(x);
        INDArray pooled = scratch.get(POOLED, store.dtype(), frames.size(0), config.dim());
        tokens.mean(pooled, 1);
        return norm.forward(pooled);
    }

    /**
     * Accumulates the encoder's parameter gradients from {@code dL/dz [B, D]} of the last
     * {@link #encode}: through the LayerNorm, the mean pooling (each token gets {@code 1/N} of it)
     * and the ViT.
     */
    public void backward(INDArray gradZ) {
        INDArray gp = norm.backward(gradZ);
        long b = gp.size(0);
        int n = config.numTokens();
        INDArray gt = scratch.get(GRAD_TOKENS, gp.dataType(), b, n, config.dim());
        gt.assign(0);
        org.nd4j.linalg.factory.Nd4j.exec(new org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp(gt, gp, gt, 0, 2));
        gt.divi(n);
        vit.backward(gt);
    }

    /** Encodes {@code frames} in chunks of {@code chunk} into a new array {@code [B, D]} (for datasets). */
    public INDArray encodeAll(INDArray frames, int chunk) {
        long n = frames.size(0);
        INDArray out = org.nd4j.linalg.factory.Nd4j.create(store.dtype(), n, config.dim());
        for (long i = 0; i < n; i += chunk) {
            long j = Math.min(n, i + chunk);
            INDArray part = frames.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(i, j));
            out.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(i, j), org.nd4j.linalg.indexing.NDArrayIndex.all())
                    .assign(encode(part.dup('c')));
        }
        return out;
    }
}
