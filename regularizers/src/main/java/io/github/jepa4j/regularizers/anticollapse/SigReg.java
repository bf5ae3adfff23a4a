package io.github.jepa4j.regularizers.anticollapse;

import io.github.jepa4j.core.nn.ParamStore;
import io.github.jepa4j.core.task.AntiCollapse;
import io.github.jepa4j.core.train.StepContext;
import io.github.jepa4j.regularizers.loss.LossTerms;
import io.github.jepa4j.regularizers.loss.SigRegLoss;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * SIGReg as an anti-collapse module (Balestriero and LeCun, "LeJEPA: Provable and Scalable
 * Self-Supervised Learning Without the Heuristics", 2025): pushes embeddings {@code [N, D]} towards
 * an isotropic standard Gaussian with the sketched Epps-Pulley test of {@link SigRegLoss}
 * ({@code loss = (1/M) sum_m T(z a_m)} over {@code M} random unit directions {@code a_m}).
 *
 * <p>Directions are resampled every step and are a pure function of {@code (seed, step)}: step
 * {@code s} uses the directions of {@link SigRegLoss} call number {@code s}
 * ({@link SigRegLoss#directionsForCall}, and the loss's call counter is set to {@code s + 1}
 * afterwards), so a run resumed at step {@code s} draws exactly what the uninterrupted run drew.
 * Two branches use the same directions and the terms are averaged:
 * {@code weight * (T(a) + T(b)) / 2}; one branch: {@code weight * T(a)}.
 *
 * <p>Defaults (LeJEPA): 256 directions, 17 knots on {@code [0, 3]}, seed 0. No parameters. Term:
 * {@code sigreg.epps_pulley} (weighted). {@code gradB} may be null with {@code b} given
 * (stop-gradient b). Needs a {@link StepContext}.
 */
public final class SigReg implements AntiCollapse {
    public static final String NAME = "sigreg";

    private static final String OWNER = "SigReg";

    private final SigRegConfig config;
    private final SigRegLoss loss;
    private int dim = -1;

    /** LeJEPA's defaults. */
    public SigReg() {
        this(SigRegConfig.defaults());
    }

    public SigReg(SigRegConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.loss = new SigRegLoss(config.seed(), config.directions(), config.knots(), config.tMax());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public SigRegConfig config() {
        return config;
    }

    /** The underlying loss (its call counter is the last step applied + 1). */
    public SigRegLoss loss() {
        return loss;
    }

    @Override
    public void register(ParamStore store, int dim) {
        if (dim <= 0) {
            throw new IllegalArgumentException(OWNER + ": embedding width must be > 0, got " + dim);
        }
        this.dim = dim;
    }

    @Override
    public Map<String, Double> apply(INDArray a, INDArray b, INDArray gradA, INDArray gradB, double weight, StepContext ctx) {
        Inputs.requireWeight(OWNER, weight);
        Inputs.check(OWNER, a, b, gradA, gradB, dim);
        if (ctx == null) {
            throw new IllegalArgumentException(OWNER + ": needs the step context (its directions are a function of the step)");
        }
        long step = ctx.step();
        INDArray directions = loss.directionsForCall(step, (int) a.size(1), a.dataType());
        loss.setCallCount(step + 1);
        double total;
        LossTerms ta = loss.compute(a, directions);
        if (b == null) {
            total = ta.total();
            gradA.addi(ta.gradA().muli(weight));
        } else {
            LossTerms tb = loss.compute(b, directions);
            total = 0.5 * (ta.total() + tb.total());
            gradA.addi(ta.gradA().muli(0.5 * weight));
            if (gradB != null) {
                gradB.addi(tb.gradA().muli(0.5 * weight));
            }
        }
        Map<String, Double> terms = new LinkedHashMap<>();
        terms.put(NAME + ".epps_pulley", weight * total);
        return terms;
    }

    @Override
    public String toString() {
        return "SigReg" + config;
    }
}
