package io.github.jepa4j.world.model;

import io.github.jepa4j.core.model.VisionTransformer;
import io.github.jepa4j.core.model.VitConfig;
import io.github.jepa4j.core.nn.ParamStore;
import io.github.jepa4j.core.task.AntiCollapse;
import io.github.jepa4j.core.tensor.Scratch;
import io.github.jepa4j.core.train.StepContext;
import io.github.jepa4j.core.train.StepOutput;
import io.github.jepa4j.core.train.Task;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Encoder and action-conditioned predictor trained together (as eb_jepa's action-conditioned
 * video JEPA), a core {@link Task}.
 *
 * <pre>
 *   z   = enc(x)                                   all frames of the windows, [B (W+1), d]
 *   L   = L_tf(z) + w L_ro(z)                      {@link ActionConditionedTask}'s objective, targets stop-gradient
 *       + lambda * AntiCollapse(z)                 e.g. VICReg variance + covariance on the embeddings (one branch)
 * </pre>
 * The prediction loss alone is minimised by a constant embedding; the anti-collapse term (from
 * the regularizers' registry) keeps the embeddings spread, so the encoder has to keep what the
 * actions change (the agent's position) in a form the predictor can follow. Trainable store:
 * {@code encoder.*} (a ViT, layout identical to the joint-embedding pretraining task's encoder,
 * so a pretrained encoder can be copied in), {@code predictor.*}, then the module's parameters.
 */
public final class JointWorldModelTask implements Task<FrameWindows.FrameWindow> {
    private static final int GRAD_Z = 0;

    private final VitConfig encoderConfig;
    private final PredictorSpec spec;
    private final AntiCollapse module;
    private final double weight;
    private final ParamStore trainable;
    private final StateEncoder encoder;
    private final long encoderSize;
    private final ActionConditionedTask objective;
    private final Scratch scratch = new Scratch(1);

    public JointWorldModelTask(VitConfig encoderConfig, PredictorSpec spec, AntiCollapse module, double weight, DataType dtype,
                               long seed) {
        if (module == null || !(weight > 0)) {
            throw new IllegalArgumentException("joint training needs an anti-collapse module with weight > 0 (else the encoder collapses), got "
                    + module + " with weight " + weight);
        }
        if (encoderConfig.dim() != spec.latentDim()) {
            throw new IllegalArgumentException("encoder width " + encoderConfig.dim() + " differs from the predictor's " + spec.latentDim());
        }
        this.encoderConfig = encoderConfig;
        this.spec = spec;
        this.module = module;
        this.weight = weight;
        this.trainable = new ParamStore(dtype);
        VisionTransformer vit = new VisionTransformer(encoderConfig, trainable, "encoder.");
        this.encoderSize = trainable.size();
        this.objective = new ActionConditionedTask(spec, trainable);
        module.register(trainable, encoderConfig.dim());
        trainable.allocate(seed);
        module.initialize(trainable);
        this.encoder = new StateEncoder(vit, trainable);
    }

    @Override
    public ParamStore trainable() {
        return trainable;
    }

    public StateEncoder encoder() {
        return encoder;
    }

    public ActionPredictor predictor() {
        return objective.predictor();
    }

    /** Number of encoder parameters: the store's range {@code [0, encoderSize)}. */
    public long encoderSize() {
        return encoderSize;
    }

    @Override
    public StepOutput forwardBackward(FrameWindows.FrameWindow batch, StepContext ctx) {
        INDArray f = batch.frames();
        long b = f.size(0);
        long w1 = f.size(1);
        int d = encoderConfig.dim();
        DataType dt = trainable.dtype();
        INDArray z = encoder.encode(f.reshape('c', b * w1, f.size(2), f.size(3), f.size(4)));
        INDArray gz = scratch.zeros(GRAD_Z, dt, b, w1, d);
        StepOutput pred = objective.lossAndBackward(z.reshape('c', b, w1, d), batch.actions(), gz);
        Map<String, Double> terms = new LinkedHashMap<>(pred.terms());
        Map<String, Double> reg = module.apply(z, null, gz.reshape('c', b * w1, d), null, weight, ctx);
        terms.putAll(reg);
        double total = pred.loss() + reg.values().stream().mapToDouble(Double::doubleValue).sum();
        encoder.backward(gz.reshape('c', b * w1, d));
        return new StepOutput(total, terms);
    }

    @Override
    public void afterUpdate(StepContext ctx) {
        module.afterUpdate(trainable, ctx);
    }

    @Override
    public Map<String, INDArray> state() {
        Map<String, INDArray> s = new LinkedHashMap<>();
        module.state().forEach((k, v) -> s.put(module.name() + "." + k, v));
        return s;
    }

    @Override
    public Object modelConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("encoder", encoderConfig);
        c.put("predictor", spec);
        c.put("antiCollapse", Map.of("name", module.name(), "weight", weight, "config", module.config()));
        c.put("dtype", trainable.dtype().name());
        return c;
    }

    @Override
    public int examples(FrameWindows.FrameWindow batch) {
        return (int) batch.frames().size(0);
    }
}
