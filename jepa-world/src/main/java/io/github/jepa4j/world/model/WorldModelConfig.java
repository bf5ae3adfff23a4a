package io.github.jepa4j.world.model;

import io.github.jepa4j.core.model.VitConfig;

/**
 * How {@link WorldModelTraining} builds a world model: the encoder and its JEPA pretraining on
 * environment frames, then the predictor and its training on the encoded trajectories.
 *
 * <p>Why these encoder defaults: the planner needs an embedding that is a smooth function of the
 * agent's position. Temporal-pair VICReg is a slow-feature objective, whose slowest features are
 * the smoothest functions of position; a small latent (D 16) behind an expander with batch norm
 * to a 16-wide VICReg output lets the few slow features reach the variance target even though
 * the agent changes only a few of the mean-pooled tokens. Measured with {@link EmbeddingProbe}
 * (600 steps, 400 trajectories, agent radius 0.08): held-out position-probe R² 0.99 with the
 * expander against 0.69 without (and 0.37 with patch 4 and no expander).
 * The variation of these embeddings over frames is small (std about 0.05 of the unit per-frame
 * scale the final LayerNorm gives), and on the raw embedding the MLP predictor barely beat the
 * no-change loss ({@code predictor.tf} about 0.9 x {@code predictor.tf.identity}); the frozen
 * recipe therefore trains the predictor on the per-feature standardised latent
 * ({@link LatentStandardization}) with no output LayerNorm (which would undo the standardisation).
 * Predictor defaults measured on that latent (encoder of the defaults, 400 trajectories of 16
 * frames; held-out teacher-forcing loss / no-change loss, {@code PredictorExperiment}): lr 1e-3 and
 * 1500 steps 0.69; lr 3e-3 and 3000 steps 0.40; lr 1e-2 and 3000 steps 0.37 (the default). On the
 * raw layer-normed embedding the predictor reached only about 0.9.
 *
 * @param encoder          the ViT (default 3x32x32, patch 8 -> 16 tokens, D 16, depth 2, 2 heads, MLP 64)
 * @param antiCollapse     anti-collapse module of the encoder's joint-embedding pretraining, by registry name (default vicreg)
 * @param antiCollapseConfig the module's typed settings (e.g. a {@code VicRegConfig}), or null for its defaults
 *                         (default: VICReg 25/25/1 with an expander 64-16)
 * @param encoderSteps     pretraining steps (default 600)
 * @param encoderBatch     frame pairs per pretraining step (default 64)
 * @param encoderLr        pretraining peak learning rate (default 3e-3)
 * @param maxGap           frames between the two views of a temporal pair, at most (default 2)
 * @param predictorHidden  predictor hidden width (default 256)
 * @param predictorDepth   predictor hidden layers (default 2)
 * @param rolloutSteps     k of the rollout loss (default 4)
 * @param rolloutWeight    weight of the rollout loss (default 1)
 * @param predictorSteps   predictor training steps (default 3000)
 * @param predictorBatch   trajectory windows per predictor step (default 64)
 * @param window           transitions per window (default 8; at least rolloutSteps)
 * @param predictorLr      predictor peak learning rate (default 1e-2; see below)
 * @param seed             seed of initialisation and batch sampling
 * @param jointEncoder     false: the pretrained encoder is frozen while the predictor trains; true: the
 *                         predictor stage trains the encoder too, with the anti-collapse module on the embeddings
 * @param jointWeight      weight of the anti-collapse term in joint training (default 1: VICReg's own coefficients against an L1 prediction loss of weight 1)
 */
public record WorldModelConfig(VitConfig encoder, String antiCollapse, Object antiCollapseConfig, int encoderSteps, int encoderBatch, double encoderLr,
                               int maxGap, int predictorHidden, int predictorDepth, int rolloutSteps, double rolloutWeight,
                               int predictorSteps, int predictorBatch, int window, double predictorLr, long seed,
                               boolean jointEncoder, double jointWeight) {
    public WorldModelConfig {
        if (encoder == null || encoder.isVideo()) {
            throw new IllegalArgumentException("WorldModelConfig: the encoder must be an image ViT, got " + encoder);
        }
        if (encoderSteps < 0 || predictorSteps < 0 || encoderBatch <= 0 || predictorBatch <= 0 || maxGap < 1) {
            throw new IllegalArgumentException("WorldModelConfig: steps must be >= 0, batches > 0 and maxGap >= 1, got encoderSteps="
                    + encoderSteps + " predictorSteps=" + predictorSteps + " encoderBatch=" + encoderBatch
                    + " predictorBatch=" + predictorBatch + " maxGap=" + maxGap);
        }
        if (window < rolloutSteps || rolloutSteps < 1) {
            throw new IllegalArgumentException("WorldModelConfig: need 1 <= rolloutSteps <= window, got rolloutSteps="
                    + rolloutSteps + " window=" + window);
        }
        if (!(encoderLr > 0) || !(predictorLr > 0)) {
            throw new IllegalArgumentException("WorldModelConfig: learning rates must be > 0, got " + encoderLr + ", " + predictorLr);
        }
    }

    /** The default encoder pretraining objective: VICReg (25, 25, 1) on an expander 64-16 (Linear-BN-ReLU-Linear). */
    public static final io.github.jepa4j.regularizers.anticollapse.VicRegConfig DEFAULT_VICREG =
            io.github.jepa4j.regularizers.anticollapse.VicRegConfig.defaults().withExpander(64, 16);

    /** Defaults for {@code size x size} RGB frames (see the parameter list). */
    public static WorldModelConfig defaults(int size) {
        VitConfig vit = new VitConfig(3, size, size, 1, 8, 1, 16, 2, 2, 64, 1e-6);
        return new WorldModelConfig(vit, "vicreg", DEFAULT_VICREG, 600, 64, 3e-3, 2, 256, 2, 4, 1.0, 3000, 64, 8, 1e-2, 0, false, 1.0);
    }

    public WorldModelConfig withSteps(int encoder, int predictor) {
        return new WorldModelConfig(this.encoder, antiCollapse, antiCollapseConfig, encoder, encoderBatch, encoderLr, maxGap, predictorHidden,
                predictorDepth, rolloutSteps, rolloutWeight, predictor, predictorBatch, window, predictorLr, seed, jointEncoder, jointWeight);
    }

    public WorldModelConfig withBatches(int encoder, int predictor) {
        return new WorldModelConfig(this.encoder, antiCollapse, antiCollapseConfig, encoderSteps, encoder, encoderLr, maxGap, predictorHidden,
                predictorDepth, rolloutSteps, rolloutWeight, predictorSteps, predictor, window, predictorLr, seed, jointEncoder, jointWeight);
    }

    public WorldModelConfig withEncoder(VitConfig v) {
        return new WorldModelConfig(v, antiCollapse, antiCollapseConfig, encoderSteps, encoderBatch, encoderLr, maxGap, predictorHidden,
                predictorDepth, rolloutSteps, rolloutWeight, predictorSteps, predictorBatch, window, predictorLr, seed, jointEncoder, jointWeight);
    }

    public WorldModelConfig withPredictor(int hidden, int depth, int rollout, int window) {
        return new WorldModelConfig(encoder, antiCollapse, antiCollapseConfig, encoderSteps, encoderBatch, encoderLr, maxGap, hidden,
                depth, rollout, rolloutWeight, predictorSteps, predictorBatch, window, predictorLr, seed, jointEncoder, jointWeight);
    }

    /** Another anti-collapse module for the encoder pretraining ({@code config} null: its defaults). */
    public WorldModelConfig withAntiCollapse(String name, Object config) {
        return new WorldModelConfig(encoder, name, config, encoderSteps, encoderBatch, encoderLr, maxGap, predictorHidden,
                predictorDepth, rolloutSteps, rolloutWeight, predictorSteps, predictorBatch, window, predictorLr, seed, jointEncoder, jointWeight);
    }

    public WorldModelConfig withMaxGap(int gap) {
        return new WorldModelConfig(encoder, antiCollapse, antiCollapseConfig, encoderSteps, encoderBatch, encoderLr, gap, predictorHidden,
                predictorDepth, rolloutSteps, rolloutWeight, predictorSteps, predictorBatch, window, predictorLr, seed, jointEncoder, jointWeight);
    }

    /** Joint (true) or frozen-encoder (false) predictor training, with the anti-collapse weight of joint training. */
    public WorldModelConfig withJointEncoder(boolean joint, double weight) {
        return new WorldModelConfig(encoder, antiCollapse, antiCollapseConfig, encoderSteps, encoderBatch, encoderLr, maxGap, predictorHidden,
                predictorDepth, rolloutSteps, rolloutWeight, predictorSteps, predictorBatch, window, predictorLr, seed, joint, weight);
    }

    public WorldModelConfig withEncoderLr(double lr) {
        return new WorldModelConfig(encoder, antiCollapse, antiCollapseConfig, encoderSteps, encoderBatch, lr, maxGap, predictorHidden,
                predictorDepth, rolloutSteps, rolloutWeight, predictorSteps, predictorBatch, window, predictorLr, seed, jointEncoder, jointWeight);
    }

    public WorldModelConfig withSeed(long s) {
        return new WorldModelConfig(encoder, antiCollapse, antiCollapseConfig, encoderSteps, encoderBatch, encoderLr, maxGap, predictorHidden,
                predictorDepth, rolloutSteps, rolloutWeight, predictorSteps, predictorBatch, window, predictorLr, s, jointEncoder, jointWeight);
    }

    /**
     * The predictor settings for actions of width {@code actionDim}: output LayerNorm only in joint
     * training (whose targets are the layer-normed embeddings); a frozen encoder's predictor works on
     * the standardised latent, which a LayerNorm would pull back to unit per-frame scale.
     */
    public PredictorSpec predictorSpec(int actionDim) {
        return new PredictorSpec("mlp", encoder.dim(), actionDim, predictorHidden, predictorDepth, jointEncoder, rolloutSteps, rolloutWeight);
    }
}
