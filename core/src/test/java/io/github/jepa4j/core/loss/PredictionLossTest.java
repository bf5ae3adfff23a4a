package io.github.jepa4j.core.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.core.testing.Close;
import io.github.jepa4j.core.testing.Fixtures;
import io.github.jepa4j.core.testing.GradCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class PredictionLossTest {
    @Test
    void matchesIjepaFixture() {
        IjepaLossFixture.check(Fixtures.load("ijepa_loss.json"));
    }

    @ParameterizedTest
    @EnumSource(PredictionLoss.Kind.class)
    void gradientMatchesFiniteDifferences(PredictionLoss.Kind kind) {
        Nd4j.getRandom().setSeed(11);
        INDArray pred = Nd4j.randn(DataType.DOUBLE, 2, 3, 4).muli(2);
        INDArray target = Nd4j.randn(DataType.DOUBLE, 2, 3, 4);
        PredictionLoss loss = new PredictionLoss(kind, 0.7);
        INDArray grad = Nd4j.create(DataType.DOUBLE, 2, 3, 4);
        loss.compute(pred, target, grad, 1.5);
        INDArray flat = pred.reshape(pred.length());
        double[] num = new double[(int) pred.length()];
        for (int i = 0; i < num.length; i++) {
            num[i] = GradCheck.numericDerivative(flat, i, () -> loss.compute(pred, target, null, 1.5), 1e-6);
        }
        Close.assertClose(kind + " gradient", num, grad.dup().data().asDouble(), 1e-6);
    }

    @Test
    void smoothL1HandValues() {
        INDArray pred = Nd4j.createFromArray(0.5, 3.0, -2.0, 0.0);
        INDArray target = Nd4j.zeros(DataType.DOUBLE, 4);
        double v = new PredictionLoss(PredictionLoss.Kind.SMOOTH_L1).compute(pred, target, null, 1.0);
        // 0.125 + 2.5 + 1.5 + 0 over 4 elements
        assertEquals((0.125 + 2.5 + 1.5) / 4, v, 1e-12);
    }

    @Test
    void rejectsShapeMismatchAndEmpty() {
        PredictionLoss l = new PredictionLoss(PredictionLoss.Kind.L1);
        var e = assertThrows(IllegalArgumentException.class,
                () -> l.compute(Nd4j.zeros(DataType.DOUBLE, 2, 3), Nd4j.zeros(DataType.DOUBLE, 3, 2), null, 1));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[3, 2]"), e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class,
                () -> l.compute(Nd4j.zeros(DataType.DOUBLE, 2, 0, 4), Nd4j.zeros(DataType.DOUBLE, 2, 0, 4), null, 1));
        assertTrue(e2.getMessage().contains("no target tokens"), e2.getMessage());
    }
}
