package io.github.jepa4j.world.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.jepa4j.core.checkpoint.Checkpoint;
import io.github.jepa4j.core.model.VitConfig;
import io.github.jepa4j.core.nn.ParamStore;
import io.github.jepa4j.core.tensor.Scratch;
import io.github.jepa4j.world.plan.WorldModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A JEPA world model for planning: a frozen {@link StateEncoder}, the per-feature
 * {@link LatentStandardization} of its embeddings, and a trained {@link ActionPredictor},
 * unrolled by a {@link PredictorRollout}.
 *
 * <pre>
 *   z_0 = (enc(x_0) - mean) / std,  z_{t+1} = P(z_t, a_t),   E_b = (1/d) sum_i | z_H,b,i - zGoal_i |
 *   dE_b / da_b,t  by backpropagation through the unroll (for gradient MPC)
 * </pre>
 * All {@code B} action sequences are unrolled together as {@code [B, d]} batches (CEM evaluates
 * e.g. 400 sequences per iteration in one call); buffers are reused between calls of the same
 * size, so planning allocates no native memory per call after the first.
 *
 * The energy is L1 on the standardised latent, so every feature counts in units of its spread
 * over the training frames.
 *
 * <p>{@link #save}/{@link #load}: one core {@link Checkpoint} file with both parameter sets, the
 * standardisation ({@code latent.mean}, {@code latent.std}) and the encoder and predictor
 * configurations; a checkpoint without the standardisation loads with the identity.
 */
public final class LearnedWorldModel implements WorldModel {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final int DIFF = 0, ENERGY = 1, GRAD_STATES = 2, GOAL = 3, START = 4, ACTIONS = 5, ABS = 6;

    private final StateEncoder encoder;
    private final PredictorSpec spec;
    private final ParamStore predictorStore;
    private final ActionPredictor predictor;
    private final PredictorRollout rollout;
    private final LatentStandardization standardization;
    private final Scratch scratch = new Scratch(7);

    /** Wraps a trained encoder and predictor on the raw embedding (identity standardisation). */
    public LearnedWorldModel(StateEncoder encoder, PredictorSpec spec, ParamStore predictorStore, ActionPredictor predictor) {
        this(encoder, LatentStandardization.identity(encoder.latentDim()), spec, predictorStore, predictor);
    }

    /**
     * Wraps a trained encoder, the standardisation of its embeddings the predictor was trained on,
     * and the predictor; {@code predictorStore} holds the predictor's parameters.
     */
    public LearnedWorldModel(StateEncoder encoder, LatentStandardization standardization, PredictorSpec spec, ParamStore predictorStore,
                             ActionPredictor predictor) {
        if (standardization == null || standardization.dim() != encoder.latentDim()) {
            throw new IllegalArgumentException("the standardisation must have the encoder width " + encoder.latentDim() + ", got "
                    + standardization);
        }
        if (encoder.latentDim() != predictor.latentDim()) {
            throw new IllegalArgumentException("encoder width " + encoder.latentDim() + " differs from the predictor's "
                    + predictor.latentDim());
        }
        this.encoder = encoder;
        this.standardization = standardization;
        this.spec = spec;
        this.predictorStore = predictorStore;
        this.predictor = predictor;
        this.rollout = new PredictorRollout(predictor);
    }

    public StateEncoder encoder() {
        return encoder;
    }

    public ActionPredictor predictor() {
        return predictor;
    }

    public LatentStandardization standardization() {
        return standardization;
    }

    public PredictorSpec spec() {
        return spec;
    }

    @Override
    public int latentDim() {
        return encoder.latentDim();
    }

    @Override
    public int actionDim() {
        return predictor.actionDim();
    }

    /** {@code [B, C, S, S] -> [B, d]}, the standardised latent, a new array (planners keep start and goal embeddings). */
    @Override
    public INDArray encode(INDArray frames) {
        return standardization.applyInPlace(encoder.encode(frames).dup());
    }

    @Override
    public double[] energies(INDArray z0, INDArray zGoal, INDArray actions) {
        return run(z0, zGoal, actions, null);
    }

    @Override
    public double[] energiesAndGradients(INDArray z0, INDArray zGoal, INDArray actions, INDArray grad) {
        if (grad == null || !Arrays.equals(grad.shape(), actions.shape())) {
            throw new IllegalArgumentException("grad must have the actions' shape " + Arrays.toString(actions.shape()) + ", got "
                    + (grad == null ? "null" : Arrays.toString(grad.shape())));
        }
        return run(z0, zGoal, actions, grad);
    }

    /**
     * Unrolls the predictor from {@code z0} over {@code actions [B, H, A]}: the predicted
     * embeddings {@code [H+1, B, d]} (index 0 the start; owned by the model, valid until its next call).
     */
    public INDArray rollout(INDArray z0, INDArray actions) {
        return rollout.forward(row(z0, START), cast(actions));
    }

    private double[] run(INDArray z0, INDArray zGoal, INDArray actions, INDArray grad) {
        int d = latentDim();
        DataType dt = predictorStore.dtype();
        INDArray a = cast(actions);
        INDArray start = row(z0, START);
        INDArray goal = row(zGoal, GOAL);
        rollout.forward(start, a);
        int h = rollout.horizon();
        long b = a.size(0);
        INDArray diff = scratch.get(DIFF, dt, b, d);
        diff.assign(rollout.state(h)).subiRowVector(goal);
        INDArray e = scratch.get(ENERGY, dt, b);
        double[] out;
        if (grad == null) {
            Transforms.abs(diff, false).sum(e, 1);
            out = e.toDoubleVector();
        } else {
            INDArray g = scratch.zeros(GRAD_STATES, dt, h + 1, b, d);
            INDArray abs = scratch.get(ABS, dt, b, d);
            Transforms.abs(abs.assign(diff), false).sum(e, 1);
            out = e.toDoubleVector();
            g.get(org.nd4j.linalg.indexing.NDArrayIndex.point(h), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.all()).assign(Transforms.sign(diff, false)).divi(d);
            rollout.backward(g);
            grad.assign(rollout.actionGradient());
            // Planning needs action gradients only; drop the parameter gradients the unroll accumulated.
            predictorStore.zeroGrads();
        }
        for (int i = 0; i < out.length; i++) {
            out[i] /= d;
        }
        return out;
    }

    private INDArray cast(INDArray actions) {
        if (actions.rank() != 3 || actions.size(2) != actionDim()) {
            throw new IllegalArgumentException("actions must be [B, H, " + actionDim() + "], got " + Arrays.toString(actions.shape()));
        }
        if (actions.dataType() == predictorStore.dtype()) {
            return actions;
        }
        INDArray a = scratch.get(ACTIONS, predictorStore.dtype(), actions.shape());
        a.assign(actions);
        return a;
    }

    /** An embedding {@code [d]} or {@code [1, d]} as a {@code [1, d]} row of the model's data type. */
    private INDArray row(INDArray z, int slot) {
        int d = latentDim();
        if (z == null || z.length() != d) {
            throw new IllegalArgumentException("an embedding must have " + d + " values ([" + d + "] or [1, " + d + "]), got "
                    + (z == null ? "null" : Arrays.toString(z.shape())));
        }
        INDArray r = scratch.get(slot, predictorStore.dtype(), 1, d);
        r.assign(z.reshape(1, d));
        return r;
    }

    /** Writes encoder and predictor parameters and their configurations to {@code file}. */
    public void save(Path file) throws IOException {
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("encoder", encoder.config());
        cfg.put("predictor", spec);
        cfg.put("dtype", predictorStore.dtype().name());
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        arrays.put("encoder.params", encoder.store().params());
        arrays.put("predictor.params", predictorStore.params());
        arrays.put("latent.mean", standardization.mean());
        arrays.put("latent.std", standardization.std());
        new Checkpoint(0, 0, encoder.store().layoutSignature() + "|" + predictorStore.layoutSignature(),
                JSON.valueToTree(cfg), arrays, Map.of()).save(file);
    }

    /** Rebuilds a model written by {@link #save}. */
    public static LearnedWorldModel load(Path file) throws IOException {
        Checkpoint c = Checkpoint.load(file);
        JsonNode cfg = c.config();
        if (cfg == null || !cfg.has("encoder") || !cfg.has("predictor")) {
            throw new IllegalArgumentException(file + " is not a world-model checkpoint (no encoder/predictor configuration)");
        }
        VitConfig vc = JSON.treeToValue(cfg.get("encoder"), VitConfig.class);
        PredictorSpec ps = JSON.treeToValue(cfg.get("predictor"), PredictorSpec.class);
        DataType dt = DataType.valueOf(cfg.path("dtype").asText("FLOAT"));
        LearnedWorldModel built = build(vc, ps, dt, 0);
        LearnedWorldModel m = c.arrays().containsKey("latent.mean")
                ? new LearnedWorldModel(built.encoder, new LatentStandardization(c.array("latent.mean"), c.array("latent.std")),
                        ps, built.predictorStore, built.predictor)
                : built;
        String layout = m.encoder.store().layoutSignature() + "|" + m.predictorStore.layoutSignature();
        if (!layout.equals(c.layout())) {
            throw new IllegalArgumentException("checkpoint " + file + " does not fit the model it describes");
        }
        m.encoder.store().params().assign(c.array("encoder.params"));
        m.predictorStore.params().assign(c.array("predictor.params"));
        return m;
    }

    /** A freshly initialised model (untrained) of the given configuration. */
    public static LearnedWorldModel build(VitConfig encoder, PredictorSpec spec, DataType dtype, long seed) {
        StateEncoder enc = StateEncoder.create(encoder, dtype, seed);
        ParamStore ps = new ParamStore(dtype);
        ActionPredictor p = spec.build(ps, "predictor.");
        ps.allocate(seed + 1);
        return new LearnedWorldModel(enc, spec, ps, p);
    }

    /** The predictor's parameter store. */
    public ParamStore predictorStore() {
        return predictorStore;
    }

}
