package io.github.jepa4j.world.model;

import io.github.jepa4j.core.nn.ParamStore;
import java.util.Locale;

/**
 * Settings of the action-conditioned predictor and its training objective.
 *
 * @param type            {@code mlp} (per-frame MLP, {@link MlpActionPredictor})
 * @param latentDim       embedding width d (the encoder's)
 * @param actionDim       action width A
 * @param hiddenDim       hidden width (default 256)
 * @param depth           hidden layers (default 2)
 * @param normalizeOutput layer-norm the predicted embedding (default true)
 * @param rolloutSteps    k of the multi-step rollout loss (default 4; 1 = teacher forcing only)
 * @param rolloutWeight   weight of the rollout loss against the teacher-forcing loss (default 1)
 */
public record PredictorSpec(String type, int latentDim, int actionDim, int hiddenDim, int depth, boolean normalizeOutput,
                            int rolloutSteps, double rolloutWeight) {
    public PredictorSpec {
        type = type == null ? "mlp" : type.toLowerCase(Locale.ROOT);
        if (!type.equals("mlp")) {
            throw new IllegalArgumentException("unknown predictor type '" + type + "'; valid: mlp");
        }
        if (latentDim <= 0 || actionDim <= 0 || hiddenDim <= 0 || depth < 1) {
            throw new IllegalArgumentException("PredictorSpec: sizes must be positive and depth >= 1, got latentDim=" + latentDim
                    + " actionDim=" + actionDim + " hiddenDim=" + hiddenDim + " depth=" + depth);
        }
        if (rolloutSteps < 1 || !(rolloutWeight >= 0) || Double.isInfinite(rolloutWeight)) {
            throw new IllegalArgumentException("PredictorSpec: rolloutSteps must be >= 1 and rolloutWeight finite >= 0, got "
                    + rolloutSteps + ", " + rolloutWeight);
        }
    }

    public static PredictorSpec defaults(int latentDim, int actionDim) {
        return new PredictorSpec("mlp", latentDim, actionDim, 256, 2, true, 4, 1.0);
    }

    public PredictorSpec withHidden(int hidden, int depth) {
        return new PredictorSpec(type, latentDim, actionDim, hidden, depth, normalizeOutput, rolloutSteps, rolloutWeight);
    }

    public PredictorSpec withRollout(int steps, double weight) {
        return new PredictorSpec(type, latentDim, actionDim, hiddenDim, depth, normalizeOutput, steps, weight);
    }

    /** Builds the predictor, registering its parameters under {@code prefix} in {@code store}. */
    public ActionPredictor build(ParamStore store, String prefix) {
        return new MlpActionPredictor(store, prefix, latentDim, actionDim, hiddenDim, depth, normalizeOutput);
    }
}
