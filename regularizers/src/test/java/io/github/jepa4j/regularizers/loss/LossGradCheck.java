package io.github.jepa4j.regularizers.loss;

import io.github.jepa4j.core.testing.Close;
import io.github.jepa4j.core.testing.GradCheck;
import java.util.function.Supplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Central finite differences of a scalar loss with respect to one (DOUBLE, c-order) input. */
final class LossGradCheck {
    private LossGradCheck() {}

    static void check(String what, INDArray input, Supplier<Double> loss, INDArray analytic, double tol) {
        INDArray flat = input.reshape(input.length());
        double[] num = new double[(int) input.length()];
        for (int i = 0; i < num.length; i++) {
            num[i] = GradCheck.numericDerivative(flat, i, loss, 1e-6);
        }
        Close.assertClose(what, num, analytic.dup('c').data().asDouble(), tol);
    }

    static INDArray randn(long seed, long... shape) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.DOUBLE, shape);
    }
}
