package io.github.jepa4j.regularizers.anticollapse;

import io.github.jepa4j.core.nn.ParamStore;
import io.github.jepa4j.core.task.AntiCollapse;
import io.github.jepa4j.core.train.StepContext;
import io.github.jepa4j.regularizers.loss.ByolLoss;
import io.github.jepa4j.regularizers.loss.LossTerms;
import io.github.jepa4j.regularizers.nn.MlpHead;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * EMA-teacher distillation, the BYOL objective as an anti-collapse module (Grill et al.,
 * "Bootstrap Your Own Latent", NeurIPS 2020, eq. 2): a student predictor head {@code q} on the
 * online embeddings {@code a} regresses the teacher's embeddings {@code b}, which are a
 * stop-gradient target:
 *
 * <pre>
 *   weight * (1/N) sum_n (2 - 2 cos(q(a_n), b_n)),     q = Linear(D, H) -> BatchNorm1d -> ReLU -> Linear(H, D)
 * </pre>
 *
 * Defaults: {@code H = 4D} ({@link EmaDistillationConfig#hidden}), cosine eps 1e-12. Term
 * {@code ema.regression} (weighted).
 *
 * <p><b>Who owns what.</b> The teacher is not part of this module: {@code b} must be the output of
 * the task's EMA target encoder (in two-view setups, on the <em>other</em> view), and the task owns
 * that target, its parameters and its momentum schedule (core's {@code Ema.update} with e.g. a
 * {@code CosineMomentumSchedule} 0.996 -> 1, applied in the task's {@code afterUpdate}). This module
 * owns only the predictor head, registered in the trainable store under
 * {@code anticollapse.ema.predictor.*} and trained with the encoder; it has no other state. The
 * paper's symmetrised loss {@code L(q(a1), b2) + L(q(a2), b1)} is two calls of {@link #apply},
 * made by the task when it has two views. {@code gradB} is never written ({@code b} gets no
 * gradient; it may be null). {@code b == null} is refused: without a teacher there is nothing to
 * distil.
 */
public final class EmaDistillation implements AntiCollapse {
    public static final String NAME = "ema";
    /** Parameter name prefix of the predictor head. */
    public static final String PREDICTOR_PREFIX = "anticollapse.ema.predictor";

    private static final String OWNER = "EmaDistillation";

    private final EmaDistillationConfig config;
    private final ByolLoss loss;
    private MlpHead predictor;
    private ParamStore store;
    private int dim = -1;

    /** Hidden width 4x the embedding width. */
    public EmaDistillation() {
        this(EmaDistillationConfig.defaults());
    }

    public EmaDistillation(EmaDistillationConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.loss = new ByolLoss(config.eps());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public EmaDistillationConfig config() {
        return config;
    }

    /** The student's predictor head (null before {@link #register}). */
    public MlpHead predictor() {
        return predictor;
    }

    @Override
    public void register(ParamStore store, int dim) {
        if (dim <= 0) {
            throw new IllegalArgumentException(OWNER + ": embedding width must be > 0, got " + dim);
        }
        if (this.dim > 0) {
            throw new IllegalStateException(OWNER + ": already registered (width " + this.dim + "); use one instance per task");
        }
        this.dim = dim;
        this.store = store;
        this.predictor = new MlpHead(store, PREDICTOR_PREFIX, dim, List.of(config.hiddenFor(dim)), dim, true);
    }

    @Override
    public Map<String, Double> apply(INDArray a, INDArray b, INDArray gradA, INDArray gradB, double weight, StepContext ctx) {
        if (b == null) {
            throw new IllegalArgumentException(OWNER + ": needs the teacher's embeddings as b (the task's EMA target encoder"
                    + " output, of the other view when there are two), but b is null");
        }
        Inputs.requireWeight(OWNER, weight);
        Inputs.check(OWNER, a, b, gradA, null, dim);
        if (predictor == null) {
            throw new IllegalStateException(OWNER + ": the predictor head has no parameters yet; call register(store, dim) before apply");
        }
        if (a.dataType() != store.dtype()) {
            throw new IllegalArgumentException(OWNER + ": embeddings are " + a.dataType() + " but the predictor's parameters are "
                    + store.dtype());
        }
        INDArray p = predictor.forward(a, 1);
        LossTerms t = loss.compute(p, b);
        gradA.addi(predictor.backward(t.gradA().muli(weight)));
        Map<String, Double> terms = new LinkedHashMap<>();
        terms.put(NAME + ".regression", weight * t.total());
        return terms;
    }

    @Override
    public String toString() {
        return "EmaDistillation" + config;
    }
}
