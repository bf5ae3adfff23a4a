package io.github.jepa4j.world.model;

import io.github.jepa4j.core.tensor.Scratch;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Unrolls an {@link ActionPredictor} over an action sequence by feeding it its own predictions,
 * and backpropagates through the unroll (backpropagation through time).
 *
 * <pre>
 *   z_0 given,  z_{t+1} = P(z_t, a_t)   t = 0..H-1        z_t [B, d], actions [B, H, A]
 * </pre>
 * {@link #forward} keeps every state {@code z_0..z_H} ({@code [H+1, B, d]}) and the actions in
 * its own buffers. The predictor keeps only its last step's activations, so {@link #backward}
 * re-runs the forward of step {@code t} from the stored {@code z_t, a_t} before its backward
 * (recomputation instead of {@code H} copies of every activation; the last step needs none).
 * Backward takes {@code dL/dz_t} for any subset of steps ({@code gradStates [H+1, B, d]}, rows
 * of unused steps zero), adds parameter gradients, and leaves {@code dL/dz_0 [B, d]} and
 * {@code dL/da [B, H, A]} in owned buffers. The predictor must not run other inputs between
 * {@link #forward} and {@link #backward}. Used for the multi-step rollout loss in training
 * and for the planning energy and its action gradient.
 */
public final class PredictorRollout {
    private static final int STATES = 0, ACTIONS = 1, GRAD_Z = 2, GRAD_A = 3, A_STEP = 4;

    private final ActionPredictor predictor;
    private final Scratch scratch = new Scratch(5);
    private INDArray states;
    private INDArray actionsByStep;
    private int horizon;
    private long batch;

    public PredictorRollout(ActionPredictor predictor) {
        this.predictor = predictor;
    }

    public ActionPredictor predictor() {
        return predictor;
    }

    /**
     * Rolls out {@code H = actions.size(1)} steps from {@code z0 [B, d]} (or {@code [1, d]},
     * broadcast to the batch) with {@code actions [B, H, A]}. Returns all states
     * {@code [H+1, B, d]} (owned; index 0 is the start).
     */
    public INDArray forward(INDArray z0, INDArray actions) {
        int d = predictor.latentDim();
        int aDim = predictor.actionDim();
        if (actions.rank() != 3 || actions.size(2) != aDim || actions.size(1) < 1) {
            throw new IllegalArgumentException("actions must be [B, H >= 1, " + aDim + "], got " + Arrays.toString(actions.shape()));
        }
        long b = actions.size(0);
        if (z0.rank() != 2 || z0.size(1) != d || (z0.size(0) != b && z0.size(0) != 1)) {
            throw new IllegalArgumentException("z0 must be [" + b + ", " + d + "] or [1, " + d + "], got " + Arrays.toString(z0.shape()));
        }
        DataType dt = z0.dataType();
        horizon = (int) actions.size(1);
        batch = b;
        states = scratch.get(STATES, dt, horizon + 1, b, d);
        if (z0.size(0) == b) {
            state(0).assign(z0);
        } else {
            state(0).assign(0).addiRowVector(z0);
        }
        // Step-major copy of the actions so each step's [B, A] is a contiguous c-order view.
        actionsByStep = scratch.get(ACTIONS, dt, horizon, b, aDim);
        actionsByStep.assign(actions.permute(1, 0, 2));
        for (int t = 0; t < horizon; t++) {
            state(t + 1).assign(predictor.forward(state(t), actionStep(t)));
        }
        return states;
    }

    /** The state after step {@code t} ({@code t = 0}: the start), a view {@code [B, d]}. */
    public INDArray state(int t) {
        return states.get(NDArrayIndex.point(t), NDArrayIndex.all(), NDArrayIndex.all());
    }

    private INDArray actionStep(int t) {
        return actionsByStep.get(NDArrayIndex.point(t), NDArrayIndex.all(), NDArrayIndex.all());
    }

    public int horizon() {
        return horizon;
    }

    /**
     * Backpropagates {@code gradStates [H+1, B, d]} (dL/dz_t; row 0 included in the start
     * gradient) through the last forward. Adds parameter gradients; afterwards
     * {@link #startGradient()} and {@link #actionGradient()} hold the input gradients.
     */
    public void backward(INDArray gradStates) {
        if (states == null) {
            throw new IllegalStateException("backward before forward");
        }
        int d = predictor.latentDim();
        if (gradStates.rank() != 3 || gradStates.size(0) != horizon + 1 || gradStates.size(1) != batch || gradStates.size(2) != d) {
            throw new IllegalArgumentException("state gradient must be [" + (horizon + 1) + ", " + batch + ", " + d
                    + "], got " + Arrays.toString(gradStates.shape()));
        }
        DataType dt = states.dataType();
        INDArray g = scratch.get(GRAD_Z, dt, batch, d);
        INDArray gaSteps = scratch.get(A_STEP, dt, horizon, batch, predictor.actionDim());
        g.assign(gradStates.get(NDArrayIndex.point(horizon), NDArrayIndex.all(), NDArrayIndex.all()));
        for (int t = horizon - 1; t >= 0; t--) {
            if (t < horizon - 1) {
                // The predictor holds step H-1's activations; earlier steps are recomputed.
                predictor.forward(state(t), actionStep(t));
            }
            INDArray dz = predictor.backward(g);
            gaSteps.get(NDArrayIndex.point(t), NDArrayIndex.all(), NDArrayIndex.all()).assign(predictor.actionGradient());
            g.assign(dz).addi(gradStates.get(NDArrayIndex.point(t), NDArrayIndex.all(), NDArrayIndex.all()));
        }
        INDArray ga = scratch.get(GRAD_A, dt, batch, horizon, predictor.actionDim());
        ga.assign(gaSteps.permute(1, 0, 2));
    }

    /** {@code dL/dz_0 [B, d]} of the last backward (owned). */
    public INDArray startGradient() {
        return scratch.get(GRAD_Z, states.dataType(), batch, predictor.latentDim());
    }

    /** {@code dL/da [B, H, A]} of the last backward (owned). */
    public INDArray actionGradient() {
        return scratch.get(GRAD_A, states.dataType(), batch, horizon, predictor.actionDim());
    }
}
