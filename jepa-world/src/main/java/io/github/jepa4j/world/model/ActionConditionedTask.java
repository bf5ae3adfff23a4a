package io.github.jepa4j.world.model;

import io.github.jepa4j.core.nn.ParamStore;
import io.github.jepa4j.core.tensor.Scratch;
import io.github.jepa4j.core.train.StepContext;
import io.github.jepa4j.core.train.StepOutput;
import io.github.jepa4j.core.train.Task;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Trains the action-conditioned predictor on encoded trajectories with a frozen encoder, as a
 * core {@link Task} run by the core trainer (as V-JEPA 2-AC's second stage).
 *
 * <pre>
 *   L_tf = mean_{b,t,i} | P(z_t, a_t) - z_{t+1} |                       teacher forcing, t = 0..T-1
 *   L_ro = mean_{b,t,i} | zhat_t - z_t |,  zhat_0 = z_0, zhat_{t+1} = P(zhat_t, a_t),  t = 1..k
 *   L    = L_tf + w L_ro
 * </pre>
 * {@code z} are the world model's latents of a window of {@code T} transitions
 * ({@link TransitionBatch}): with a frozen encoder its layer-normed embeddings
 * ({@link StateEncoder}) standardised per feature over the training frames
 * ({@link LatentStandardization}; the targets are not layer-normed again, which would undo the
 * standardisation), in joint training the layer-normed embeddings themselves; {@code k = min(rolloutSteps, T)}. Feeding the
 * predictor its own predictions in {@code L_ro} trains it for the error accumulation it meets
 * when a planner unrolls it. L1 as V-JEPA 2-AC; the subgradient of |x| at 0 is taken as 0.
 * Terms logged: {@code tf}, {@code rollout}.
 */
public final class ActionConditionedTask implements Task<TransitionBatch> {
    private static final int ZIN = 0, AIN = 1, TGT = 2, DIFF = 3, GRAD_STATES = 4, DIFF_RO = 5;

    private final PredictorSpec spec;
    private final ParamStore trainable;
    private final ActionPredictor predictor;
    private final PredictorRollout rollout;
    private final Scratch scratch = new Scratch(6);

    public ActionConditionedTask(PredictorSpec spec, DataType dtype, long seed) {
        this(spec, new ParamStore(dtype));
        this.trainable.allocate(seed);
    }

    /** Registers the predictor in {@code store} (not yet allocated; the caller allocates it). */
    ActionConditionedTask(PredictorSpec spec, ParamStore store) {
        this.spec = spec;
        this.trainable = store;
        this.predictor = spec.build(trainable, "predictor.");
        this.rollout = new PredictorRollout(predictor);
    }

    @Override
    public ParamStore trainable() {
        return trainable;
    }

    public ActionPredictor predictor() {
        return predictor;
    }

    public PredictorSpec spec() {
        return spec;
    }

    @Override
    public StepOutput forwardBackward(TransitionBatch batch, StepContext ctx) {
        return lossAndBackward(batch.latents(), batch.actions(), null);
    }

    /**
     * The objective on embeddings {@code z [B, T+1, d]} and actions {@code [B, T, A]}: adds the
     * predictor's parameter gradients and, when {@code gradZ [B, T+1, d]} is given, ADDS
     * {@code dL/dz} of the predictor inputs into it (targets are stop-gradient), for training the
     * encoder jointly ({@link JointWorldModelTask}).
     */
    public StepOutput lossAndBackward(INDArray latents, INDArray actions, INDArray gradZ) {
        int d = spec.latentDim();
        int aDim = spec.actionDim();
        if (latents.rank() != 3 || actions.rank() != 3 || latents.size(2) != d || actions.size(2) != aDim
                || latents.size(0) != actions.size(0) || latents.size(1) != actions.size(1) + 1) {
            throw new IllegalArgumentException("need latents [B, T+1, " + d + "] and actions [B, T, " + aDim + "], got "
                    + java.util.Arrays.toString(latents.shape()) + " and " + java.util.Arrays.toString(actions.shape()));
        }
        long b = latents.size(0);
        int t = (int) actions.size(1);
        DataType dt = trainable.dtype();
        INDArray z = latents.castTo(dt);
        INDArray a = actions.castTo(dt);

        // 1. Teacher forcing: every transition of the window as one [B*T] batch.
        INDArray zin = scratch.get(ZIN, dt, b, t, d);
        zin.assign(z.get(NDArrayIndex.all(), NDArrayIndex.interval(0, t), NDArrayIndex.all()));
        INDArray tgt = scratch.get(TGT, dt, b, t, d);
        tgt.assign(z.get(NDArrayIndex.all(), NDArrayIndex.interval(1, t + 1), NDArrayIndex.all()));
        INDArray ain = scratch.get(AIN, dt, b, t, aDim);
        ain.assign(a);
        INDArray pred = predictor.forward(zin.reshape('c', b * t, d), ain.reshape('c', b * t, aDim));
        INDArray diff = scratch.get(DIFF, dt, b * t, d);
        diff.assign(pred).subi(tgt.reshape('c', b * t, d));
        double tf = Transforms.abs(diff, true).sumNumber().doubleValue() / diff.length();
        Transforms.sign(diff, false).divi(diff.length());
        INDArray gin = predictor.backward(diff);
        if (gradZ != null) {
            gradZ.get(NDArrayIndex.all(), NDArrayIndex.interval(0, t), NDArrayIndex.all()).addi(gin.reshape('c', b, t, d));
        }

        // 2. Rollout: k steps from z_0 on the predictor's own predictions.
        int k = Math.min(spec.rolloutSteps(), t);
        double ro = 0;
        if (spec.rolloutWeight() > 0 && k > 1) {
            INDArray states = rollout.forward(zin.get(NDArrayIndex.all(), NDArrayIndex.point(0), NDArrayIndex.all()),
                    ain.get(NDArrayIndex.all(), NDArrayIndex.interval(0, k), NDArrayIndex.all()));
            INDArray g = scratch.get(GRAD_STATES, dt, k + 1, b, d);
            INDArray dro = scratch.get(DIFF_RO, dt, k, b, d);
            // Targets z_1..z_k step-major, like the rollout's states.
            dro.assign(z.get(NDArrayIndex.all(), NDArrayIndex.interval(1, k + 1), NDArrayIndex.all()).permute(1, 0, 2));
            dro.rsubi(states.get(NDArrayIndex.interval(1, k + 1), NDArrayIndex.all(), NDArrayIndex.all()));
            ro = Transforms.abs(dro, true).sumNumber().doubleValue() / dro.length();
            g.get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.all()).assign(0);
            g.get(NDArrayIndex.interval(1, k + 1), NDArrayIndex.all(), NDArrayIndex.all())
                    .assign(Transforms.sign(dro, false).muli(spec.rolloutWeight() / dro.length()));
            rollout.backward(g);
            if (gradZ != null) {
                gradZ.get(NDArrayIndex.all(), NDArrayIndex.point(0), NDArrayIndex.all()).addi(rollout.startGradient());
            }
        }
        Map<String, Double> terms = new LinkedHashMap<>();
        terms.put("tf", tf);
        terms.put("rollout", ro);
        return new StepOutput(tf + spec.rolloutWeight() * ro, terms);
    }

    @Override
    public Object modelConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("predictor", spec);
        c.put("dtype", trainable.dtype().name());
        return c;
    }

    @Override
    public int examples(TransitionBatch batch) {
        return batch.batchSize();
    }
}
