package io.github.jepa4j.world.model;

import io.github.jepa4j.core.nn.ParamStore;
import io.github.jepa4j.core.task.JointEmbeddingConfig;
import io.github.jepa4j.core.task.JointEmbeddingTask;
import io.github.jepa4j.core.task.TwoViewBatch;
import io.github.jepa4j.core.train.OptimConfig;
import io.github.jepa4j.core.train.StepEvent;
import io.github.jepa4j.core.train.Trainer;
import io.github.jepa4j.core.train.TrainingListener;
import io.github.jepa4j.core.train.listeners.NanGuard;
import io.github.jepa4j.core.train.listeners.ProgressLogger;
import io.github.jepa4j.regularizers.anticollapse.AntiCollapseRegistry;
import io.github.jepa4j.world.env.Trajectories;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The two-stage recipe that builds a {@link LearnedWorldModel} from random-action trajectories
 * (as V-JEPA 2-AC: a self-supervised encoder first, frozen; then the action-conditioned predictor).
 *
 * <ol>
 *   <li>Encoder: joint-embedding pretraining on temporal frame pairs ({@link FramePairs}) with an
 *       anti-collapse module from the registry (default VICReg), core's {@link JointEmbeddingTask}
 *       under core's {@link Trainer}. The encoder is then frozen. Why frozen: the predictor's
 *       targets stay fixed, so its loss cannot be lowered by collapsing the representation, and
 *       the frames are encoded once instead of every step.</li>
 *   <li>Every frame is encoded to its layer-normed embedding ({@link StateEncoder}); the
 *       per-feature mean and std over all these frames define the latent
 *       {@code z = (e - mean) / std} ({@link LatentStandardization}), stored with the model.</li>
 *   <li>Predictor: teacher-forcing plus rollout L1 losses ({@link ActionConditionedTask}) on
 *       random trajectory windows ({@link LatentTrajectories}) under the same trainer.</li>
 * </ol>
 * Both stages log progress every {@code logEvery} steps and stop on NaN ({@link NanGuard}).
 */
public final class WorldModelTraining {
    private WorldModelTraining() {}

    /**
     * The trained model and the final losses.
     *
     * @param metrics {@code encoder.loss}, {@code predictor.tf}, {@code predictor.rollout} (last step),
     *                {@code predictor.tf.first}, {@code predictor.rollout.first} (first step),
     *                {@code embedding.std} (mean over dimensions of the std over frames of the raw,
     *                layer-normed embedding), {@code predictor.tf.identity} (frozen encoder: the
     *                teacher-forcing loss of the no-change predictor on the standardised latent, the
     *                bar {@code predictor.tf} has to beat)
     */
    public record Result(LearnedWorldModel model, Map<String, Double> metrics) {}

    /** Trains on {@code data} (frames {@code [N, T, 3, S, S]}, actions {@code [N, T-1, A]}). */
    public static Result train(WorldModelConfig c, Trajectories data, int logEvery) {
        INDArray frames = data.frames();
        INDArray actions = data.actions();
        if (frames.rank() != 5 || actions.rank() != 3 || frames.size(0) != actions.size(0) || frames.size(1) != actions.size(1) + 1) {
            throw new IllegalArgumentException("need frames [N, T, C, H, W] and actions [N, T-1, A], got "
                    + Arrays.toString(frames.shape()) + " and " + Arrays.toString(actions.shape()));
        }
        if (frames.size(2) != c.encoder().channels() || frames.size(3) != c.encoder().height() || frames.size(4) != c.encoder().width()) {
            throw new IllegalArgumentException("frames " + Arrays.toString(frames.shape()) + " do not fit the encoder " + c.encoder());
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        long n = frames.size(0);
        int t = (int) frames.size(1);
        int aDim = (int) actions.size(2);

        // 1. Encoder: joint-embedding pretraining on temporal pairs, then frozen.
        JointEmbeddingTask enc = new JointEmbeddingTask(JointEmbeddingConfig.siamese(c.encoder()),
                AntiCollapseRegistry.create(c.antiCollapse(), c.antiCollapseConfig()), 1.0, DataType.FLOAT, c.seed());
        if (c.encoderSteps() > 0) {
            double[] last = new double[1];
            int gap = Math.min(c.maxGap(), t - 1);
            OptimConfig oc = OptimConfig.defaults().withLr(c.encoderLr()).withWarmupSteps(c.encoderSteps() / 10)
                    .withWeightDecay(0.04, 0.04);
            try (Trainer<TwoViewBatch> tr = Trainer.builder(enc, new FramePairs(frames, c.encoderBatch(), gap, c.seed()))
                    .totalSteps(c.encoderSteps()).optim(oc).seed(c.seed())
                    .listener(new NanGuard()).listener(new ProgressLogger(logEvery)).listener(lastLoss(last)).build()) {
                tr.fit();
            }
            metrics.put("encoder.loss", last[0]);
        }
        PredictorSpec spec = c.predictorSpec(aDim);
        if (c.jointEncoder()) {
            return trainJoint(c, data, spec, enc, metrics, logEvery);
        }
        // The encoder alone in its own store: the pretraining store also holds the anti-collapse
        // module's parameters (e.g. VICReg's expander), which are not part of the world model.
        StateEncoder encoder = StateEncoder.create(c.encoder(), DataType.FLOAT, c.seed());
        long es = encoder.store().size();
        encoder.store().params().assign(enc.trainable().paramRange(0, es));

        // 2. Encode every frame once; standardise each feature over the training frames.
        INDArray z = encodeAll(encoder, frames);
        metrics.put("embedding.std", embeddingStd(z));
        LatentStandardization norm = LatentStandardization.fit(z);
        norm.applyInPlace(z);
        metrics.put("predictor.tf.identity", identityLoss(z));

        // 3. Predictor on random windows of the encoded trajectories.
        ActionConditionedTask task = trainPredictor(c, spec, z, actions, metrics, logEvery);
        ParamStore ps = task.trainable();
        return new Result(new LearnedWorldModel(encoder, norm, spec, ps, task.predictor()), metrics);
    }

    /**
     * Stage 3 alone: the predictor of {@code spec} trained on latents {@code z [N, T, d]} and actions
     * {@code [N, T-1, A]} with {@code c}'s predictor settings; adds the loss terms to {@code metrics}.
     */
    static ActionConditionedTask trainPredictor(WorldModelConfig c, PredictorSpec spec, INDArray z, INDArray actions,
                                                Map<String, Double> metrics, int logEvery) {
        ActionConditionedTask task = new ActionConditionedTask(spec, DataType.FLOAT, c.seed() + 1);
        if (c.predictorSteps() > 0) {
            Map<String, Double> first = new LinkedHashMap<>();
            Map<String, Double> last = new LinkedHashMap<>();
            int window = Math.min(c.window(), (int) z.size(1) - 1);
            try (Trainer<TransitionBatch> tr = Trainer.builder(task,
                            new LatentTrajectories(z, actions.castTo(DataType.FLOAT), c.predictorBatch(), window, c.seed() + 2))
                    .totalSteps(c.predictorSteps()).optim(predictorOptim(c)).seed(c.seed() + 2)
                    .listener(new NanGuard()).listener(new ProgressLogger(logEvery)).listener(terms(first, last)).build()) {
                tr.fit();
            }
            putTerms(metrics, first, last);
        }
        return task;
    }

    /** Stage 3 with the encoder trained too (starting from the pretrained one when there was pretraining). */
    private static Result trainJoint(WorldModelConfig c, Trajectories data, PredictorSpec spec, JointEmbeddingTask pre,
                                     Map<String, Double> metrics, int logEvery) {
        JointWorldModelTask task = new JointWorldModelTask(c.encoder(), spec, AntiCollapseRegistry.create(c.antiCollapse(),
                c.antiCollapseConfig()), c.jointWeight(), DataType.FLOAT, c.seed() + 1);
        long es = task.encoderSize();
        if (c.encoderSteps() > 0) {
            task.trainable().paramRange(0, es).assign(pre.trainable().paramRange(0, es));
        }
        int t = (int) data.frames().size(1);
        if (c.predictorSteps() > 0) {
            Map<String, Double> first = new LinkedHashMap<>();
            Map<String, Double> last = new LinkedHashMap<>();
            int window = Math.min(c.rolloutSteps(), t - 1);
            try (Trainer<FrameWindows.FrameWindow> tr = Trainer.builder(task,
                            new FrameWindows(data.frames(), data.actions().castTo(DataType.FLOAT), Math.max(1, c.predictorBatch() / 2),
                                    window, c.seed() + 2))
                    .totalSteps(c.predictorSteps()).optim(predictorOptim(c)).seed(c.seed() + 2)
                    .listener(new NanGuard()).listener(new ProgressLogger(logEvery)).listener(terms(first, last)).build()) {
                tr.fit();
            }
            putTerms(metrics, first, last);
        }
        // Separate encoder and predictor stores, as a frozen-encoder model has (checkpoint layout).
        LearnedWorldModel m = LearnedWorldModel.build(c.encoder(), spec, DataType.FLOAT, c.seed());
        m.encoder().store().params().assign(task.trainable().paramRange(0, es));
        m.predictorStore().params().assign(task.trainable().paramRange(es, es + m.predictorStore().size()));
        metrics.put("embedding.std", embeddingStd(encodeAll(m.encoder(), data.frames())));
        return new Result(m, metrics);
    }

    private static OptimConfig predictorOptim(WorldModelConfig c) {
        return OptimConfig.defaults().withLr(c.predictorLr()).withWarmupSteps(c.predictorSteps() / 20).withWeightDecay(0.01, 0.01);
    }

    private static void putTerms(Map<String, Double> metrics, Map<String, Double> first, Map<String, Double> last) {
        metrics.put("predictor.tf.first", first.getOrDefault("tf", Double.NaN));
        metrics.put("predictor.rollout.first", first.getOrDefault("rollout", Double.NaN));
        metrics.put("predictor.tf", last.getOrDefault("tf", Double.NaN));
        metrics.put("predictor.rollout", last.getOrDefault("rollout", Double.NaN));
    }

    /** Embeddings {@code [N, T, d]} of all frames {@code [N, T, C, H, W]}. */
    static INDArray encodeAll(StateEncoder encoder, INDArray frames) {
        long n = frames.size(0);
        long t = frames.size(1);
        INDArray flat = frames.reshape('c', n * t, frames.size(2), frames.size(3), frames.size(4));
        return encoder.encodeAll(flat, 256).reshape('c', n, t, encoder.latentDim());
    }

    /**
     * The teacher-forcing loss of the no-change predictor, {@code mean |z_{t+1} - z_t|}: the bar a
     * trained predictor must clearly beat ({@code z [N, T, d]}).
     */
    public static double identityLoss(INDArray z) {
        long t = z.size(1);
        INDArray a = z.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(1, t));
        INDArray b = z.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(0, t - 1));
        return org.nd4j.linalg.ops.transforms.Transforms.abs(a.sub(b), false).meanNumber().doubleValue();
    }

    /**
     * The teacher-forcing L1 loss of {@code p} on latents {@code z [N, T, d]} and actions
     * {@code [N, T-1, A]}: {@code mean |P(z_t, a_t) - z_{t+1}|} over all transitions (e.g. held-out
     * trajectories, to compare with {@link #identityLoss}).
     */
    public static double teacherForcingLoss(ActionPredictor p, INDArray z, INDArray actions) {
        long n = z.size(0);
        long t = z.size(1) - 1;
        int d = (int) z.size(2);
        DataType dt = DataType.FLOAT;
        INDArray zin = z.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(0, t))
                .castTo(dt).dup('c').reshape('c', n * t, d);
        INDArray tgt = z.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(1, t + 1))
                .castTo(dt).dup('c').reshape('c', n * t, d);
        INDArray a = actions.castTo(dt).dup('c').reshape('c', n * t, actions.size(2));
        return org.nd4j.linalg.ops.transforms.Transforms.abs(p.forward(zin, a).sub(tgt), false).meanNumber().doubleValue();
    }

    /** Mean over dimensions of the std over frames: near 0 for a collapsed encoder. */
    static double embeddingStd(INDArray z) {
        return z.reshape('c', z.length() / z.size(2), z.size(2)).std(0).meanNumber().doubleValue();
    }

    private static TrainingListener lastLoss(double[] last) {
        return new TrainingListener() {
            @Override
            public void onStepEnd(StepEvent e) {
                last[0] = e.output().loss();
            }
        };
    }

    /** Records the terms of the first step and a running mean over the last 50 steps. */
    private static TrainingListener terms(Map<String, Double> first, Map<String, Double> last) {
        return new TrainingListener() {
            @Override
            public void onStepEnd(StepEvent e) {
                if (first.isEmpty()) {
                    first.putAll(e.output().terms());
                }
                long remaining = e.totalSteps() - e.step();
                if (remaining <= 50) {
                    double w = 1.0 / Math.min(50, e.totalSteps());
                    e.output().terms().forEach((k, v) -> last.merge(k, w * v, Double::sum));
                }
            }
        };
    }
}
