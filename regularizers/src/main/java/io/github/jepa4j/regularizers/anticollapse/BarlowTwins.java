package io.github.jepa4j.regularizers.anticollapse;

import io.github.jepa4j.core.nn.ParamStore;
import io.github.jepa4j.core.task.AntiCollapse;
import io.github.jepa4j.core.train.StepContext;
import io.github.jepa4j.regularizers.loss.BarlowTwinsLoss;
import io.github.jepa4j.regularizers.loss.LossTerms;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Barlow Twins as an anti-collapse module (Zbontar, Jing, Misra, LeCun and Deny, "Barlow Twins:
 * Self-Supervised Learning via Redundancy Reduction", ICML 2021, eq. 1), on two branches
 * {@code a, b [N, D]}: with {@code C} the cross-correlation of the batch-standardised branches,
 *
 * <pre>
 *   weight * ( sum_i (1 - C_ii)^2 + lambda * sum_{i != j} C_ij^2 )
 * </pre>
 *
 * (see {@link BarlowTwinsLoss}). Defaults: {@code lambda = 5e-3}, {@code eps = 1e-5}. Needs two
 * branches: {@code b == null} is refused. No parameters (no projector: apply it to a projection
 * if wanted). Terms {@code barlow.on_diagonal} and {@code barlow.off_diagonal} (weighted, lambda
 * included). {@code gradB} may be null with {@code b} given (stop-gradient b).
 */
public final class BarlowTwins implements AntiCollapse {
    public static final String NAME = "barlow";

    private static final String OWNER = "BarlowTwins";

    private final BarlowTwinsConfig config;
    private final BarlowTwinsLoss loss;
    private int dim = -1;

    /** The paper's defaults. */
    public BarlowTwins() {
        this(BarlowTwinsConfig.defaults());
    }

    public BarlowTwins(BarlowTwinsConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.loss = new BarlowTwinsLoss(config.lambda(), config.eps());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public BarlowTwinsConfig config() {
        return config;
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
        if (b == null) {
            throw new IllegalArgumentException(OWNER + ": needs two branches (the embeddings of two views), but b is null;"
                    + " for a single branch use vicreg (variance/covariance) or sigreg");
        }
        Inputs.requireWeight(OWNER, weight);
        Inputs.check(OWNER, a, b, gradA, gradB, dim);
        LossTerms t = loss.compute(a, b);
        gradA.addi(t.gradA().muli(weight));
        if (gradB != null) {
            gradB.addi(t.gradB().muli(weight));
        }
        Map<String, Double> terms = new LinkedHashMap<>();
        terms.put(NAME + ".on_diagonal", weight * t.term("on_diagonal"));
        terms.put(NAME + ".off_diagonal", weight * config.lambda() * t.term("off_diagonal"));
        return terms;
    }

    @Override
    public String toString() {
        return "BarlowTwins" + config;
    }
}
