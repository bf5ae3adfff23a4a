package io.github.jepa4j.core.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.core.nn.Init;
import io.github.jepa4j.core.nn.Param;
import io.github.jepa4j.core.nn.ParamStore;
import io.github.jepa4j.core.tensor.Kernels;
import io.github.jepa4j.core.testing.Close;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class AdamWTest {
    private static final double[] LR = {1e-3, 5e-3, 2e-2, 0.0, 1e-2, 3e-3, 7e-3};
    private static final double[] WD = {0.04, 0.1, 0.0, 0.3, 0.4, 0.05, 0.2};
    /** Gradient scale per step; 1e-9 is where epsilon placement matters most. */
    private static final double[] GSCALE = {1.0, 1e-9, 0.5, 2.0, 1e-3, 1.0, 0.1};

    /** Weights decayed, biases and norm parameters not, interleaved in the layout. */
    private static ParamStore store(DataType dt, long seed) {
        ParamStore s = new ParamStore(dt);
        s.add("a.weight", new long[] {3, 4}, true, Init.truncNormal(1.0));
        s.add("a.bias", new long[] {4}, false, Init.truncNormal(1.0));
        s.add("norm.weight", new long[] {4}, false, Init.truncNormal(1.0));
        s.add("b.weight", new long[] {2, 3, 2}, true, Init.truncNormal(1.0));
        s.add("b.bias", new long[] {2}, false, Init.truncNormal(1.0));
        return s.allocate(seed);
    }

    private static double[] gradients(int step, int n) {
        SplittableRandom r = new SplittableRandom(100 + step);
        double[] g = new double[n];
        for (int i = 0; i < n; i++) {
            g[i] = (r.nextDouble() * 2 - 1) * GSCALE[step];
        }
        return g;
    }

    private static double[] doubles(INDArray a) {
        return a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    }

    /** torch.optim.AdamW, written out with plain double loops. */
    private static final class Reference {
        final double[] p;
        final double[] m;
        final double[] v;
        final boolean[] decay;
        final double b1;
        final double b2;
        final double eps;
        long t;

        Reference(ParamStore store, double b1, double b2, double eps) {
            p = doubles(store.params());
            m = new double[p.length];
            v = new double[p.length];
            decay = new boolean[p.length];
            for (Param q : store.list()) {
                for (long i = q.offset(); i < q.offset() + q.length(); i++) {
                    decay[(int) i] = q.decay();
                }
            }
            this.b1 = b1;
            this.b2 = b2;
            this.eps = eps;
        }

        void step(double[] g, double lr, double wd) {
            t++;
            double bc1 = 1 - Math.pow(b1, t);
            double bc2 = 1 - Math.pow(b2, t);
            for (int i = 0; i < p.length; i++) {
                if (decay[i]) {
                    p[i] *= 1 - lr * wd;
                }
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                double mhat = m[i] / bc1;
                double vhat = v[i] / bc2;
                p[i] -= lr * mhat / (Math.sqrt(vhat) + eps);
            }
        }
    }

    private static void assertRelative(String what, double[] expected, double[] actual, double tol) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(actual[i] - expected[i]) / Math.max(Math.abs(expected[i]), 1e-300);
            if (!(err <= tol)) {
                throw new AssertionError(String.format("%s[%d] = %.17g, expected %.17g (relative error %.3g > %.1g)",
                        what, i, actual[i], expected[i], err, tol));
            }
        }
    }

    /** Each error within {@code tol} times the largest magnitude of {@code expected} (float rounding, with cancellation in m). */
    private static void assertNearScale(String what, double[] expected, double[] actual, double tol) {
        double scale = 0;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(actual[i] - expected[i]);
            if (!(err <= tol * scale)) {
                throw new AssertionError(String.format("%s[%d] = %.17g, expected %.17g (error %.3g > %.1g x %.3g)",
                        what, i, actual[i], expected[i], err, tol, scale));
            }
        }
    }

    @Test
    void matchesPyTorchAdamWInDouble() {
        for (AdamWConfig cfg : new AdamWConfig[] {AdamWConfig.defaults(), new AdamWConfig(0.8, 0.95, 1e-6)}) {
            ParamStore s = store(DataType.DOUBLE, 7);
            AdamW opt = new AdamW(s, cfg);
            Reference ref = new Reference(s, cfg.beta1(), cfg.beta2(), cfg.eps());
            for (int step = 0; step < LR.length; step++) {
                double[] g = gradients(step, (int) s.size());
                s.grads().assign(Nd4j.createFromArray(g));
                opt.step(LR[step], WD[step]);
                ref.step(g, LR[step], WD[step]);
                String at = cfg + " step " + step;
                assertRelative("params " + at, ref.p, doubles(s.params()), 1e-12);
                assertRelative("m " + at, ref.m, doubles(opt.firstMoment()), 1e-12);
                assertRelative("v " + at, ref.v, doubles(opt.secondMoment()), 1e-12);
                assertArrayEquals(g, doubles(s.grads()), 0.0, "gradient buffer must survive the step");
                assertEquals(step + 1, opt.stepCount());
            }
        }
    }

    @Test
    void floatStepIsTheFusedKernelAndMatchesPyTorchAdamWToFloatPrecision() {
        for (AdamWConfig cfg : new AdamWConfig[] {AdamWConfig.defaults(), new AdamWConfig(0.8, 0.95, 1e-6)}) {
            ParamStore fused = store(DataType.FLOAT, 7);
            ParamStore ops = store(DataType.FLOAT, 7);
            AdamW optFused = new AdamW(fused, cfg);
            AdamW optOps = new AdamW(ops, cfg);
            Reference ref = new Reference(fused, cfg.beta1(), cfg.beta2(), cfg.eps());
            boolean identical = true;
            for (int step = 0; step < LR.length; step++) {
                double[] g = gradients(step, (int) fused.size());
                for (int i = 0; i < g.length; i++) {
                    g[i] = (float) g[i]; // what the FLOAT gradient buffer holds
                }
                fused.grads().assign(Nd4j.createFromArray(g));
                ops.grads().assign(Nd4j.createFromArray(g));
                optFused.step(LR[step], WD[step]);
                try {
                    Kernels.setEnabled(false); // the four ND4J ops the kernel replaces
                    optOps.step(LR[step], WD[step]);
                } finally {
                    Kernels.setEnabled(true);
                }
                ref.step(g, LR[step], WD[step]);
                String at = cfg + " step " + step;
                assertNearScale("params " + at, ref.p, doubles(fused.params()), 1e-6);
                assertNearScale("m " + at, ref.m, doubles(optFused.firstMoment()), 1e-6);
                assertNearScale("v " + at, ref.v, doubles(optFused.secondMoment()), 1e-6);
                assertNearScale("params against the ND4J ops " + at, doubles(ops.params()), doubles(fused.params()), 1e-6);
                identical &= Arrays.equals(doubles(ops.params()), doubles(fused.params()));
            }
            // Float rounding differs between the two, so equal bits would mean the kernel never ran.
            assertFalse(identical, "the FLOAT step must take the fused kernel");
        }
    }

    @Test
    void epsilonIsAddedToTheBiasCorrectedRoot() {
        // One step with |g| = 1e-9: PyTorch gives lr * g / (|g| + eps) ~ 0.091 lr, whereas adding
        // eps to the uncorrected sqrt(v) (ND4J's Adam kernel as is) would give ~0.0032 lr.
        for (DataType dt : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) { // FLOAT: the fused kernel
            ParamStore s = new ParamStore(dt);
            s.add("b", new long[] {1}, false, Init.zeros());
            s.allocate(1);
            s.grads().assign(1e-9);
            new AdamW(s).step(1.0, 0.0);
            assertEquals(-1e-9 / (1e-9 + 1e-8), s.params().getDouble(0), dt == DataType.DOUBLE ? 1e-15 : 1e-8, dt.toString());
        }
    }

    @Test
    void decayOnlyWhereMasked() {
        ParamStore s = store(DataType.DOUBLE, 3);
        double[] p0 = doubles(s.params());
        s.zeroGrads();
        AdamW opt = new AdamW(s);
        opt.step(0.1, 0.5); // zero gradient: the Adam term is exactly 0, only decay acts
        double[] p1 = doubles(s.params());
        for (Param q : s.list()) {
            for (long i = q.offset(); i < q.offset() + q.length(); i++) {
                double expected = q.decay() ? p0[(int) i] * (1 - 0.05) : p0[(int) i];
                assertEquals(expected, p1[(int) i], 1e-15, q.name() + " element " + i);
            }
        }
    }

    @Test
    void zeroLearningRateLeavesParametersButAdvancesMoments() {
        ParamStore s = store(DataType.DOUBLE, 4);
        double[] p0 = doubles(s.params());
        double[] g = gradients(0, (int) s.size());
        s.grads().assign(Nd4j.createFromArray(g));
        AdamW opt = new AdamW(s);
        opt.step(0.0, 0.4);
        assertArrayEquals(p0, doubles(s.params()), 0.0);
        assertEquals(1, opt.stepCount());
        double[] m = doubles(opt.firstMoment());
        for (int i = 0; i < g.length; i++) {
            assertEquals(0.1 * g[i], m[i], 1e-16);
        }
    }

    @Test
    void restoredStateContinuesIdentically() {
        ParamStore a = store(DataType.DOUBLE, 11);
        AdamW optA = new AdamW(a, 0.9, 0.98, 1e-8);
        for (int step = 0; step < 3; step++) {
            a.grads().assign(Nd4j.createFromArray(gradients(step, (int) a.size())));
            optA.step(LR[step], WD[step]);
        }
        AdamW.State saved = optA.state();
        INDArray m = saved.m().dup();
        INDArray v = saved.v().dup();
        long t = saved.t();
        INDArray params = a.params().dup();
        assertEquals(3, t);

        ParamStore b = store(DataType.DOUBLE, 99); // different initial values, same layout
        b.params().assign(params);
        AdamW optB = new AdamW(b, optA.config());
        optB.restore(m, v, t);
        for (int step = 3; step < LR.length; step++) {
            INDArray g = Nd4j.createFromArray(gradients(step, (int) a.size()));
            a.grads().assign(g);
            b.grads().assign(g);
            optA.step(LR[step], WD[step]);
            optB.step(LR[step], WD[step]);
            assertArrayEquals(doubles(a.params()), doubles(b.params()), 0.0, "params after step " + step);
            assertArrayEquals(doubles(optA.firstMoment()), doubles(optB.firstMoment()), 0.0);
            assertArrayEquals(doubles(optA.secondMoment()), doubles(optB.secondMoment()), 0.0);
            assertEquals(optA.stepCount(), optB.stepCount());
        }

        optB.reset();
        assertEquals(0, optB.stepCount());
        assertEquals(0.0, optB.firstMoment().norm2Number().doubleValue(), 0.0);
        optB.restore(optA.state()); // restoring from live buffers (and into a fresh state) works too
        assertArrayEquals(doubles(optA.secondMoment()), doubles(optB.secondMoment()), 0.0);
    }

    @Test
    void floatStoreTracksTheDoubleReference() {
        ParamStore s = store(DataType.FLOAT, 5);
        AdamW opt = new AdamW(s);
        Reference ref = new Reference(s, 0.9, 0.999, 1e-8);
        for (int step = 0; step < LR.length; step++) {
            if (GSCALE[step] < 1e-6) {
                continue; // below float's useful range for v = g^2
            }
            double[] g = gradients(step, (int) s.size());
            s.grads().assign(Nd4j.createFromArray(g).castTo(DataType.FLOAT));
            ref.step(doubles(s.grads()), LR[step], WD[step]);
            opt.step(LR[step], WD[step]);
            Close.assertClose("float params step " + step, ref.p, doubles(s.params()), 1e-5);
        }
        assertEquals(DataType.FLOAT, opt.firstMoment().dataType());
    }

    @Test
    void stepAndEmaAllocateNothing() {
        ParamStore s = store(DataType.DOUBLE, 2);
        ParamStore target = store(DataType.DOUBLE, 3);
        AdamW opt = new AdamW(s);
        s.grads().assign(Nd4j.createFromArray(gradients(0, (int) s.size())));
        opt.step(1e-3, 0.05);
        WorkspaceConfiguration conf = WorkspaceConfiguration.builder()
                .initialSize(1 << 20).policyAllocation(AllocationPolicy.STRICT)
                .policyLearning(LearningPolicy.NONE).policySpill(SpillPolicy.FAIL).build();
        // Any array created while the workspace is open would be placed in it.
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(conf, "adamw-no-alloc")) {
            for (int i = 0; i < 3; i++) {
                opt.step(1e-3, 0.05);
                Ema.update(target.params(), s.params(), 0.99);
            }
            assertEquals(0L, ws.getPrimaryOffset(), "bytes allocated by AdamW.step / Ema.update");
        }
    }

    @Test
    void rejectsBadArguments() {
        ParamStore s = store(DataType.DOUBLE, 1);
        AdamW opt = new AdamW(s);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> opt.step(-1e-3, 0.1));
        assertTrue(e.getMessage().contains("-0.001"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> opt.step(Double.NaN, 0.1));
        assertThrows(IllegalArgumentException.class, () -> opt.step(1e-3, -0.1));
        assertThrows(IllegalArgumentException.class, () -> opt.step(1e-3, Double.POSITIVE_INFINITY));
        assertEquals(0, opt.stepCount());
        e = assertThrows(IllegalArgumentException.class,
                () -> opt.restore(Nd4j.zeros(DataType.DOUBLE, 5), Nd4j.zeros(DataType.DOUBLE, s.size()), 1));
        assertTrue(e.getMessage().contains("" + s.size()) && e.getMessage().contains("[5]"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> opt.restore(Nd4j.zeros(DataType.DOUBLE, s.size()), Nd4j.zeros(DataType.DOUBLE, s.size()), -1));
        e = assertThrows(IllegalArgumentException.class, () -> new AdamWConfig(1.0, 0.999, 1e-8));
        assertTrue(e.getMessage().contains("beta1") && e.getMessage().contains("1.0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new AdamWConfig(0.9, -0.1, 1e-8));
        assertThrows(IllegalArgumentException.class, () -> new AdamWConfig(0.9, 0.999, 0.0));
        ParamStore unallocated = new ParamStore(DataType.DOUBLE);
        unallocated.add("w", new long[] {2}, true, Init.zeros());
        assertThrows(IllegalStateException.class, () -> new AdamW(unallocated));
    }
}
