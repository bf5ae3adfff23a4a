package io.github.jepa4j.core.task;

import io.github.jepa4j.core.loss.PredictionLoss;
import io.github.jepa4j.core.model.PredictorConfig;
import io.github.jepa4j.core.model.VitConfig;
import io.github.jepa4j.core.schedule.MomentumSchedules;
import java.util.Locale;

/**
 * Model part of a masked-prediction JEPA (I-JEPA, V-JEPA): encoder, predictor, prediction loss
 * and the EMA target's momentum schedule.
 *
 * @param encoder      the context encoder (the target encoder is its EMA copy)
 * @param predictor    the predictor
 * @param loss         prediction loss (I-JEPA: smooth-L1; V-JEPA: L1)
 * @param lossBeta     smooth-L1 transition point (I-JEPA: 1)
 * @param emaStart     target momentum at step 0 (I-JEPA 0.996, V-JEPA 0.998)
 * @param emaEnd       target momentum at the last step (1.0)
 * @param emaSchedule  {@code linear} (I-JEPA), {@code cosine} (BYOL) or {@code constant} (V-JEPA 2)
 * @param targetLnEps  epsilon of the target layer norm (PyTorch default 1e-5)
 */
public record MaskedJepaConfig(VitConfig encoder, PredictorConfig predictor, PredictionLoss.Kind loss,
                               double lossBeta, double emaStart, double emaEnd, String emaSchedule,
                               double targetLnEps) {
    public MaskedJepaConfig {
        if (encoder == null || predictor == null || loss == null) {
            throw new IllegalArgumentException("MaskedJepaConfig: encoder, predictor and loss are required");
        }
        if (predictor.encoderDim() != encoder.dim()) {
            throw new IllegalArgumentException("predictor reads width " + predictor.encoderDim() + " but the encoder has width " + encoder.dim());
        }
        if (predictor.numTokens() != encoder.numTokens()) {
            throw new IllegalArgumentException("predictor grid has " + predictor.numTokens() + " tokens but the encoder has " + encoder.numTokens());
        }
        if (!(emaStart >= 0 && emaStart <= 1 && emaEnd >= 0 && emaEnd <= 1)) {
            throw new IllegalArgumentException("EMA momentum must be in [0, 1], got " + emaStart + " -> " + emaEnd);
        }
        emaSchedule = emaSchedule.toLowerCase(Locale.ROOT);
        MomentumSchedules.of(emaSchedule, emaStart, emaEnd, 1); // validates the name
        if (!(lossBeta > 0) || !(targetLnEps > 0)) {
            throw new IllegalArgumentException("lossBeta and targetLnEps must be > 0, got " + lossBeta + ", " + targetLnEps);
        }
    }

    /** I-JEPA defaults: smooth-L1 (beta 1), EMA 0.996 -> 1 linear. */
    public static MaskedJepaConfig ijepa(VitConfig encoder, PredictorConfig predictor) {
        return new MaskedJepaConfig(encoder, predictor, PredictionLoss.Kind.SMOOTH_L1, 1.0, 0.996, 1.0, "linear", 1e-5);
    }

    /** V-JEPA defaults: L1, EMA 0.998 -> 1 linear. */
    public static MaskedJepaConfig vjepa(VitConfig encoder, PredictorConfig predictor) {
        return new MaskedJepaConfig(encoder, predictor, PredictionLoss.Kind.L1, 1.0, 0.998, 1.0, "linear", 1e-5);
    }

    public MaskedJepaConfig withEma(double start, double end, String schedule) {
        return new MaskedJepaConfig(encoder, predictor, loss, lossBeta, start, end, schedule, targetLnEps);
    }
}
