package io.github.jepa4j.examples;

import java.util.Locale;

/**
 * Settings of {@code jepa4j plan}: the world model's data and training, the planner and the
 * evaluation episodes.
 *
 * @param out             output directory (summary.json, trajectories.png, world-model.ckpt)
 * @param checkpoint      a world-model checkpoint to load instead of training, or null
 * @param planner         {@code grad} (gradient MPC, default) or {@code cem}
 * @param trajectories    random-action trajectories generated for training
 * @param frames          frames per trajectory
 * @param encoderSteps    encoder pretraining steps
 * @param predictorSteps  predictor training steps
 * @param episodes        evaluation episodes (half cross-room by default)
 * @param crossRoomFraction fraction of cross-room episodes
 * @param maxSteps        step budget per episode
 * @param horizon         planning horizon H
 * @param samples         CEM samples per iteration (gradient MPC: restarts = samples / 100, at least 1)
 * @param iterations      CEM iterations (gradient MPC: Adam steps)
 * @param seed            seed of data, training and episodes
 * @param logEvery        training progress interval in steps
 * @param jointEncoder    train the encoder together with the predictor (VICReg on the embeddings) instead of freezing it
 * @param encoderDim      ViT width = latent size
 * @param subgoals        two-level planning: a {@code SubgoalPlanner} over a landmark graph of the
 *                        training trajectories' embeddings picks sub-goals for the low-level planner
 */
public record PlanConfig(String out, String checkpoint, String planner, int trajectories, int frames, int encoderSteps,
                         int predictorSteps, int episodes, double crossRoomFraction, int maxSteps, int horizon, int samples,
                         int iterations, long seed, int logEvery,
                         boolean jointEncoder, int encoderDim, boolean subgoals) {
    public PlanConfig {
        planner = planner.toLowerCase(Locale.ROOT);
        if (!planner.equals("cem") && !planner.equals("grad")) {
            throw new IllegalArgumentException("--planner must be cem or grad, got '" + planner + "'");
        }
        if (trajectories < 1 || frames < 3 || encoderSteps < 0 || predictorSteps < 0 || episodes < 1 || maxSteps < 1
                || horizon < 1 || samples < 1 || iterations < 1 || logEvery < 1 || encoderDim < 8 || encoderDim % 8 != 0) {
            throw new IllegalArgumentException("plan settings out of range: trajectories=" + trajectories + " frames=" + frames
                    + " encoderSteps=" + encoderSteps + " predictorSteps=" + predictorSteps + " episodes=" + episodes
                    + " maxSteps=" + maxSteps + " horizon=" + horizon + " samples=" + samples + " iterations=" + iterations
                    + " logEvery=" + logEvery + " encoderDim=" + encoderDim + " (a multiple of 8)");
        }
        if (!(crossRoomFraction >= 0 && crossRoomFraction <= 1)) {
            throw new IllegalArgumentException("--cross-room-fraction must be in [0, 1], got " + crossRoomFraction);
        }
    }

    /**
     * The default run (about 6 minutes on 2 busy cores: 4 training, 2 evaluation): gradient MPC
     * (4 restarts, 10 Adam steps, horizon 5) under sub-goals. Measured with the same world model
     * (40 episodes, half cross-room; docs/plan/): gradient MPC + sub-goals 100 % (same-room 100 %,
     * cross-room 100 %), 200 ms/step; CEM (400 samples, 10 iterations) + sub-goals 82.5 % (90 %, 75 %),
     * 204 ms/step; greedy 77.5 % (100 %, 55 %); random 0 %.
     */
    public static PlanConfig defaults() {
        return new PlanConfig("runs/plan", null, "grad", 400, 16, 600, 3000, 40, 0.5, 50, 5, 400, 10, 0, 100, false, 16, true);
    }
}
