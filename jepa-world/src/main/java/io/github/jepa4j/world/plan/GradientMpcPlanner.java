package io.github.jepa4j.world.plan;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Gradient-based model-predictive control: the energy is backpropagated through the unrolled
 * world model to the actions ({@link WorldModel#energiesAndGradients}) and the actions are
 * optimised with Adam, several random restarts at once as one batch.
 *
 * <p>Per call of {@link #plan}: {@code R = restarts} sequences {@code a_r [H, A]} start as
 * {@code clip(initStd * eps)}, {@code eps ~ N(0, I)}; after the first plan, restart 0 starts from
 * the previous best sequence shifted by one step (last step 0). Then for {@code steps}
 * iterations: {@code E_r, g_r = dE_r / da_r}; remember the lowest-energy sequence evaluated so
 * far; Adam update per element ({@code m = b1 m + (1 - b1) g}, {@code v = b2 v + (1 - b2) g^2},
 * {@code a -= lr * m_hat / (sqrt(v_hat) + eps)} with bias corrections
 * {@code m_hat = m / (1 - b1^t)}, {@code v_hat = v / (1 - b2^t)}), then projection onto the bounds
 * {@code a = clip(a, lo, hi)}. Finally the remembered best sequence's energy is that of an
 * evaluated sequence (the last update is scored too), and its first action is returned.
 *
 * <p>Defaults: 8 restarts, 30 steps, horizon 10, learning rate 0.1, betas (0.9, 0.999),
 * eps 1e-8, initial std 0.5, bounds {@code [-1, 1]}, seed 0. Cost per plan: {@code steps + 1}
 * calls on {@code [R, H, A]} (the last one energies only). Actions and gradients are FLOAT arrays.
 */
public final class GradientMpcPlanner implements Planner {
    private final WorldModel model;
    private final int restarts, steps, horizon, dim;
    private final double lr, beta1, beta2, eps, initStd, lo, hi;
    private final Random rng;
    private final INDArray actions, grad;
    private final float[] a, g;
    private final double[] m, v, best;
    private boolean warm;
    private double bestEnergy = Double.NaN;
    private double[][] lastSequence;

    private GradientMpcPlanner(Builder b) {
        model = b.model;
        restarts = b.restarts;
        steps = b.steps;
        horizon = b.horizon;
        dim = model.actionDim();
        lr = b.lr;
        beta1 = b.beta1;
        beta2 = b.beta2;
        eps = b.eps;
        initStd = b.initStd;
        lo = b.lo;
        hi = b.hi;
        rng = new Random(b.seed);
        int n = restarts * horizon * dim;
        actions = ActionSequences.allocate(restarts, horizon, dim);
        grad = ActionSequences.allocate(restarts, horizon, dim);
        a = new float[n];
        g = new float[n];
        m = new double[n];
        v = new double[n];
        best = new double[horizon * dim];
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
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) clip(initStd * rng.nextGaussian());
        }
        if (warm) {
            for (int k = 0; k < n - dim; k++) {
                a[k] = (float) best[k + dim];
            }
            Arrays.fill(a, n - dim, n, 0f);
        }
        Arrays.fill(m, 0);
        Arrays.fill(v, 0);
        double bestE = Double.POSITIVE_INFINITY;
        double b1t = 1, b2t = 1;
        for (int step = 0; step <= steps; step++) {
            ActionSequences.put(a, actions);
            double[] e;
            if (step < steps) {
                e = model.energiesAndGradients(z0, zGoal, actions, grad);
            } else {
                e = model.energies(z0, zGoal, actions); // score the last update
            }
            ActionSequences.checkEnergies(e, restarts);
            for (int r = 0; r < restarts; r++) {
                if (e[r] < bestE) {
                    bestE = e[r];
                    for (int k = 0; k < n; k++) {
                        best[k] = a[r * n + k];
                    }
                }
            }
            if (step == steps) {
                break;
            }
            ActionSequences.get(grad, g);
            b1t *= beta1;
            b2t *= beta2;
            adamStep(a, g, m, v, lr, beta1, beta2, eps, b1t, b2t, lo, hi);
        }
        warm = true;
        bestEnergy = bestE;
        lastSequence = new double[horizon][];
        for (int t = 0; t < horizon; t++) {
            lastSequence[t] = Arrays.copyOfRange(best, t * dim, (t + 1) * dim);
        }
        return lastSequence[0].clone();
    }

    /**
     * One Adam step on {@code x} with gradient {@code g} followed by projection onto
     * {@code [lo, hi]}; {@code b1t = beta1^t}, {@code b2t = beta2^t} for the bias corrections.
     */
    static void adamStep(float[] x, float[] g, double[] m, double[] v, double lr, double beta1, double beta2, double eps,
            double b1t, double b2t, double lo, double hi) {
        for (int i = 0; i < x.length; i++) {
            double gi = g[i];
            if (!Double.isFinite(gi)) {
                throw new IllegalStateException("world model returned a non-finite action gradient " + gi + " at " + i);
            }
            m[i] = beta1 * m[i] + (1 - beta1) * gi;
            v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
            double upd = lr * (m[i] / (1 - b1t)) / (Math.sqrt(v[i] / (1 - b2t)) + eps);
            double y = x[i] - upd;
            x[i] = (float) (y < lo ? lo : (y > hi ? hi : y));
        }
    }

    private double clip(double y) {
        return y < lo ? lo : (y > hi ? hi : y);
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
        return String.format(Locale.ROOT, "GradientMPC[restarts=%d, steps=%d, horizon=%d, lr=%s, betas=(%s, %s), initStd=%s,"
                + " bounds=[%s, %s]]", restarts, steps, horizon, lr, beta1, beta2, initStd, lo, hi);
    }

    /** Configuration, validated in {@link #build()}. */
    public static final class Builder {
        private final WorldModel model;
        private int restarts = 8, steps = 30, horizon = 10;
        private double lr = 0.1, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, initStd = 0.5, lo = -1, hi = 1;
        private long seed = 0;

        private Builder(WorldModel model) {
            this.model = model;
        }

        /** Random restarts optimised together as one batch (default 8). */
        public Builder restarts(int r) {
            this.restarts = r;
            return this;
        }

        /** Adam steps per plan (default 30). */
        public Builder steps(int s) {
            this.steps = s;
            return this;
        }

        /** Actions per sequence H (default 10). */
        public Builder horizon(int h) {
            this.horizon = h;
            return this;
        }

        /** Adam learning rate (default 0.1). */
        public Builder learningRate(double lr) {
            this.lr = lr;
            return this;
        }

        /** Adam betas (default 0.9, 0.999). */
        public Builder betas(double b1, double b2) {
            this.beta1 = b1;
            this.beta2 = b2;
            return this;
        }

        /** Adam epsilon (default 1e-8). */
        public Builder eps(double e) {
            this.eps = e;
            return this;
        }

        /** Std of the random initial sequences (default 0.5). */
        public Builder initStd(double s) {
            this.initStd = s;
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

        public GradientMpcPlanner build() {
            if (model == null) {
                throw new IllegalArgumentException("GradientMpcPlanner needs a WorldModel");
            }
            if (model.actionDim() <= 0) {
                throw new IllegalArgumentException("world model actionDim must be positive, got " + model.actionDim());
            }
            if (restarts < 1 || steps < 1 || horizon < 1) {
                throw new IllegalArgumentException("gradient MPC needs restarts, steps and horizon >= 1, got " + restarts
                        + ", " + steps + ", " + horizon);
            }
            if (!(lr > 0) || !Double.isFinite(lr)) {
                throw new IllegalArgumentException("learning rate must be positive, got " + lr);
            }
            if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1) || !(eps > 0)) {
                throw new IllegalArgumentException("Adam needs betas in [0, 1) and eps > 0, got " + beta1 + ", " + beta2
                        + ", " + eps);
            }
            if (!(initStd >= 0) || !Double.isFinite(initStd)) {
                throw new IllegalArgumentException("initStd must be >= 0, got " + initStd);
            }
            if (!(lo < hi) || !Double.isFinite(lo) || !Double.isFinite(hi)) {
                throw new IllegalArgumentException("action bounds need lo < hi, finite, got [" + lo + ", " + hi + "]");
            }
            return new GradientMpcPlanner(this);
        }
    }
}
