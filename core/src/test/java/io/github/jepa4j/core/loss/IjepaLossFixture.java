package io.github.jepa4j.core.loss;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.jepa4j.core.testing.Close;
import io.github.jepa4j.core.testing.Fixtures;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Checks fixture {@code ijepa_loss.json}: layer-normed target, smooth-L1 value and d loss / d pred. */
public final class IjepaLossFixture {
    private IjepaLossFixture() {}

    public static void check(JsonNode f) {
        INDArray pred = Fixtures.array(f.get("pred"));
        INDArray raw = Fixtures.array(f.get("target_raw"));
        int dim = (int) raw.size(raw.rank() - 1);
        INDArray normed = new TargetNorm(dim).apply(raw);
        Close.assertClose("ijepa target_normed", Fixtures.array(f.get("target_normed")), normed, 1e-6);
        INDArray grad = Nd4j.createUninitialized(pred.dataType(), pred.shape());
        double loss = new PredictionLoss(PredictionLoss.Kind.SMOOTH_L1).compute(pred, normed, grad, 1.0);
        Close.assertClose("ijepa loss", f.get("loss").asDouble(), loss, 1e-6);
        Close.assertClose("ijepa grad_pred", Fixtures.array(f.get("grad_pred")), grad, 1e-6);
    }
}
