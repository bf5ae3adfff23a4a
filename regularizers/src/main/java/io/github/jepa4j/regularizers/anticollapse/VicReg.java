package io.github.jepa4j.regularizers.anticollapse;

import io.github.jepa4j.core.nn.ParamStore;
import io.github.jepa4j.core.task.AntiCollapse;
import io.github.jepa4j.core.tensor.Scratch;
import io.github.jepa4j.core.train.StepContext;
import io.github.jepa4j.regularizers.loss.LossTerms;
import io.github.jepa4j.regularizers.loss.VicRegLoss;
import io.github.jepa4j.regularizers.nn.MlpHead;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * VICReg as an anti-collapse module (Bardes, Ponce and LeCun, "VICReg: Variance-Invariance-Covariance
 * Regularization for Self-Supervised Learning", ICLR 2022), on embeddings {@code [N, D]}.
 *
 * <p>With an optional expander {@code h} ({@link MlpHead}: {@code (Linear -> BatchNorm1d -> ReLU) x 2
 * -> Linear} without bias, widths {@link VicRegConfig#expanderWidths}, default {@code 4D-4D-4D}),
 * {@code z = h(a)}, otherwise {@code z = a}; then (see {@link VicRegLoss} for the equations)
 *
 * <pre>
 *   two branches (a, b):   weight * (sim * inv(za, zb) + std * (v(za) + v(zb)) / 2 + cov * (c(za) + c(zb)))
 *   one branch (b = null): weight * (std * v(za) + cov * c(za))          (V-JEPA-style variance/covariance hinge)
 * </pre>
 *
 * with {@code v(z) = mean_j relu(1 - sqrt(Var_j + eps))} and {@code c(z)} the mean squared
 * off-diagonal covariance. Defaults are the paper's: {@code sim = std = 25}, {@code cov = 1},
 * {@code eps = 1e-4}, no expander.
 *
 * <p>The expander's parameters are registered in the task's trainable store under
 * {@code anticollapse.vicreg.expander.*} by {@link #register}, so the task's optimiser trains them;
 * gradients flow through it into {@code gradA}/{@code gradB}. Two branches go through the expander
 * in one pass with per-branch batch statistics. {@code gradB} may be null with {@code b} given,
 * which treats {@code b} as a stop-gradient input. Terms: {@code vicreg.inv} (two branches only),
 * {@code vicreg.var}, {@code vicreg.cov}, each already multiplied by its coefficient and the weight.
 */
public final class VicReg implements AntiCollapse {
    public static final String NAME = "vicreg";
    /** Parameter name prefix of the expander. */
    public static final String EXPANDER_PREFIX = "anticollapse.vicreg.expander";

    private static final String OWNER = "VicReg";
    private static final int STACKED = 0, GRAD_Y = 1;

    private final VicRegConfig config;
    private final VicRegLoss loss;
    private final Scratch scratch = new Scratch(2);
    private MlpHead expander;
    private ParamStore store;
    private int dim = -1;

    /** The paper's defaults, no expander. */
    public VicReg() {
        this(VicRegConfig.defaults());
    }

    public VicReg(VicRegConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.loss = new VicRegLoss(config.simCoeff(), config.stdCoeff(), config.covCoeff(), config.eps());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public VicRegConfig config() {
        return config;
    }

    /** The expander, or null without one (or before {@link #register}). */
    public MlpHead expander() {
        return expander;
    }

    @Override
    public void register(ParamStore store, int dim) {
        if (dim <= 0) {
            throw new IllegalArgumentException(OWNER + ": embedding width must be > 0, got " + dim);
        }
        if (this.dim > 0) {
            throw new IllegalStateException(OWNER + ": already registered (width " + this.dim + "); use one instance per task");
        }
        this.dim = dim;
        this.store = store;
        if (config.expander()) {
            List<Integer> widths = config.expanderWidthsFor(dim);
            expander = new MlpHead(store, EXPANDER_PREFIX, dim, widths.subList(0, widths.size() - 1),
                    widths.get(widths.size() - 1), false);
        }
    }

    @Override
    public Map<String, Double> apply(INDArray a, INDArray b, INDArray gradA, INDArray gradB, double weight, StepContext ctx) {
        Inputs.requireWeight(OWNER, weight);
        Inputs.check(OWNER, a, b, gradA, gradB, dim);
        if (config.expander() && expander == null) {
            throw new IllegalStateException(OWNER + ": the expander has no parameters yet; call register(store, dim) before apply");
        }
        LossTerms t;
        if (expander == null) {
            t = b == null ? loss.varianceCovariance(a) : loss.compute(a, b);
            gradA.addi(t.gradA().muli(weight));
            if (gradB != null) {
                gradB.addi(t.gradB().muli(weight));
            }
        } else {
            if (a.dataType() != store.dtype()) {
                throw new IllegalArgumentException(OWNER + ": embeddings are " + a.dataType() + " but the expander's parameters are "
                        + store.dtype());
            }
            t = b == null ? throughExpander(a, gradA, weight) : throughExpander(a, b, gradA, gradB, weight);
        }
        Map<String, Double> terms = new LinkedHashMap<>();
        if (b != null) {
            terms.put(NAME + ".inv", weight * config.simCoeff() * t.term("invariance"));
        }
        terms.put(NAME + ".var", weight * config.stdCoeff() * t.term("variance"));
        terms.put(NAME + ".cov", weight * config.covCoeff() * t.term("covariance"));
        return terms;
    }

    private LossTerms throughExpander(INDArray a, INDArray gradA, double weight) {
        INDArray z = expander.forward(a, 1);
        LossTerms t = loss.varianceCovariance(z);
        gradA.addi(expander.backward(t.gradA().muli(weight)));
        return t;
    }

    private LossTerms throughExpander(INDArray a, INDArray b, INDArray gradA, INDArray gradB, double weight) {
        long n = a.size(0);
        INDArray x = scratch.get(STACKED, a.dataType(), 2 * n, a.size(1));
        rows(x, 0, n).assign(a);
        rows(x, n, 2 * n).assign(b);
        INDArray z = expander.forward(x, 2);                     // per-branch batch statistics
        LossTerms t = loss.compute(rows(z, 0, n), rows(z, n, 2 * n));
        INDArray gz = scratch.get(GRAD_Y, z.dataType(), z.shape());
        rows(gz, 0, n).assign(t.gradA()).muli(weight);
        rows(gz, n, 2 * n).assign(t.gradB()).muli(weight);
        INDArray dx = expander.backward(gz);
        gradA.addi(rows(dx, 0, n));
        if (gradB != null) {
            gradB.addi(rows(dx, n, 2 * n));
        }
        return t;
    }

    static INDArray rows(INDArray m, long from, long to) {
        return m.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
    }

    @Override
    public String toString() {
        return "VicReg" + config;
    }
}
