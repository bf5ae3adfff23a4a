package io.github.jepa4j.world.model;

import io.github.jepa4j.core.nn.Gelu;
import io.github.jepa4j.core.nn.LayerNorm;
import io.github.jepa4j.core.nn.Linear;
import io.github.jepa4j.core.nn.ParamStore;
import io.github.jepa4j.core.tensor.Scratch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The per-frame MLP variant of the action-conditioned predictor.
 *
 * <pre>
 *   h_1 = GELU(W_z z + W_a a + b_1)            = GELU(fc1([z, a])), fc1 split by input block
 *   h_i = GELU(fc_i(h_{i-1}))                  i = 2..depth
 *   z'  = LN(z + fc_out(h_depth))              residual; LN without affine (optional)
 * </pre>
 * Shapes: {@code z [B, d]}, {@code a [B, A]}, hidden width {@code h}. Splitting the first layer
 * into {@code W_z} and {@code W_a} is the same map as a linear layer on the concatenation
 * {@code [z, embed(a)]} (a linear action embedding folds into {@code W_a}) without copying into a
 * concatenated buffer. Predicting a residual keeps the identity easy (actions move the agent a
 * little); the optional output LayerNorm (joint training, whose targets are layer-normed; off for
 * the standardised latent of a frozen encoder) keeps predictions on the layer-normed manifold of the target
 * embeddings, so a multi-step rollout feeds the predictor inputs like those it was trained on.
 *
 * <p>Parameters under {@code prefix}: {@code fc_z.weight/bias [h, d]}, {@code fc_a.weight [h, A]},
 * {@code fc{i}.weight/bias [h, h]}, {@code fc_out.weight/bias [d, h]}; truncated-normal 0.02
 * weights as core's {@link Linear}, so the untrained predictor is close to the identity.
 */
public final class MlpActionPredictor implements ActionPredictor {
    private static final int SUM = 0, DZ = 1, GRES = 2;

    private final int latentDim;
    private final int actionDim;
    private final Linear fcZ;
    private final Linear fcA;
    private final List<Linear> hidden = new ArrayList<>();
    private final List<Gelu> acts = new ArrayList<>();
    private final Linear fcOut;
    private final LayerNorm outNorm;
    private final Scratch scratch = new Scratch(3);
    private INDArray z;
    private INDArray da;

    /**
     * @param latentDim embedding width d
     * @param actionDim action width A
     * @param hiddenDim hidden width h
     * @param depth     number of hidden (GELU) layers, >= 1
     * @param normalizeOutput whether the output is layer-normed (eps 1e-6)
     */
    public MlpActionPredictor(ParamStore store, String prefix, int latentDim, int actionDim, int hiddenDim, int depth,
                              boolean normalizeOutput) {
        if (latentDim <= 0 || actionDim <= 0 || hiddenDim <= 0 || depth < 1) {
            throw new IllegalArgumentException("MlpActionPredictor needs positive sizes and depth >= 1, got latentDim="
                    + latentDim + " actionDim=" + actionDim + " hiddenDim=" + hiddenDim + " depth=" + depth);
        }
        this.latentDim = latentDim;
        this.actionDim = actionDim;
        this.fcZ = new Linear(store, prefix + "fc_z", latentDim, hiddenDim, true);
        this.fcA = new Linear(store, prefix + "fc_a", actionDim, hiddenDim, false);
        acts.add(new Gelu());
        for (int i = 2; i <= depth; i++) {
            hidden.add(new Linear(store, prefix + "fc" + i, hiddenDim, hiddenDim, true));
            acts.add(new Gelu());
        }
        this.fcOut = new Linear(store, prefix + "fc_out", hiddenDim, latentDim, true);
        this.outNorm = normalizeOutput ? LayerNorm.plain(latentDim, 1e-6) : null;
    }

    @Override
    public int latentDim() {
        return latentDim;
    }

    @Override
    public int actionDim() {
        return actionDim;
    }

    @Override
    public INDArray forward(INDArray z, INDArray a) {
        if (z.rank() != 2 || z.size(1) != latentDim || a.rank() != 2 || a.size(1) != actionDim || a.size(0) != z.size(0)) {
            throw new IllegalArgumentException("predictor expects z [B, " + latentDim + "] and a [B, " + actionDim
                    + "], got " + Arrays.toString(z.shape()) + " and " + Arrays.toString(a.shape()));
        }
        this.z = z;
        INDArray s = scratch.get(SUM, z.dataType(), z.size(0), fcZ.out());
        s.assign(fcZ.forward(z)).addi(fcA.forward(a));
        INDArray h = acts.get(0).forward(s);
        for (int i = 0; i < hidden.size(); i++) {
            h = acts.get(i + 1).forward(hidden.get(i).forward(h));
        }
        INDArray res = fcOut.forward(h);
        // The residual: res is fcOut's buffer, owned by it until its next forward.
        res.addi(z);
        return outNorm == null ? res : outNorm.forward(res);
    }

    @Override
    public INDArray backward(INDArray gradOut) {
        if (z == null) {
            throw new IllegalStateException("backward before forward");
        }
        INDArray g = outNorm == null ? gradOut : outNorm.backward(gradOut);
        // g is dL/d(z + res); keep a copy for the residual path (the layers below reuse their buffers).
        INDArray gRes = scratch.get(GRES, g.dataType(), g.shape());
        gRes.assign(g);
        INDArray gh = fcOut.backward(gRes);
        for (int i = hidden.size() - 1; i >= 0; i--) {
            gh = hidden.get(i).backward(acts.get(i + 1).backward(gh));
        }
        INDArray gs = acts.get(0).backward(gh);
        da = fcA.backward(gs);
        INDArray dz = scratch.get(DZ, g.dataType(), g.shape());
        dz.assign(fcZ.backward(gs)).addi(gRes);
        return dz;
    }

    @Override
    public INDArray actionGradient() {
        if (da == null) {
            throw new IllegalStateException("no backward yet");
        }
        return da;
    }
}
