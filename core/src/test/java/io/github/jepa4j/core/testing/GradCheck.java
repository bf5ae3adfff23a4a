package io.github.jepa4j.core.testing;

import io.github.jepa4j.core.nn.Layer;
import io.github.jepa4j.core.nn.Param;
import io.github.jepa4j.core.nn.ParamStore;
import java.util.function.Supplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Central finite-difference gradient checks in double precision.
 *
 * <p>The scalar checked is {@code L = sum(forward(x) * upstream)} for a fixed random
 * {@code upstream}, so {@code dL/dy = upstream} exercises every output element.
 */
public final class GradCheck {
    private GradCheck() {}

    /** Scalar-valued function of the current state (input and parameters), in double. */
    public static double numericDerivative(INDArray target, long index, Supplier<Double> f, double h) {
        double orig = target.getDouble(index);
        target.putScalar(index, orig + h);
        double plus = f.get();
        target.putScalar(index, orig - h);
        double minus = f.get();
        target.putScalar(index, orig);
        return (plus - minus) / (2 * h);
    }

    /**
     * Checks a layer's input gradient and every parameter gradient against central differences.
     * {@code x} must be DOUBLE; {@code store} (may be null for parameter-free layers) must be an
     * allocated DOUBLE store holding the layer's parameters.
     */
    public static void checkLayer(String what, Layer layer, ParamStore store, INDArray x, INDArray upstream, double tol) {
        if (x.dataType() != DataType.DOUBLE) {
            throw new IllegalArgumentException("gradient checks need DOUBLE inputs");
        }
        Supplier<Double> loss = () -> layer.forward(x).mul(upstream).sumNumber().doubleValue();
        if (store != null) {
            store.zeroGrads();
        }
        layer.forward(x);
        INDArray dx = layer.backward(upstream).dup();
        INDArray flatX = x.reshape(x.length());
        double[] num = new double[(int) x.length()];
        for (int i = 0; i < num.length; i++) {
            num[i] = numericDerivative(flatX, i, loss, 1e-6);
        }
        Close.assertClose(what + " dL/dx", num, dx.dup('c').data().asDouble(), tol);
        if (store != null) {
            INDArray grads = store.grads().dup();
            for (Param p : store.list()) {
                INDArray v = p.value().reshape(p.length());
                double[] pn = new double[(int) p.length()];
                for (int i = 0; i < pn.length; i++) {
                    pn[i] = numericDerivative(v, i, loss, 1e-6);
                }
                double[] an = grads.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(p.offset(), p.offset() + p.length()))
                        .dup().data().asDouble();
                Close.assertClose(what + " dL/d" + p.name(), pn, an, tol);
            }
        }
    }
}
