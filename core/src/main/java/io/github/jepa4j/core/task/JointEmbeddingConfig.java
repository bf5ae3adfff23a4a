package io.github.jepa4j.core.task;

import io.github.jepa4j.core.model.VitConfig;
import io.github.jepa4j.core.schedule.MomentumSchedules;
import java.util.Locale;

/**
 * Model part of a joint-embedding run: the encoder, and whether the second branch is an EMA
 * teacher (BYOL-style distillation) or the encoder itself (VICReg, Barlow Twins, SIGReg).
 *
 * @param encoder     the encoder (its mean-pooled final tokens are the embedding)
 * @param emaTeacher  true: branch b is a stop-gradient EMA copy of the encoder
 * @param emaStart    teacher momentum at step 0 (BYOL 0.996)
 * @param emaEnd      teacher momentum at the end (1.0)
 * @param emaSchedule momentum schedule name (BYOL: cosine)
 */
public record JointEmbeddingConfig(VitConfig encoder, boolean emaTeacher, double emaStart, double emaEnd, String emaSchedule) {
    public JointEmbeddingConfig {
        if (encoder == null) {
            throw new IllegalArgumentException("JointEmbeddingConfig: encoder is required");
        }
        emaSchedule = emaSchedule.toLowerCase(Locale.ROOT);
        MomentumSchedules.of(emaSchedule, emaStart, emaEnd, 1);
        if (!(emaStart >= 0 && emaStart <= 1 && emaEnd >= 0 && emaEnd <= 1)) {
            throw new IllegalArgumentException("EMA momentum must be in [0, 1], got " + emaStart + " -> " + emaEnd);
        }
    }

    /** Both branches through the trainable encoder (VICReg, Barlow Twins, SIGReg). */
    public static JointEmbeddingConfig siamese(VitConfig encoder) {
        return new JointEmbeddingConfig(encoder, false, 0, 0, "constant");
    }

    /** BYOL: an EMA teacher with cosine momentum 0.996 -> 1. */
    public static JointEmbeddingConfig emaTeacher(VitConfig encoder) {
        return new JointEmbeddingConfig(encoder, true, 0.996, 1.0, "cosine");
    }
}
