package io.github.jepa4j.regularizers.anticollapse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.core.nn.Init;
import io.github.jepa4j.core.nn.ParamStore;
import io.github.jepa4j.core.testing.Close;
import io.github.jepa4j.core.train.StepContext;
import io.github.jepa4j.regularizers.loss.BarlowTwinsLoss;
import io.github.jepa4j.regularizers.loss.ByolLoss;
import io.github.jepa4j.regularizers.loss.LossTerms;
import io.github.jepa4j.regularizers.loss.SigRegLoss;
import io.github.jepa4j.regularizers.loss.VicRegLoss;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Each module equals its loss function (weighted) and keeps its documented specifics. */
class ModulesTest {
    private static final StepContext CTX = new StepContext(4, 10, 5, 0);

    private static INDArray randn(long seed, long... shape) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.DOUBLE, shape);
    }

    private static INDArray zeros(INDArray like) {
        return Nd4j.zeros(like.dataType(), like.shape());
    }

    @Test
    void vicRegWithoutExpanderIsTheWeightedLoss() {
        INDArray a = randn(1, 8, 5);
        INDArray b = randn(2, 8, 5);
        VicReg m = new VicReg(VicRegConfig.defaults().withCoefficients(10, 20, 2));
        INDArray ga = zeros(a);
        INDArray gb = zeros(b);
        Map<String, Double> t = m.apply(a, b, ga, gb, 0.5, CTX);
        LossTerms ref = new VicRegLoss(10, 20, 2, 1e-4).compute(a, b);
        assertEquals(0.5 * 10 * ref.term("invariance"), t.get("vicreg.inv"), 1e-12);
        assertEquals(0.5 * 20 * ref.term("variance"), t.get("vicreg.var"), 1e-12);
        assertEquals(0.5 * 2 * ref.term("covariance"), t.get("vicreg.cov"), 1e-12);
        assertEquals(0.5 * ref.total(), t.values().stream().mapToDouble(Double::doubleValue).sum(), 1e-12);
        Close.assertClose("gradA", ref.gradA().mul(0.5), ga, 1e-12);
        Close.assertClose("gradB", ref.gradB().mul(0.5), gb, 1e-12);

        INDArray g1 = zeros(a);
        Map<String, Double> single = m.apply(a, null, g1, null, 1.0, CTX);
        LossTerms vc = new VicRegLoss(10, 20, 2, 1e-4).varianceCovariance(a);
        assertEquals(List.of("vicreg.var", "vicreg.cov"), List.copyOf(single.keySet()));
        assertEquals(vc.total(), single.get("vicreg.var") + single.get("vicreg.cov"), 1e-12);
        Close.assertClose("single gradA", vc.gradA(), g1, 1e-12);
    }

    @Test
    void vicRegExpanderRegistersItsParametersAndRunsPerBranch() {
        ParamStore store = new ParamStore(DataType.DOUBLE);
        VicReg m = new VicReg(VicRegConfig.defaults().withExpander());
        m.register(store, 3);
        store.allocate(1);
        assertEquals("anticollapse.vicreg.expander.0.weight[12, 3];anticollapse.vicreg.expander.1.weight[12];"
                        + "anticollapse.vicreg.expander.1.bias[12];anticollapse.vicreg.expander.3.weight[12, 12];"
                        + "anticollapse.vicreg.expander.4.weight[12];anticollapse.vicreg.expander.4.bias[12];"
                        + "anticollapse.vicreg.expander.6.weight[12, 12];",
                store.layoutSignature(), "default expander 4D-4D-4D, no bias on the last layer");
        INDArray a = randn(3, 6, 3);
        INDArray b = randn(4, 6, 3);
        Map<String, Double> t = m.apply(a, b, zeros(a), zeros(b), 1.0, CTX);
        // Reference: each branch through the expander on its own (its own batch statistics).
        INDArray za = m.expander().forward(a).dup();
        INDArray zb = m.expander().forward(b).dup();
        LossTerms ref = new VicRegLoss().compute(za, zb);
        assertEquals(25 * ref.term("invariance"), t.get("vicreg.inv"), 1e-10);
        assertEquals(25 * ref.term("variance"), t.get("vicreg.var"), 1e-10);
        assertEquals(ref.term("covariance"), t.get("vicreg.cov"), 1e-10);
        assertThrows(IllegalStateException.class, () -> m.register(new ParamStore(DataType.DOUBLE), 3));
        VicReg unregistered = new VicReg(VicRegConfig.defaults().withExpander(4));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> unregistered.apply(a, null, zeros(a), null, 1, CTX));
        assertTrue(e.getMessage().contains("register"), e.getMessage());
        INDArray f = a.castTo(DataType.FLOAT);
        IllegalArgumentException dt = assertThrows(IllegalArgumentException.class, () -> m.apply(f, null, zeros(f), null, 1, CTX));
        assertTrue(dt.getMessage().contains("FLOAT") && dt.getMessage().contains("DOUBLE"), dt.getMessage());
    }

    @Test
    void stopGradientSecondBranchLeavesNoGradient() {
        INDArray a = randn(5, 6, 4);
        INDArray b = randn(6, 6, 4);
        for (var m : List.of(new VicReg(), new SigReg(SigRegConfig.defaults().withDirections(16)), new BarlowTwins())) {
            INDArray ga = zeros(a);
            INDArray gaBoth = zeros(a);
            m.apply(a, b, ga, null, 1.0, CTX);
            m.apply(a, b, gaBoth, zeros(b), 1.0, CTX);
            Close.assertClose(m.name() + ": gradA does not depend on whether b takes a gradient", gaBoth, ga, 1e-12);
        }
    }

    @Test
    void sigRegDirectionsAreAFunctionOfSeedAndStep() {
        INDArray a = randn(7, 10, 4);
        SigRegConfig cfg = new SigRegConfig(11, 16, 17, 3.0);
        SigReg first = new SigReg(cfg);
        double s5 = first.apply(a, null, zeros(a), null, 1, new StepContext(5, 10, 5, 0)).get("sigreg.epps_pulley");
        double s6 = first.apply(a, null, zeros(a), null, 1, new StepContext(6, 10, 5, 0)).get("sigreg.epps_pulley");
        assertNotEquals(s5, s6, "directions are resampled every step");
        assertEquals(7, first.loss().callCount(), "the loss's call counter follows the step");
        SigReg resumed = new SigReg(cfg);                            // e.g. after a restart at step 6
        assertEquals(s6, resumed.apply(a, null, zeros(a), null, 1, new StepContext(6, 10, 5, 99)).get("sigreg.epps_pulley"), 0.0);
        assertEquals(s5, resumed.apply(a, null, zeros(a), null, 1, new StepContext(5, 10, 5, 0)).get("sigreg.epps_pulley"), 0.0);
        SigRegLoss ref = new SigRegLoss(11, 16, 17, 3.0);
        LossTerms direct = ref.compute(a, ref.directionsForCall(5, 4, DataType.DOUBLE));
        assertEquals(direct.total(), s5, 1e-12);

        // Two branches: the same directions for both, averaged.
        INDArray b = randn(8, 10, 4);
        INDArray ga = zeros(a);
        INDArray gb = zeros(b);
        double both = first.apply(a, b, ga, gb, 2.0, new StepContext(5, 10, 5, 0)).get("sigreg.epps_pulley");
        LossTerms tb = ref.compute(b, ref.directionsForCall(5, 4, DataType.DOUBLE));
        assertEquals(2.0 * 0.5 * (direct.total() + tb.total()), both, 1e-12);
        Close.assertClose("sigreg gradA", direct.gradA(), ga, 1e-12);
        Close.assertClose("sigreg gradB", tb.gradA(), gb, 1e-12);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> first.apply(a, null, zeros(a), null, 1, null));
        assertTrue(e.getMessage().contains("step context"), e.getMessage());
    }

    @Test
    void barlowIsTheWeightedLoss() {
        INDArray a = randn(9, 7, 3);
        INDArray b = randn(10, 7, 3);
        INDArray ga = zeros(a);
        INDArray gb = zeros(b);
        Map<String, Double> t = new BarlowTwins(new BarlowTwinsConfig(0.1, 1e-5)).apply(a, b, ga, gb, 3.0, CTX);
        LossTerms ref = new BarlowTwinsLoss(0.1, 1e-5).compute(a, b);
        assertEquals(3.0 * ref.term("on_diagonal"), t.get("barlow.on_diagonal"), 1e-12);
        assertEquals(3.0 * 0.1 * ref.term("off_diagonal"), t.get("barlow.off_diagonal"), 1e-12);
        Close.assertClose("barlow gradA", ref.gradA().mul(3), ga, 1e-12);
        Close.assertClose("barlow gradB", ref.gradB().mul(3), gb, 1e-12);
    }

    @Test
    void emaDistillationRegressesTheTeacherThroughItsPredictor() {
        ParamStore store = new ParamStore(DataType.DOUBLE);
        store.add("encoder.w", new long[] {1}, true, Init.ones());
        EmaDistillation m = new EmaDistillation();
        m.register(store, 4);
        store.allocate(3);
        assertTrue(store.layoutSignature().contains("anticollapse.ema.predictor.0.weight[16, 4]")
                && store.layoutSignature().contains("anticollapse.ema.predictor.3.bias[4]"), store.layoutSignature());
        INDArray a = randn(11, 6, 4);
        INDArray teacher = randn(12, 6, 4);
        INDArray gb = Nd4j.ones(DataType.DOUBLE, 6, 4);
        double v = m.apply(a, teacher, zeros(a), gb, 0.5, CTX).get("ema.regression");
        INDArray p = m.predictor().forward(a).dup();
        assertEquals(0.5 * new ByolLoss().compute(p, teacher).total(), v, 1e-12);
        Close.assertClose("teacher gets no gradient", Nd4j.ones(DataType.DOUBLE, 6, 4), gb, 0);
        // A perfect student (predictor output aligned with the teacher) has zero loss.
        assertEquals(0.0, new ByolLoss().compute(p, p.mul(3)).total(), 1e-12);
    }
}
