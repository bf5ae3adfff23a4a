package io.github.jepa4j.regularizers.metrics;

import io.github.jepa4j.regularizers.Embeddings;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Collapse diagnostics of a batch of embeddings {@code z [N, D]} (rows = samples). All are
 * computed in float64 whatever the input type; singular values come from LAPACK {@code gesvd}
 * (ND4J's {@code lapack().gesvd}, values only), which is exact to rounding in double, unlike
 * {@code sqrt(eig(z^T z))} which loses the small ones.
 *
 * <ul>
 *   <li>{@link #perDimensionStd}: the unbiased standard deviation of each column over the batch.
 *       A dimension that no longer varies has collapsed.</li>
 *   <li>{@link #stdOfL2Normalized}: the mean over dimensions of the unbiased std of the
 *       L2-normalised rows ({@code z_n / max(|z_n|, 1e-12)}). About {@code 1/sqrt(D)} for isotropic
 *       embeddings, {@code -> 0} under complete collapse (the SimSiam diagnostic).</li>
 *   <li>{@link #rankMe}: RankMe (Garrido, Balestriero, Najman and LeCun, ICML 2023, eq. 1): with
 *       {@code sigma_k} the singular values of {@code z} (not centred),
 *       {@code p_k = sigma_k / sum_j sigma_j + eps}, {@code eps = 1e-7},
 *       {@code RankMe = exp(-sum_k p_k log p_k)}, a smooth effective rank in {@code [1, min(N, D)]}.</li>
 *   <li>{@link #covarianceEigenvalues}: the eigenvalues of the unbiased covariance
 *       {@code zc^T zc / (N - 1)}, descending, length {@code D}: computed as {@code s_k^2 / (N - 1)}
 *       from the singular values {@code s_k} of the centred batch {@code zc}, padded with zeros
 *       when {@code N - 1 < D}.</li>
 *   <li>{@link #alphaReQ}: alpha-ReQ (Agrawal et al., NeurIPS 2022): the eigen-spectrum is fitted by
 *       a power law {@code lambda_k ~ k^(-alpha)}; {@code alpha} is minus the least-squares slope of
 *       {@code log lambda_k} against {@code log k} ({@code k = 1, 2, ...} the rank) over the
 *       eigenvalues that are positive, i.e. above {@code lambda_1 * 1e-14} (singular values below
 *       {@code 1e-7 sigma_1}, float32 resolution, count as zero: rounding leaves exact zeros of a
 *       rank-deficient batch slightly positive). Small alpha: a flat, high-rank spectrum; large
 *       alpha: fast decay towards collapse.</li>
 * </ul>
 */
public final class CollapseMetrics {
    /** RankMe's {@code eps} (Garrido et al.). */
    public static final double RANKME_EPS = 1e-7;
    /** Eigenvalues at or below {@code lambda_1} times this count as zero in {@link #alphaReQ(double[])}. */
    public static final double ALPHA_REQ_REL_TOL = 1e-14;
    /** The floor on row norms when L2-normalising ({@code F.normalize}'s default). */
    public static final double NORMALIZE_EPS = 1e-12;

    private static final String OWNER = "CollapseMetrics";
    private static final String WHY = "an unbiased standard deviation over the batch needs N >= 2";

    private CollapseMetrics() {}

    /** All diagnostics of {@code z [N, D]}, {@code N >= 2}. */
    public static CollapseStats compute(INDArray z) {
        INDArray zd = doubles(z, 2, WHY);
        double[] std = perDimensionStdOf(zd);
        double min = Double.POSITIVE_INFINITY;
        double mean = 0;
        for (double s : std) {
            min = Math.min(min, s);
            mean += s;
        }
        mean /= std.length;
        double[] eig = eigenvaluesOf(zd);
        return new CollapseStats(zd.size(0), zd.size(1), min, mean, stdOfL2NormalizedOf(zd),
                rankMe(singularValuesOf(zd), RANKME_EPS), eig, alphaReQ(eig));
    }

    /** The unbiased standard deviation of each of the {@code D} columns of {@code z [N, D]}, {@code N >= 2}. */
    public static double[] perDimensionStd(INDArray z) {
        return perDimensionStdOf(doubles(z, 2, WHY));
    }

    /** Mean over dimensions of the unbiased std over the batch of the L2-normalised rows, {@code N >= 2}. */
    public static double stdOfL2Normalized(INDArray z) {
        return stdOfL2NormalizedOf(doubles(z, 2, WHY));
    }

    /** The {@code min(N, D)} singular values of {@code z [N, D]} (not centred), descending. */
    public static double[] singularValues(INDArray z) {
        return singularValuesOf(doubles(z, 1, ""));
    }

    /** RankMe of {@code z [N, D]} with {@code eps = 1e-7}. */
    public static double rankMe(INDArray z) {
        return rankMe(singularValues(z), RANKME_EPS);
    }

    /**
     * RankMe from singular values: {@code exp(-sum p_k log p_k)}, {@code p_k = sigma_k / sum sigma + eps}.
     * For all-zero singular values ({@code z = 0}) the ratios are taken as 0, so {@code p_k = eps}.
     */
    public static double rankMe(double[] singularValues, double eps) {
        if (singularValues.length == 0) {
            throw new IllegalArgumentException(OWNER + ": rankMe needs at least one singular value");
        }
        if (!(eps >= 0) || !Double.isFinite(eps)) {
            throw new IllegalArgumentException(OWNER + ": rankMe eps must be finite and >= 0, got " + eps);
        }
        double sum = 0;
        for (double s : singularValues) {
            if (!(s >= 0) || !Double.isFinite(s)) {
                throw new IllegalArgumentException(OWNER + ": singular values must be finite and >= 0, got " + s
                        + " in " + Arrays.toString(singularValues));
            }
            sum += s;
        }
        double entropy = 0;
        for (double s : singularValues) {
            double p = (sum > 0 ? s / sum : 0) + eps;
            if (p > 0) {
                entropy -= p * Math.log(p);
            }
        }
        return Math.exp(entropy);
    }

    /** The {@code D} eigenvalues of the unbiased covariance of {@code z [N, D]}, descending, {@code N >= 2}. */
    public static double[] covarianceEigenvalues(INDArray z) {
        return eigenvaluesOf(doubles(z, 2, WHY));
    }

    /** {@link #alphaReQ(double[], double)} with {@link #ALPHA_REQ_REL_TOL}. */
    public static double alphaReQ(double[] eigenvalues) {
        return alphaReQ(eigenvalues, ALPHA_REQ_REL_TOL);
    }

    /**
     * The alpha-ReQ power-law exponent of an eigen-spectrum (any order; sorted here): minus the
     * least-squares slope of {@code log lambda_k} on {@code log k}, {@code k = 1, 2, ...}, over the
     * eigenvalues above {@code lambda_1 * relTol}. NaN when fewer than two eigenvalues qualify.
     */
    public static double alphaReQ(double[] eigenvalues, double relTol) {
        if (!(relTol >= 0) || !Double.isFinite(relTol)) {
            throw new IllegalArgumentException(OWNER + ": alphaReQ relTol must be finite and >= 0, got " + relTol);
        }
        double[] lam = eigenvalues.clone();
        for (double v : lam) {
            if (Double.isNaN(v) || Double.isInfinite(v)) {
                throw new IllegalArgumentException(OWNER + ": eigenvalues must be finite, got " + v
                        + " in " + Arrays.toString(eigenvalues));
            }
        }
        Arrays.sort(lam);
        int len = lam.length;
        if (len < 2 || !(lam[len - 1] > 0)) {
            return Double.NaN;
        }
        double tol = lam[len - 1] * relTol;
        int count = 0;
        double sx = 0;
        double sy = 0;
        for (int k = 1; k <= len && lam[len - k] > tol; k++) {
            sx += Math.log(k);
            sy += Math.log(lam[len - k]);
            count++;
        }
        if (count < 2) {
            return Double.NaN;
        }
        double mx = sx / count;
        double my = sy / count;
        double sxy = 0;
        double sxx = 0;
        for (int k = 1; k <= count; k++) {
            double dx = Math.log(k) - mx;
            sxy += dx * (Math.log(lam[len - k]) - my);
            sxx += dx * dx;
        }
        return -sxy / sxx;
    }

    private static INDArray doubles(INDArray z, int minRows, String why) {
        INDArray checked = Embeddings.requireMatrix(OWNER, "z", z, minRows, why);
        return checked.dataType() == DataType.DOUBLE ? checked : checked.castTo(DataType.DOUBLE);
    }

    private static double[] perDimensionStdOf(INDArray zd) {
        return zd.std(true, 0).data().asDouble();
    }

    private static double stdOfL2NormalizedOf(INDArray zd) {
        INDArray norms = Transforms.max(zd.norm2(1), NORMALIZE_EPS, false);
        return zd.divColumnVector(norms).std(true, 0).meanNumber().doubleValue();
    }

    private static double[] singularValuesOf(INDArray zd) {
        INDArray a = zd.dup('f');                                 // gesvd overwrites its input
        INDArray s = Nd4j.create(DataType.DOUBLE, Math.min(a.rows(), a.columns()));
        Nd4j.getBlasWrapper().lapack().gesvd(a, s, null, null);
        double[] sv = s.data().asDouble();
        Arrays.sort(sv);
        reverse(sv);
        return sv;
    }

    private static double[] eigenvaluesOf(INDArray zd) {
        long n = zd.size(0);
        double[] sv = singularValuesOf(zd.subRowVector(zd.mean(0)));
        double[] eig = new double[(int) zd.size(1)];
        for (int k = 0; k < sv.length; k++) {
            eig[k] = sv[k] * sv[k] / (n - 1);
        }
        return eig;
    }

    private static void reverse(double[] v) {
        for (int i = 0, j = v.length - 1; i < j; i++, j--) {
            double tmp = v[i];
            v[i] = v[j];
            v[j] = tmp;
        }
    }
}
