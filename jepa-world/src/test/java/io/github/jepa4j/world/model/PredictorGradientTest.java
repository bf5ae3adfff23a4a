package io.github.jepa4j.world.model;

import io.github.jepa4j.core.nn.Param;
import io.github.jepa4j.core.nn.ParamStore;
import io.github.jepa4j.core.testing.Close;
import io.github.jepa4j.core.testing.GradCheck;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Central finite differences in double for the predictor and for backpropagation through its unroll. */
class PredictorGradientTest {
    private static final double TOL = 1e-6;

    private static INDArray rand(long seed, long... shape) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.DOUBLE, shape);
    }

    /** Checks d f / d every element of {@code target} against {@code analytic}. */
    private static void check(String what, INDArray target, INDArray analytic, Supplier<Double> f) {
        INDArray flat = target.reshape(target.length());
        double[] num = new double[(int) target.length()];
        for (int i = 0; i < num.length; i++) {
            num[i] = GradCheck.numericDerivative(flat, i, f, 1e-6);
        }
        Close.assertClose(what, num, analytic.dup('c').data().asDouble(), TOL);
    }

    private static void checkParams(ParamStore store, Supplier<Double> f) {
        INDArray grads = store.grads().dup();
        for (Param p : store.list()) {
            INDArray an = grads.get(NDArrayIndex.interval(p.offset(), p.offset() + p.length()));
            check("dL/d" + p.name(), p.value(), an, f);
        }
    }

    @Test
    void mlpPredictorGradientsWrtParamsLatentAndAction() {
        for (boolean norm : new boolean[] {true, false}) {
            ParamStore store = new ParamStore(DataType.DOUBLE);
            MlpActionPredictor p = new MlpActionPredictor(store, "p.", 4, 2, 5, 2, norm);
            store.allocate(3);
            // Larger weights than the 0.02 init so every path carries a visible gradient.
            store.params().assign(rand(11, store.size()).muli(0.5));
            INDArray z = rand(1, 3, 4);
            INDArray a = rand(2, 3, 2);
            INDArray up = rand(5, 3, 4);
            Supplier<Double> loss = () -> p.forward(z, a).mul(up).sumNumber().doubleValue();
            store.zeroGrads();
            p.forward(z, a);
            INDArray dz = p.backward(up).dup();
            INDArray da = p.actionGradient().dup();
            check("dL/dz (norm=" + norm + ")", z, dz, loss);
            check("dL/da (norm=" + norm + ")", a, da, loss);
            checkParams(store, loss);
        }
    }

    @Test
    void rolloutBackpropagatesThroughTheUnroll() {
        ParamStore store = new ParamStore(DataType.DOUBLE);
        MlpActionPredictor p = new MlpActionPredictor(store, "p.", 4, 2, 6, 2, true);
        store.allocate(7);
        store.params().assign(rand(12, store.size()).muli(0.5));
        PredictorRollout r = new PredictorRollout(p);
        int h = 3;
        INDArray z0 = rand(3, 2, 4);
        INDArray acts = rand(4, 2, h, 2);
        INDArray up = rand(6, h + 1, 2, 4);
        Supplier<Double> loss = () -> r.forward(z0, acts).mul(up).sumNumber().doubleValue();
        store.zeroGrads();
        r.forward(z0, acts);
        r.backward(up);
        INDArray dz0 = r.startGradient().dup();
        INDArray da = r.actionGradient().dup();
        assertArrayEquals(new long[] {2, h, 2}, da.shape());
        check("rollout dL/dz0", z0, dz0, loss);
        check("rollout dL/da", acts, da, loss);
        checkParams(store, loss);
    }

    @Test
    void rolloutBroadcastsASingleStartState() {
        ParamStore store = new ParamStore(DataType.DOUBLE);
        MlpActionPredictor p = new MlpActionPredictor(store, "p.", 4, 2, 6, 1, true);
        store.allocate(7);
        PredictorRollout r = new PredictorRollout(p);
        INDArray z0 = rand(3, 1, 4);
        INDArray acts = rand(4, 3, 2, 2);
        INDArray s = r.forward(z0, acts).dup();
        INDArray z0b = Nd4j.concat(0, z0, z0, z0);
        Close.assertClose("broadcast start", r.forward(z0b, acts).dup().data().asDouble(), s.data().asDouble(), 1e-12);
    }

    @Test
    void stateEncoderBackwardMatchesFiniteDifferences() {
        var vit = new io.github.jepa4j.core.model.VitConfig(3, 8, 8, 1, 4, 1, 8, 1, 2, 12, 1e-6);
        StateEncoder enc = StateEncoder.create(vit, DataType.DOUBLE, 5);
        ParamStore store = enc.store();
        INDArray x = rand(21, 2, 3, 8, 8);
        INDArray up = rand(22, 2, 8);
        Supplier<Double> loss = () -> enc.encode(x).mul(up).sumNumber().doubleValue();
        store.zeroGrads();
        enc.encode(x);
        enc.backward(up);
        checkParams(store, loss);
    }

    @Test
    void badShapesAreRejected() {
        ParamStore store = new ParamStore(DataType.DOUBLE);
        MlpActionPredictor p = new MlpActionPredictor(store, "p.", 4, 2, 6, 1, true);
        store.allocate(7);
        assertThrows(IllegalArgumentException.class, () -> p.forward(rand(1, 3, 5), rand(1, 3, 2)));
        assertThrows(IllegalArgumentException.class, () -> p.forward(rand(1, 3, 4), rand(1, 2, 2)));
        PredictorRollout r = new PredictorRollout(p);
        assertThrows(IllegalArgumentException.class, () -> r.forward(rand(1, 2, 4), rand(1, 3, 2, 2)));
        assertThrows(IllegalArgumentException.class, () -> new MlpActionPredictor(new ParamStore(DataType.DOUBLE), "q.", 4, 2, 6, 0, true));
    }
}
