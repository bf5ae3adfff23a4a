/**
 * The action-conditioned JEPA world model: a ViT state encoder ({@link io.github.jepa4j.world.model.StateEncoder}:
 * mean-pooled, layer-normed tokens), an action-conditioned predictor
 * ({@link io.github.jepa4j.world.model.ActionPredictor}, per-frame MLP variant
 * {@link io.github.jepa4j.world.model.MlpActionPredictor}) with backpropagation through its unroll
 * ({@link io.github.jepa4j.world.model.PredictorRollout}), the teacher-forcing + rollout L1 objective as core tasks
 * ({@link io.github.jepa4j.world.model.ActionConditionedTask} with a frozen encoder,
 * {@link io.github.jepa4j.world.model.JointWorldModelTask} training the encoder too, with an anti-collapse term),
 * the two-stage recipe {@link io.github.jepa4j.world.model.WorldModelTraining}, and
 * {@link io.github.jepa4j.world.model.LearnedWorldModel}, the {@code WorldModel} the planners use.
 */
package io.github.jepa4j.world.model;
