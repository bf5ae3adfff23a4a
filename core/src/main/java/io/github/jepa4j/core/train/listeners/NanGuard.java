package io.github.jepa4j.core.train.listeners;

import io.github.jepa4j.core.nn.Param;
import io.github.jepa4j.core.train.StepEvent;
import io.github.jepa4j.core.train.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Stops training with a clear error when the loss, a loss term or a gradient is NaN or
 * infinite, before the optimiser could write the bad values into the parameters (so the last
 * checkpoint and the in-memory weights stay good). The message names the step and the tensor.
 */
public final class NanGuard implements TrainingListener {
    /** Thrown by the guard; a distinct type so callers can tell divergence from bugs. */
    public static final class NonFiniteException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        public NonFiniteException(String msg) {
            super(msg);
        }
    }

    @Override
    public void beforeUpdate(StepEvent e) {
        if (!Double.isFinite(e.output().loss())) {
            throw new NonFiniteException("non-finite loss " + e.output().loss() + " at step " + e.step()
                    + " (terms " + e.output().terms() + "); parameters were not updated");
        }
        for (var t : e.output().terms().entrySet()) {
            if (!Double.isFinite(t.getValue())) {
                throw new NonFiniteException("non-finite loss term '" + t.getKey() + "' = " + t.getValue()
                        + " at step " + e.step() + "; parameters were not updated");
            }
        }
        if (!Double.isFinite(e.gradNorm())) {
            for (Param p : e.trainer().task().trainable().list()) {
                INDArray g = p.grad();
                double s = g.sumNumber().doubleValue();
                if (!Double.isFinite(s)) {
                    throw new NonFiniteException("non-finite gradient of parameter '" + p.name() + "' at step "
                            + e.step() + " (loss " + e.output().loss() + "); parameters were not updated");
                }
            }
            throw new NonFiniteException("non-finite gradient norm at step " + e.step() + "; parameters were not updated");
        }
    }
}
