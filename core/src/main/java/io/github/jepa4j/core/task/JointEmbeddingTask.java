package io.github.jepa4j.core.task;

import io.github.jepa4j.core.model.VisionTransformer;
import io.github.jepa4j.core.nn.ParamStore;
import io.github.jepa4j.core.optim.Ema;
import io.github.jepa4j.core.schedule.MomentumSchedules;
import io.github.jepa4j.core.tensor.Scratch;
import io.github.jepa4j.core.train.StepContext;
import io.github.jepa4j.core.train.StepOutput;
import io.github.jepa4j.core.train.Task;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Joint-embedding self-supervised learning on two augmented views, with the anti-collapse
 * module supplying the whole objective: VICReg, Barlow Twins and SIGReg compare the two views'
 * embeddings from one encoder; EMA distillation (BYOL) compares the student's embedding of one
 * view with a stop-gradient EMA teacher's embedding of the other. The embedding is the encoder's
 * final tokens, mean-pooled. Any expander or predictor head belongs to the module.
 *
 * <p>Both views go through the encoder as one batch of 2B. With a teacher, row {@code i} of the
 * student's [2B, D] embeddings is paired with the teacher's embedding of the other view of the
 * same input, which symmetrises the loss (averaged over both directions).
 */
public final class JointEmbeddingTask implements Task<TwoViewBatch> {
    private static final int INPUT = 0, POOLED = 1, GRAD_POOLED = 2, GRAD_TOKENS = 3, TEACHER = 4;

    private final JointEmbeddingConfig config;
    private final AntiCollapse module;
    private final double weight;
    private final ParamStore trainable;
    private final VisionTransformer encoder;
    private final long encoderSize;
    private final ParamStore teacherStore;
    private final VisionTransformer teacher;
    private final Scratch scratch = new Scratch(5);

    public JointEmbeddingTask(JointEmbeddingConfig config, AntiCollapse module, double weight, DataType dtype, long seed) {
        if (module == null) {
            throw new IllegalArgumentException("a joint-embedding task needs an anti-collapse module: it is the whole objective");
        }
        if (!(weight > 0)) {
            throw new IllegalArgumentException("the module weight must be > 0, got " + weight);
        }
        this.config = config;
        this.module = module;
        this.weight = weight;
        this.trainable = new ParamStore(dtype);
        this.encoder = new VisionTransformer(config.encoder(), trainable, "encoder.");
        this.encoderSize = trainable.size();
        module.register(trainable, config.encoder().dim());
        trainable.allocate(seed);
        module.initialize(trainable);
        if (config.emaTeacher()) {
            teacherStore = new ParamStore(dtype);
            teacher = new VisionTransformer(config.encoder(), teacherStore, "encoder.");
            teacherStore.allocate(seed);
            teacherStore.params().assign(trainable.paramRange(0, encoderSize));
        } else {
            teacherStore = null;
            teacher = null;
        }
    }

    @Override
    public ParamStore trainable() {
        return trainable;
    }

    public VisionTransformer encoder() {
        return encoder;
    }

    /** The encoder to evaluate: the EMA teacher when there is one, else the encoder. */
    public VisionTransformer evalEncoder() {
        return teacher != null ? teacher : encoder;
    }

    public long encoderSize() {
        return encoderSize;
    }

    @Override
    public StepOutput forwardBackward(TwoViewBatch batch, StepContext ctx) {
        long b = batch.batchSize();
        long[] shape = batch.view1().shape().clone();
        shape[0] = 2 * b;
        DataType dt = trainable.dtype();
        INDArray x = scratch.get(INPUT, dt, shape);
        x.get(NDArrayIndex.interval(0, b)).assign(batch.view1());
        x.get(NDArrayIndex.interval(b, 2 * b)).assign(batch.view2());
        double s = x.sumNumber().doubleValue();
        if (!Double.isFinite(s)) {
            throw new IllegalArgumentException("batch of step " + ctx.step() + " contains NaN or Inf input values");
        }
        int d = config.encoder().dim();

        // 1. Teacher embeddings of both views, halves swapped so row i meets the other view (no gradient).
        INDArray other = null;
        if (teacher != null) {
            INDArray t = teacher.forward(x).mean(1);
            other = scratch.get(TEACHER, dt, 2 * b, d);
            other.get(NDArrayIndex.interval(0, b), NDArrayIndex.all()).assign(t.get(NDArrayIndex.interval(b, 2 * b), NDArrayIndex.all()));
            other.get(NDArrayIndex.interval(b, 2 * b), NDArrayIndex.all()).assign(t.get(NDArrayIndex.interval(0, b), NDArrayIndex.all()));
        }
        // 2. Student embeddings: mean-pooled final tokens of both views.
        INDArray tokens = encoder.forward(x);
        long n = tokens.size(1);
        INDArray pooled = scratch.get(POOLED, dt, 2 * b, d);
        tokens.mean(pooled, 1);
        // 3. The module's loss and its gradient w.r.t. the embeddings.
        INDArray gp = scratch.zeros(GRAD_POOLED, dt, 2 * b, d);
        Map<String, Double> terms;
        if (teacher != null) {
            terms = module.apply(pooled, other, gp, null, weight, ctx);
        } else {
            terms = module.apply(pooled.get(NDArrayIndex.interval(0, b), NDArrayIndex.all()),
                    pooled.get(NDArrayIndex.interval(b, 2 * b), NDArrayIndex.all()),
                    gp.get(NDArrayIndex.interval(0, b), NDArrayIndex.all()),
                    gp.get(NDArrayIndex.interval(b, 2 * b), NDArrayIndex.all()), weight, ctx);
        }
        double total = terms.values().stream().mapToDouble(Double::doubleValue).sum();
        // 4. Backward: mean pooling spreads the gradient evenly over the tokens, then the encoder.
        INDArray gt = scratch.zeros(GRAD_TOKENS, dt, 2 * b, n, d);
        gp.divi(n);
        Nd4j.exec(new BroadcastAddOp(gt, gp, gt, 0, 2));
        encoder.backward(gt);
        return new StepOutput(total, new LinkedHashMap<>(terms));
    }

    @Override
    public void afterUpdate(StepContext ctx) {
        if (teacher != null) {
            double m = MomentumSchedules.of(config.emaSchedule(), config.emaStart(), config.emaEnd(), ctx.totalSteps()).value(ctx.step());
            Ema.update(teacherStore.params(), trainable.paramRange(0, encoderSize), m);
        }
        module.afterUpdate(trainable, ctx);
    }

    @Override
    public Map<String, INDArray> state() {
        Map<String, INDArray> s = new LinkedHashMap<>();
        if (teacherStore != null) {
            s.put("teacher.params", teacherStore.params());
        }
        module.state().forEach((k, v) -> s.put(module.name() + "." + k, v));
        return s;
    }

    @Override
    public Object modelConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("joint", config);
        c.put("antiCollapse", Map.of("name", module.name(), "weight", weight, "config", module.config()));
        c.put("dtype", trainable.dtype().name());
        return c;
    }

    @Override
    public int examples(TwoViewBatch batch) {
        return batch.batchSize();
    }
}
