package io.github.jepa4j.regularizers.metrics;

import java.util.Arrays;
import java.util.Locale;

/**
 * A snapshot of the collapse diagnostics of one batch of embeddings {@code [batch, dim]}; see
 * {@link CollapseMetrics} for each definition. Immutable: the eigenvalue array is copied in and out.
 *
 * @param batch             number of rows N
 * @param dim               embedding dimension D
 * @param minStd            smallest per-dimension (unbiased) standard deviation
 * @param meanStd           mean per-dimension (unbiased) standard deviation
 * @param stdOfL2Normalized mean per-dimension std of the L2-normalised rows (about 1/sqrt(D) healthy, near 0 collapsed)
 * @param rankMe            RankMe effective rank, in [1, min(N, D)]
 * @param eigenvalues       eigenvalues of the unbiased covariance, descending, length D
 * @param alphaReQ          power-law exponent of the eigen-spectrum decay (NaN with fewer than two positive eigenvalues)
 */
public record CollapseStats(long batch, long dim, double minStd, double meanStd, double stdOfL2Normalized,
                            double rankMe, double[] eigenvalues, double alphaReQ) {
    public CollapseStats {
        eigenvalues = eigenvalues.clone();
    }

    @Override
    public double[] eigenvalues() {
        return eigenvalues.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CollapseStats s && batch == s.batch && dim == s.dim
                && Double.compare(minStd, s.minStd) == 0 && Double.compare(meanStd, s.meanStd) == 0
                && Double.compare(stdOfL2Normalized, s.stdOfL2Normalized) == 0
                && Double.compare(rankMe, s.rankMe) == 0 && Double.compare(alphaReQ, s.alphaReQ) == 0
                && Arrays.equals(eigenvalues, s.eigenvalues);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Objects.hash(batch, dim, minStd, meanStd, stdOfL2Normalized, rankMe, alphaReQ)
                + Arrays.hashCode(eigenvalues);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT,
                "CollapseStats[batch=%d, dim=%d, minStd=%.4g, meanStd=%.4g, stdOfL2Normalized=%.4g, rankMe=%.4g, "
                        + "alphaReQ=%.4g, topEigenvalue=%.4g]",
                batch, dim, minStd, meanStd, stdOfL2Normalized, rankMe, alphaReQ,
                eigenvalues.length == 0 ? Double.NaN : eigenvalues[0]);
    }
}
