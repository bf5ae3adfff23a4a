package io.github.jepa4j.regularizers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.jepa4j.core.testing.Close;
import io.github.jepa4j.core.testing.Fixtures;
import io.github.jepa4j.regularizers.loss.ByolLoss;
import io.github.jepa4j.regularizers.loss.LossTerms;
import io.github.jepa4j.regularizers.loss.VicRegLoss;
import io.github.jepa4j.regularizers.metrics.CollapseMetrics;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The float64 PyTorch golden fixtures (read through core's {@link Fixtures}, so
 * {@code -Djepa4j.fixtures=DIR} swaps in other files of the same format and any shapes).
 */
class GoldenFixturesTest {
    private static final double TOL = 1e-6;

    @Test
    void vicreg() {
        JsonNode f = Fixtures.load("vicreg.json");
        JsonNode c = f.path("coefficients");
        VicRegLoss loss = new VicRegLoss(
                c.path("sim").asDouble(VicRegLoss.DEFAULT_SIM_COEFF),
                c.path("std").asDouble(VicRegLoss.DEFAULT_STD_COEFF),
                c.path("cov").asDouble(VicRegLoss.DEFAULT_COV_COEFF),
                c.has("eps") ? c.get("eps").asDouble() : f.path("eps").asDouble(VicRegLoss.DEFAULT_EPS));
        LossTerms r = loss.compute(Fixtures.array(f.get("x")), Fixtures.array(f.get("y")));
        Close.assertClose("vicreg invariance", f.get("invariance").asDouble(), r.term("invariance"), TOL);
        Close.assertClose("vicreg variance", f.get("variance").asDouble(), r.term("variance"), TOL);
        Close.assertClose("vicreg covariance", f.get("covariance").asDouble(), r.term("covariance"), TOL);
        Close.assertClose("vicreg total", f.get("total").asDouble(), r.total(), TOL);
        Close.assertClose("vicreg grad_x", Fixtures.array(f.get("grad_x")), r.gradA(), TOL);
        Close.assertClose("vicreg grad_y", Fixtures.array(f.get("grad_y")), r.gradB(), TOL);
    }

    @Test
    void byolLoss() {
        JsonNode f = Fixtures.load("byol_loss.json");
        LossTerms r = new ByolLoss().compute(Fixtures.array(f.get("p")), Fixtures.array(f.get("z")));
        Close.assertClose("byol loss", f.get("loss").asDouble(), r.total(), TOL);
        Close.assertClose("byol grad_p", Fixtures.array(f.get("grad_p")), r.gradA(), TOL);
        assertNull(r.gradB(), "z is a stop-gradient target");
    }

    @Test
    void rankMe() {
        JsonNode f = Fixtures.load("rankme.json");
        double eps = f.path("eps").asDouble(CollapseMetrics.RANKME_EPS);
        INDArray x = Fixtures.array(f.get("embeddings"));
        double[] sv = CollapseMetrics.singularValues(x);
        double[] expected = Fixtures.doubles(f.get("singular_values"));
        assertEquals(expected.length, sv.length, "number of singular values");
        Close.assertClose("singular values", expected, sv, TOL);
        Close.assertClose("rankme", f.get("rankme").asDouble(), CollapseMetrics.rankMe(sv, eps), TOL);
        Close.assertClose("std of L2-normalised rows", f.get("std_of_l2_normalized").asDouble(),
                CollapseMetrics.stdOfL2Normalized(x), TOL);
        if (eps == CollapseMetrics.RANKME_EPS) {
            Close.assertClose("rankme (all metrics)", f.get("rankme").asDouble(), CollapseMetrics.compute(x).rankMe(), TOL);
        }
    }
}
