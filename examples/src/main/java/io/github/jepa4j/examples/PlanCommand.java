package io.github.jepa4j.examples;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jepa4j plan}: train (or load) a world model on the room environment and evaluate a planner. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Train (or load) an action-conditioned JEPA world model on the built-in two-room environment, "
                + "then plan to random goal images (CEM or gradient MPC) against random and greedy baselines.")
final class PlanCommand implements Callable<Integer> {
    @Option(names = {"--out", "-o"}, description = "output directory (default runs/plan)") String out;
    @Option(names = "--checkpoint", description = "world-model checkpoint to load instead of training") String checkpoint;
    @Option(names = "--planner", description = "grad (gradient MPC, default) or cem") String planner;
    @Option(names = "--trajectories", description = "training trajectories (default 400)") Integer trajectories;
    @Option(names = "--frames", description = "frames per trajectory (default 16)") Integer frames;
    @Option(names = "--encoder-steps", description = "encoder pretraining steps (default 600)") Integer encoderSteps;
    @Option(names = "--predictor-steps", description = "predictor training steps (default 3000)") Integer predictorSteps;
    @Option(names = "--episodes", description = "evaluation episodes (default 40)") Integer episodes;
    @Option(names = "--cross-room-fraction", description = "fraction of cross-room episodes (default 0.5)") Double crossRoom;
    @Option(names = "--max-steps", description = "steps per episode (default 50)") Integer maxSteps;
    @Option(names = "--horizon", description = "planning horizon (default 5)") Integer horizon;
    @Option(names = "--samples", description = "CEM samples per iteration; gradient MPC: restarts = samples / 100 (default 400)") Integer samples;
    @Option(names = "--iterations", description = "CEM iterations / gradient MPC Adam steps per plan (default 10)") Integer iterations;
    @Option(names = "--seed") Long seed;
    @Option(names = "--joint", negatable = true, description = "EXPERIMENTAL: train the encoder jointly with the predictor (measured not to learn yet; default false: frozen pretrained encoder)") Boolean joint;
    @Option(names = "--encoder-dim", description = "encoder width = latent size, a multiple of 8 (default 16)") Integer encoderDim;
    @Option(names = "--subgoals", negatable = true, description = "two-level planning over a landmark graph of the training trajectories (default true)") Boolean subgoals;
    @Option(names = "--log-every", description = "training progress interval (default 100)") Integer logEvery;

    PlanConfig resolve() {
        PlanConfig d = PlanConfig.defaults();
        return new PlanConfig(or(out, d.out()), checkpoint, or(planner, d.planner()), or(trajectories, d.trajectories()),
                or(frames, d.frames()), or(encoderSteps, d.encoderSteps()), or(predictorSteps, d.predictorSteps()),
                or(episodes, d.episodes()), or(crossRoom, d.crossRoomFraction()), or(maxSteps, d.maxSteps()),
                or(horizon, d.horizon()), or(samples, d.samples()), or(iterations, d.iterations()), or(seed, d.seed()),
                or(logEvery, d.logEvery()), or(joint, d.jointEncoder()), or(encoderDim, d.encoderDim()),
                or(subgoals, d.subgoals()));
    }

    private static <T> T or(T v, T d) {
        return v != null ? v : d;
    }

    @Override
    public Integer call() throws Exception {
        Map<String, Object> s = PlanRun.run(resolve());
        System.out.println(RunConfig.JSON.writeValueAsString(s));
        return 0;
    }
}
