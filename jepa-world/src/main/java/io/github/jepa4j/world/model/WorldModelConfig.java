package io.github.jepa4j.world.model;

import io.github.jepa4j.core.model.VitConfig;

/**
 * How {@link WorldModelTraining} builds a world model: the encoder and its JEPA pretraining on
 * environment frames, then the predictor and its training on the encoded trajectories.
 *
 * @param encoder          the ViT (default 3x32x32, patch 8 -> 16 tokens, D 64, depth 2, 4 heads, MLP 128)
 * @param antiCollapse     anti-collapse module of the encoder's joint-embedding pretraining, by registry name (default vicreg)
 * @param antiCollapseConfig the module's typed settings (e.g. a {@code VicRegConfig}), or null for its defaults
 * @param encoderSteps     pretraining steps (default 600)
 * @param encoderBatch     frame pairs per pretraining step (default 64)
 * @param encoderLr        pretraining peak learning rate (default 1e-3)
 * @param maxGap           frames between the two views of a temporal pair, at most (default 2)
 * @param predictorHidden  predictor hidden width (default 256)
 * @param predictorDepth   predictor hidden layers (default 2)
 * @param rolloutSteps     k of the rollout loss (default 4)
 * @param rolloutWeight    weight of the rollout loss (default 1)
 * @param predictorSteps   predictor training steps (default 1500)
 * @param predictorBatch   trajectory windows per predictor step (default 64)
 * @param window           transitions per window (default 8; at least rolloutSteps)
 * @param predictorLr      predictor peak learning rate (default 1e-3)
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

    /** Defaults for {@code size x size} RGB frames (see the parameter list). */
    public static WorldModelConfig defaults(int size) {
        VitConfig vit = new VitConfig(3, size, size, 1, 8, 1, 64, 2, 4, 128, 1e-6);
        return new WorldModelConfig(vit, "vicreg", null, 600, 64, 1e-3, 2, 256, 2, 4, 1.0, 1500, 64, 8, 1e-3, 0, false, 1.0);
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

    public WorldModelConfig withSeed(long s) {
        return new WorldModelConfig(encoder, antiCollapse, antiCollapseConfig, encoderSteps, encoderBatch, encoderLr, maxGap, predictorHidden,
                predictorDepth, rolloutSteps, rolloutWeight, predictorSteps, predictorBatch, window, predictorLr, s, jointEncoder, jointWeight);
    }

    /** The predictor settings for actions of width {@code actionDim}. */
    public PredictorSpec predictorSpec(int actionDim) {
        return new PredictorSpec("mlp", encoder.dim(), actionDim, predictorHidden, predictorDepth, true, rolloutSteps, rolloutWeight);
    }
}
