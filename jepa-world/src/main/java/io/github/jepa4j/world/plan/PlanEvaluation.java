package io.github.jepa4j.world.plan;

import io.github.jepa4j.world.env.RoomConfig;
import io.github.jepa4j.world.env.RoomEnv;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Goal-reaching episodes in {@link RoomEnv} for a planner and the random and greedy baselines,
 * on the same seeded start/goal pairs.
 *
 * <p>Episodes ({@link #episodes()}, a pure function of the seed and the settings): episode
 * {@code i} is cross-room when {@code floor((i + 1) f) > floor(i f)} for the cross-room fraction
 * {@code f} (so the two kinds interleave and a fraction {@code f} is cross-room); start and goal
 * are uniform free positions strictly inside a room (not in the doorway), in the same or in
 * different rooms, at least {@code minDistance} apart.
 *
 * <p>An episode of a {@link Policy}: reset the environment at the start, {@link Policy#begin}
 * (the planner policy renders and encodes the goal image there), then up to {@code maxSteps}
 * times: {@link Policy#act} (the planner policy renders the current frame, encodes it and plans)
 * and {@link RoomEnv#step} with the returned action; the episode succeeds and stops as soon as the
 * agent's centre is within {@code successRadius} of the goal.
 *
 * <p>Defaults: 40 episodes, half cross-room, at most 50 steps, success radius 0.05, minimum
 * start-goal distance 0.25, seed 0, {@link RoomConfig#defaults()}.
 *
 * <p>Typical use (e.g. a CLI):
 * <pre>{@code
 * PlanEvaluation eval = PlanEvaluation.builder().episodes(40).seed(1).build();
 * PlanReport report = eval.run(model, CemPlanner.builder(model).build());
 * report.write(outDir); // summary.json + trajectories.png
 * }</pre>
 */
public final class PlanEvaluation {
    private final RoomConfig config;
    private final int maxSteps;
    private final double successRadius;
    private final long seed;
    private final List<EpisodeSpec> episodes;
    private Consumer<String> log = s -> { };

    private PlanEvaluation(Builder b) {
        config = b.config;
        maxSteps = b.maxSteps;
        successRadius = b.successRadius;
        seed = b.seed;
        episodes = makeEpisodes(b);
    }

    public static Builder builder() {
        return new Builder();
    }

    public RoomConfig config() {
        return config;
    }

    public int maxSteps() {
        return maxSteps;
    }

    public double successRadius() {
        return successRadius;
    }

    public long seed() {
        return seed;
    }

    /** The episodes, in order. */
    public List<EpisodeSpec> episodes() {
        return episodes;
    }

    /** Receives one progress line per finished episode (default: none). */
    public PlanEvaluation log(Consumer<String> sink) {
        this.log = sink == null ? s -> { } : sink;
        return this;
    }

    private static List<EpisodeSpec> makeEpisodes(Builder b) {
        RoomEnv env = new RoomEnv(b.config);
        double[] fb = env.freeSetBounds(); // lo, hi, wx0, wx1, gy0, gy1
        List<EpisodeSpec> out = new ArrayList<>();
        Random rng = new Random(b.seed * 0x9E3779B97F4A7C15L + 12345);
        for (int i = 0; i < b.episodes; i++) {
            boolean cross = Math.floor((i + 1) * b.crossRoomFraction) > Math.floor(i * b.crossRoomFraction);
            for (int attempt = 0; ; attempt++) {
                if (attempt > 100_000) {
                    throw new IllegalArgumentException("cannot place start and goal " + b.minDistance + " apart in "
                            + b.config);
                }
                double[] s = env.randomFreePosition(rng);
                double[] g = env.randomFreePosition(rng);
                if (inDoorway(s, fb) || inDoorway(g, fb)) {
                    continue;
                }
                boolean differ = env.room(s[0], s[1]) != env.room(g[0], g[1]);
                if (differ == cross && Math.hypot(s[0] - g[0], s[1] - g[1]) >= b.minDistance) {
                    out.add(new EpisodeSpec(i, s, g, cross));
                    break;
                }
            }
        }
        return List.copyOf(out);
    }

    private static boolean inDoorway(double[] p, double[] fb) {
        return p[0] > fb[2] && p[0] < fb[3];
    }

    /** Runs every episode with {@code policy}; {@code msPerStep} of the result times {@link Policy#act}. */
    public PolicyResult evaluate(Policy policy) {
        RoomEnv env = new RoomEnv(config);
        List<EpisodeTrace> traces = new ArrayList<>();
        long nanos = 0, steps = 0;
        for (EpisodeSpec e : episodes) {
            env.reset(e.start()[0], e.start()[1]);
            policy.begin(env, e.goal().clone());
            List<double[]> path = new ArrayList<>();
            path.add(env.position());
            boolean success = false;
            for (int t = 0; t < maxSteps && !success; t++) {
                long t0 = System.nanoTime();
                double[] a = policy.act(env);
                nanos += System.nanoTime() - t0;
                steps++;
                if (a == null || a.length != RoomEnv.ACTION_DIM) {
                    throw new IllegalStateException(policy.name() + " returned an action of length "
                            + (a == null ? "null" : a.length) + ", expected " + RoomEnv.ACTION_DIM);
                }
                double[] p = env.step(a[0], a[1]);
                path.add(p);
                success = distance(p, e.goal()) <= successRadius;
            }
            double d = distance(env.position(), e.goal());
            traces.add(new EpisodeTrace(e, path.toArray(new double[0][]), success, d));
            log.accept(String.format(Locale.ROOT, "%s episode %d (%s): %s in %d steps, final distance %.3f", policy.name(),
                    e.index(), e.crossRoom() ? "cross-room" : "same-room", success ? "success" : "failure", path.size() - 1, d));
        }
        return PolicyResult.of(policy.name(), traces, steps == 0 ? Double.NaN : nanos / 1e6 / steps);
    }

    /**
     * Evaluates {@code planner} driven by {@code model} (through a {@link PlannerPolicy}) and the
     * random (seeded with this evaluation's seed) and greedy baselines on the same episodes.
     */
    public PlanReport run(WorldModel model, Planner planner) {
        PlannerPolicy pp = new PlannerPolicy(model, planner);
        PolicyResult p = evaluate(pp);
        double planMs = pp.steps() == 0 ? Double.NaN : pp.planMillis() / pp.steps();
        double encMs = pp.steps() == 0 ? Double.NaN : pp.encodeMillis() / pp.steps();
        PolicyResult random = evaluate(new RandomPolicy(seed));
        PolicyResult greedy = evaluate(new GreedyPolicy());
        return new PlanReport(PlanSummary.of(planner.toString(), this, p, planMs, encMs, random, greedy), p, random, greedy,
                config);
    }

    static double distance(double[] a, double[] b) {
        return Math.hypot(a[0] - b[0], a[1] - b[1]);
    }

    /** Everything a run produced: the JSON summary and the per-policy results with their traces. */
    public record PlanReport(PlanSummary summary, PolicyResult planner, PolicyResult random, PolicyResult greedy,
            RoomConfig config) {
        /**
         * Writes {@code summary.json} and {@code trajectories.png} (the planner's first
         * {@code 6} episodes over the room map, greedy dashed) into {@code dir}.
         */
        public void write(Path dir) {
            summary.write(dir.resolve("summary.json"));
            TrajectoryPlot.write(dir.resolve("trajectories.png"), config, planner.traces(), greedy.traces(), 6);
        }
    }

    /** Configuration, validated in {@link #build()}. */
    public static final class Builder {
        private RoomConfig config = RoomConfig.defaults();
        private int episodes = 40, maxSteps = 50;
        private double successRadius = 0.05, crossRoomFraction = 0.5, minDistance = 0.25;
        private long seed = 0;

        private Builder() {}

        /** Environment (default {@link RoomConfig#defaults()}); must match the model's image size. */
        public Builder config(RoomConfig c) {
            this.config = c;
            return this;
        }

        /** Number of episodes (default 40). */
        public Builder episodes(int n) {
            this.episodes = n;
            return this;
        }

        /** Step budget K per episode (default 50). */
        public Builder maxSteps(int k) {
            this.maxSteps = k;
            return this;
        }

        /** Success radius in room units (default 0.05). */
        public Builder successRadius(double r) {
            this.successRadius = r;
            return this;
        }

        /** Fraction of cross-room episodes in [0, 1] (default 0.5). */
        public Builder crossRoomFraction(double f) {
            this.crossRoomFraction = f;
            return this;
        }

        /** Minimum start-goal distance (default 0.25). */
        public Builder minDistance(double d) {
            this.minDistance = d;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public PlanEvaluation build() {
            if (config == null) {
                throw new IllegalArgumentException("PlanEvaluation needs a RoomConfig");
            }
            if (episodes < 1 || maxSteps < 1) {
                throw new IllegalArgumentException("need episodes >= 1 and maxSteps >= 1, got " + episodes + ", " + maxSteps);
            }
            if (!(successRadius > 0)) {
                throw new IllegalArgumentException("successRadius must be positive, got " + successRadius);
            }
            if (!(crossRoomFraction >= 0 && crossRoomFraction <= 1)) {
                throw new IllegalArgumentException("crossRoomFraction must be in [0, 1], got " + crossRoomFraction);
            }
            if (!(minDistance >= 0 && minDistance < 0.6)) {
                throw new IllegalArgumentException("minDistance must be in [0, 0.6), got " + minDistance);
            }
            return new PlanEvaluation(this);
        }
    }
}
