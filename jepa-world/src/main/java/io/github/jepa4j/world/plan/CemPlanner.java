package io.github.jepa4j.world.plan;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Cross-entropy-method planner (the planner of V-JEPA 2-AC): a diagonal Gaussian over action
 * sequences is refined towards the sequences of lowest energy.
 *
 * <p>Per call of {@link #plan}, with mean {@code mu [H, A]} and std {@code sigma [H, A]}:
 * <ol>
 *   <li>{@code mu} is the previous plan shifted by one step (last step 0) or 0 after {@link
 *       #reset}; {@code sigma = initStd} (warm start, receding horizon).</li>
 *   <li>Repeat {@code iterations} times: draw {@code samples} sequences
 *       {@code a = clip(mu + sigma * eps, lo, hi)}, {@code eps ~ N(0, I)} (sequence 0 is
 *       {@code clip(mu)} itself, so the current mean is always scored); score them with {@link
 *       WorldModel#energies}; take the {@code elites} lowest; with their mean {@code m} and std
 *       {@code s} per element update {@code mu = momentumMean * mu + (1 - momentumMean) m} and
 *       {@code sigma = max(minStd, momentumStd * sigma + (1 - momentumStd) s)}.</li>
 *   <li>The plan is the lowest-energy sequence scored in any iteration (the mean is among the
 *       candidates every iteration); its first action is returned.</li>
 * </ol>
 *
 * <p>Defaults (V-JEPA 2-AC where it has them): 400 samples, 10 elites, 10 iterations, horizon 10,
 * momentum 0.15 on the mean and 0.75 on the std, initial std 1, min std 0.02, bounds
 * {@code [-1, 1]}, seed 0. Cost per plan: {@code iterations} calls of {@code energies} on
 * {@code [samples, H, A]} plus {@code O(iterations * samples * H * A)} Java work. Actions are
 * passed to the model as FLOAT.
 */
public final class CemPlanner implements Planner {
    private final WorldModel model;
    private final int samples, elites, iterations, horizon, dim;
    private final double momentumMean, momentumStd, initStd, minStd, lo, hi;
    private final Random rng;
    private final INDArray batch;
    private final float[] host;
    private final double[] mu, sigma, best;
    private final Integer[] order;
    private boolean warm;
    private double bestEnergy = Double.NaN;
    private double[][] lastSequence;

    private CemPlanner(Builder b) {
        model = b.model;
        samples = b.samples;
        elites = b.elites;
        iterations = b.iterations;
        horizon = b.horizon;
        dim = model.actionDim();
        momentumMean = b.momentumMean;
        momentumStd = b.momentumStd;
        initStd = b.initStd;
        minStd = b.minStd;
        lo = b.lo;
        hi = b.hi;
        rng = new Random(b.seed);
        batch = ActionSequences.allocate(samples, horizon, dim);
        host = new float[samples * horizon * dim];
        mu = new double[horizon * dim];
        sigma = new double[horizon * dim];
        best = new double[horizon * dim];
        order = new Integer[samples];
    }

    public static Builder builder(WorldModel model) {
        return new Builder(model);
    }

    @Override
    public int horizon() {
        return horizon;
    }

    @Override
    public void reset() {
        warm = false;
        lastSequence = null;
        bestEnergy = Double.NaN;
    }

    @Override
    public double[] plan(INDArray z0, INDArray zGoal) {
        ActionSequences.checkEmbeddings(model, z0, zGoal);
        int n = horizon * dim;
        if (warm) {
            System.arraycopy(best, dim, mu, 0, n - dim);
            Arrays.fill(mu, n - dim, n, 0);
        } else {
            Arrays.fill(mu, 0);
        }
        Arrays.fill(sigma, initStd);
        double bestE = Double.POSITIVE_INFINITY;
        double[] em = new double[n], es = new double[n];
        for (int it = 0; it < iterations; it++) {
            for (int s = 0; s < samples; s++) {
                int o = s * n;
                for (int k = 0; k < n; k++) {
                    double v = s == 0 ? mu[k] : mu[k] + sigma[k] * rng.nextGaussian();
                    host[o + k] = (float) (v < lo ? lo : (v > hi ? hi : v));
                }
            }
            ActionSequences.put(host, batch);
            double[] e = model.energies(z0, zGoal, batch);
            ActionSequences.checkEnergies(e, samples);
            for (int s = 0; s < samples; s++) {
                order[s] = s;
            }
            Arrays.sort(order, (p, q) -> Double.compare(e[p], e[q])); // stable: ties keep index order
            if (e[order[0]] < bestE) {
                bestE = e[order[0]];
                int o = order[0] * n;
                for (int k = 0; k < n; k++) {
                    best[k] = host[o + k];
                }
            }
            Arrays.fill(em, 0);
            Arrays.fill(es, 0);
            for (int j = 0; j < elites; j++) {
                int o = order[j] * n;
                for (int k = 0; k < n; k++) {
                    em[k] += host[o + k];
                }
            }
            for (int k = 0; k < n; k++) {
                em[k] /= elites;
            }
            for (int j = 0; j < elites; j++) {
                int o = order[j] * n;
                for (int k = 0; k < n; k++) {
                    double d = host[o + k] - em[k];
                    es[k] += d * d;
                }
            }
            for (int k = 0; k < n; k++) {
                mu[k] = momentumMean * mu[k] + (1 - momentumMean) * em[k];
                sigma[k] = Math.max(minStd, momentumStd * sigma[k] + (1 - momentumStd) * Math.sqrt(es[k] / elites));
            }
        }
        warm = true;
        bestEnergy = bestE;
        lastSequence = new double[horizon][];
        for (int t = 0; t < horizon; t++) {
            lastSequence[t] = Arrays.copyOfRange(best, t * dim, (t + 1) * dim);
        }
        return lastSequence[0].clone();
    }

    @Override
    public double[][] lastSequence() {
        if (lastSequence == null) {
            return null;
        }
        double[][] c = new double[horizon][];
        for (int t = 0; t < horizon; t++) {
            c[t] = lastSequence[t].clone();
        }
        return c;
    }

    @Override
    public double lastEnergy() {
        return bestEnergy;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "CEM[samples=%d, elites=%d, iterations=%d, horizon=%d, momentum=%s/%s, initStd=%s,"
                + " minStd=%s, bounds=[%s, %s]]", samples, elites, iterations, horizon, momentumMean, momentumStd, initStd,
                minStd, lo, hi);
    }

    /** Configuration, validated in {@link #build()}. */
    public static final class Builder {
        private final WorldModel model;
        private int samples = 400, elites = 10, iterations = 10, horizon = 10;
        private double momentumMean = 0.15, momentumStd = 0.75, initStd = 1.0, minStd = 0.02, lo = -1, hi = 1;
        private long seed = 0;

        private Builder(WorldModel model) {
            this.model = model;
        }

        /** Sequences scored per iteration (default 400). */
        public Builder samples(int n) {
            this.samples = n;
            return this;
        }

        /** Elites kept per iteration (default 10). */
        public Builder elites(int k) {
            this.elites = k;
            return this;
        }

        /** CEM iterations per plan (default 10). */
        public Builder iterations(int n) {
            this.iterations = n;
            return this;
        }

        /** Actions per sequence H (default 10). */
        public Builder horizon(int h) {
            this.horizon = h;
            return this;
        }

        /** Momentum of the mean and of the std updates, in [0, 1) (defaults 0.15 and 0.75). */
        public Builder momentum(double mean, double std) {
            this.momentumMean = mean;
            this.momentumStd = std;
            return this;
        }

        /** Initial std of the sampling distribution (default 1). */
        public Builder initStd(double s) {
            this.initStd = s;
            return this;
        }

        /** Floor of the std (default 0.02). */
        public Builder minStd(double s) {
            this.minStd = s;
            return this;
        }

        /** Action bounds, the same for every component (default [-1, 1]). */
        public Builder bounds(double lo, double hi) {
            this.lo = lo;
            this.hi = hi;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public CemPlanner build() {
            if (model == null) {
                throw new IllegalArgumentException("CemPlanner needs a WorldModel");
            }
            if (model.actionDim() <= 0) {
                throw new IllegalArgumentException("world model actionDim must be positive, got " + model.actionDim());
            }
            if (samples < 2 || elites < 1 || elites > samples) {
                throw new IllegalArgumentException("CEM needs samples >= 2 and 1 <= elites <= samples, got samples=" + samples
                        + ", elites=" + elites);
            }
            if (iterations < 1 || horizon < 1) {
                throw new IllegalArgumentException("CEM needs iterations >= 1 and horizon >= 1, got " + iterations + ", "
                        + horizon);
            }
            if (!(momentumMean >= 0 && momentumMean < 1 && momentumStd >= 0 && momentumStd < 1)) {
                throw new IllegalArgumentException("CEM momenta must be in [0, 1), got mean=" + momentumMean + ", std="
                        + momentumStd);
            }
            if (!(initStd > 0) || !(minStd >= 0) || minStd > initStd || !Double.isFinite(initStd)) {
                throw new IllegalArgumentException("CEM needs 0 <= minStd <= initStd, initStd > 0, got minStd=" + minStd
                        + ", initStd=" + initStd);
            }
            if (!(lo < hi) || !Double.isFinite(lo) || !Double.isFinite(hi)) {
                throw new IllegalArgumentException("action bounds need lo < hi, finite, got [" + lo + ", " + hi + "]");
            }
            if ((long) samples * horizon * model.actionDim() > Integer.MAX_VALUE / 2) {
                throw new IllegalArgumentException("samples x horizon x actionDim too large: " + samples + " x " + horizon
                        + " x " + model.actionDim());
            }
            return new CemPlanner(this);
        }
    }
}
