package io.github.jepa4j.regularizers.anticollapse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.jepa4j.core.nn.Init;
import io.github.jepa4j.core.nn.Param;
import io.github.jepa4j.core.nn.ParamStore;
import io.github.jepa4j.core.task.AntiCollapse;
import io.github.jepa4j.core.testing.Close;
import io.github.jepa4j.core.testing.GradCheck;
import io.github.jepa4j.core.train.StepContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The contract every registered anti-collapse module keeps, checked on tiny DOUBLE embeddings:
 * finite terms, input gradients (added, weighted) equal to central finite differences, parameter
 * gradients that are non-zero and match finite differences, and a Jackson-serialisable config
 * that rebuilds the same module through the registry.
 */
class AntiCollapseContractTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int N = 6;
    private static final int D = 4;
    private static final double WEIGHT = 0.7;

    /** Every registered name with small settings (a small expander/predictor), plus VICReg without expander. */
    static Stream<Arguments> modules() {
        List<Arguments> all = new ArrayList<>();
        for (String name : AntiCollapseRegistry.names()) {
            Object config = switch (name) {
                case "vicreg" -> VicRegConfig.defaults().withExpander(5, 6, 3);
                case "sigreg" -> SigRegConfig.defaults().withDirections(8).withSeed(3);
                case "barlow" -> new BarlowTwinsConfig(0.05, 1e-5);
                case "ema" -> EmaDistillationConfig.defaults().withHidden(5);
                default -> throw new AssertionError("contract test does not know '" + name + "': add it here");
            };
            all.add(Arguments.of(name, config));
        }
        all.add(Arguments.of("vicreg", VicRegConfig.defaults()));
        return all.stream();
    }

    private record Setup(AntiCollapse module, ParamStore store) {}

    private static Setup setup(String name, Object config) {
        AntiCollapse m = AntiCollapseRegistry.create(name, config);
        ParamStore store = new ParamStore(DataType.DOUBLE);
        store.add("encoder.dummy", new long[] {3}, true, Init.ones());   // a store needs one parameter to allocate
        m.register(store, D);
        store.allocate(5);
        m.initialize(store);
        // Non-trivial batch-norm affine parameters, so their gradient paths are exercised.
        for (Param p : store.list()) {
            if (p.name().matches(".*\\.\\d+\\.(weight|bias)") && p.shape().length == 1) {
                Nd4j.getRandom().setSeed(p.name().hashCode());
                p.value().addi(Nd4j.randn(DataType.DOUBLE, p.shape()).muli(0.2));
            }
        }
        return new Setup(m, store);
    }

    private static INDArray randn(long seed, long... shape) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.DOUBLE, shape);
    }

    private static boolean twoBranchOnly(String name) {
        return name.equals("barlow") || name.equals("ema");
    }

    private static double sum(Map<String, Double> terms) {
        return terms.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("modules")
    void twoBranchTermsAndGradientsMatchFiniteDifferences(String name, Object config) {
        Setup s = setup(name, config);
        AntiCollapse m = s.module();
        StepContext ctx = new StepContext(7, 100, 10, 1);
        INDArray a = randn(1, N, D).muli(0.8).addi(0.3);
        INDArray b = a.mul(0.6).addi(randn(2, N, D).muli(0.5));
        Supplier<Double> loss = () -> sum(m.apply(a, b, Nd4j.zeros(DataType.DOUBLE, N, D), Nd4j.zeros(DataType.DOUBLE, N, D), WEIGHT, ctx));

        s.store().zeroGrads();
        INDArray gradA = Nd4j.ones(DataType.DOUBLE, N, D);           // gradients are added, not assigned
        INDArray gradB = Nd4j.ones(DataType.DOUBLE, N, D).muli(2);
        Map<String, Double> terms = m.apply(a, b, gradA, gradB, WEIGHT, ctx);
        assertFalse(terms.isEmpty());
        for (var t : terms.entrySet()) {
            assertTrue(t.getKey().startsWith(m.name() + "."), "term " + t.getKey() + " is prefixed with " + m.name());
            assertTrue(Double.isFinite(t.getValue()), "term " + t.getKey() + " = " + t.getValue());
        }
        INDArray paramGrads = s.store().grads().dup();
        checkInput(name + " dL/da", a, loss, gradA.sub(1.0));
        INDArray expectedB = name.equals("ema") ? Nd4j.zeros(DataType.DOUBLE, N, D) : null;   // b is the stop-gradient teacher
        if (expectedB != null) {
            Close.assertClose(name + " gradB untouched", Nd4j.ones(DataType.DOUBLE, N, D).muli(2), gradB, 0);
        } else {
            checkInput(name + " dL/db", b, loss, gradB.sub(2.0));
        }
        checkParams(name, s.store(), loss, paramGrads);

        // The weight scales terms and gradients linearly.
        INDArray gA2 = Nd4j.zeros(DataType.DOUBLE, N, D);
        double twice = sum(m.apply(a, b, gA2, Nd4j.zeros(DataType.DOUBLE, N, D), 2 * WEIGHT, ctx));
        assertEquals(2 * sum(terms), twice, 1e-9 * (1 + Math.abs(twice)));
        Close.assertClose(name + " weight scaling", gradA.sub(1.0).muli(2), gA2, 1e-9);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("modules")
    void singleBranchUseIsSupportedOrRefusedClearly(String name, Object config) {
        Setup s = setup(name, config);
        AntiCollapse m = s.module();
        StepContext ctx = new StepContext(3, 100, 10, 1);
        INDArray a = randn(3, N, D).muli(0.9);
        if (twoBranchOnly(name)) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> m.apply(a, null, Nd4j.zeros(DataType.DOUBLE, N, D), null, WEIGHT, ctx));
            assertTrue(e.getMessage().contains("b is null"), e.getMessage());
            return;
        }
        Supplier<Double> loss = () -> sum(m.apply(a, null, Nd4j.zeros(DataType.DOUBLE, N, D), null, WEIGHT, ctx));
        s.store().zeroGrads();
        INDArray gradA = Nd4j.zeros(DataType.DOUBLE, N, D);
        Map<String, Double> terms = m.apply(a, null, gradA, null, WEIGHT, ctx);
        assertTrue(terms.values().stream().allMatch(Double::isFinite), terms.toString());
        assertFalse(terms.containsKey("vicreg.inv"), "no invariance term without a second branch");
        INDArray paramGrads = s.store().grads().dup();
        checkInput(name + " single dL/da", a, loss, gradA);
        checkParams(name + " single", s.store(), loss, paramGrads);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("modules")
    void configSerialisesAndRebuildsTheSameModule(String name, Object config) throws Exception {
        AntiCollapse m = AntiCollapseRegistry.create(name, config);
        assertEquals(name, m.name());
        String json = JSON.writeValueAsString(m.config());
        JsonNode node = JSON.readTree(json);
        AntiCollapse again = AntiCollapseRegistry.create(name, node);
        assertEquals(m.config(), again.config(), "round trip through " + json);
        assertEquals(m.getClass(), again.getClass());
        assertEquals(config, JSON.treeToValue(node, AntiCollapseRegistry.configType(name)));
    }

    @Test
    void everyRegisteredNameIsCovered() {
        assertEquals(List.of("vicreg", "sigreg", "barlow", "ema"), AntiCollapseRegistry.names());
    }

    private static void checkInput(String what, INDArray x, Supplier<Double> loss, INDArray analytic) {
        INDArray flat = x.reshape(x.length());
        double[] num = new double[(int) x.length()];
        for (int i = 0; i < num.length; i++) {
            num[i] = GradCheck.numericDerivative(flat, i, loss, 1e-6);
        }
        Close.assertClose(what, num, analytic.dup('c').data().asDouble(), 1e-6);
    }

    /** Every parameter the module registered gets a non-zero gradient equal to finite differences. */
    private static void checkParams(String what, ParamStore store, Supplier<Double> loss, INDArray grads) {
        for (Param p : store.list()) {
            double[] an = grads.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(p.offset(), p.offset() + p.length())).dup().data().asDouble();
            if (p.name().startsWith("encoder.")) {
                assertTrue(java.util.Arrays.stream(an).allMatch(v -> v == 0), "the module must not touch " + p.name());
                continue;
            }
            assertTrue(java.util.Arrays.stream(an).anyMatch(v -> Math.abs(v) > 1e-10), what + ": " + p.name() + " gets no gradient");
            INDArray v = p.value().reshape(p.length());
            double[] num = new double[(int) p.length()];
            for (int i = 0; i < num.length; i++) {
                num[i] = GradCheck.numericDerivative(v, i, loss, 1e-6);
            }
            Close.assertClose(what + " dL/d" + p.name(), num, an, 1e-6);
        }
    }
}
