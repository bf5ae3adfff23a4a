package io.github.jepa4j.regularizers.anticollapse;

import io.github.jepa4j.regularizers.loss.VicRegLoss;
import java.util.ArrayList;
import java.util.List;

/**
 * Settings of {@link VicReg}.
 *
 * @param simCoeff       weight of the invariance (MSE) term (paper: 25); unused single-branch
 * @param stdCoeff       weight of the variance hinge (paper: 25)
 * @param covCoeff       weight of the covariance term (paper: 1)
 * @param eps            inside the variance square root (paper: 1e-4)
 * @param expander       whether the embeddings go through an expander MLP first
 * @param expanderWidths widths of the expander's layers, the last being its output width (paper:
 *                       8192-8192-8192); empty = three layers of 4x the embedding width
 */
public record VicRegConfig(double simCoeff, double stdCoeff, double covCoeff, double eps, boolean expander,
                           List<Integer> expanderWidths) {
    /** Expander width per embedding dimension when no widths are given. */
    public static final int DEFAULT_EXPANSION = 4;

    public VicRegConfig {
        Inputs.requireFiniteNonNegative("VicRegConfig", "simCoeff", simCoeff);
        Inputs.requireFiniteNonNegative("VicRegConfig", "stdCoeff", stdCoeff);
        Inputs.requireFiniteNonNegative("VicRegConfig", "covCoeff", covCoeff);
        Inputs.requirePositive("VicRegConfig", "eps", eps);
        expanderWidths = expanderWidths == null ? List.of() : List.copyOf(expanderWidths);
        for (Integer w : expanderWidths) {
            if (w <= 0) {
                throw new IllegalArgumentException("VicRegConfig: expander widths must be positive, got " + expanderWidths);
            }
        }
        if (!expander && !expanderWidths.isEmpty()) {
            throw new IllegalArgumentException("VicRegConfig: expander widths " + expanderWidths + " given but expander is off");
        }
    }

    /** The paper's coefficients (25, 25, 1), eps 1e-4, no expander. */
    public static VicRegConfig defaults() {
        return new VicRegConfig(VicRegLoss.DEFAULT_SIM_COEFF, VicRegLoss.DEFAULT_STD_COEFF, VicRegLoss.DEFAULT_COV_COEFF,
                VicRegLoss.DEFAULT_EPS, false, List.of());
    }

    /** The same coefficients with an expander of the given widths (none: three layers of 4x the embedding width). */
    public VicRegConfig withExpander(Integer... widths) {
        return new VicRegConfig(simCoeff, stdCoeff, covCoeff, eps, true, List.of(widths));
    }

    public VicRegConfig withCoefficients(double sim, double std, double cov) {
        return new VicRegConfig(sim, std, cov, eps, expander, expanderWidths);
    }

    /** The expander's layer widths for embeddings of width {@code dim} (empty without expander). */
    public List<Integer> expanderWidthsFor(int dim) {
        if (!expander) {
            return List.of();
        }
        if (!expanderWidths.isEmpty()) {
            return expanderWidths;
        }
        List<Integer> w = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            w.add(DEFAULT_EXPANSION * dim);
        }
        return List.copyOf(w);
    }
}
