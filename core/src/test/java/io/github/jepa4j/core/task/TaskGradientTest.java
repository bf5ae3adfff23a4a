package io.github.jepa4j.core.task;

import io.github.jepa4j.core.model.PredictorConfig;
import io.github.jepa4j.core.model.VitConfig;
import io.github.jepa4j.core.nn.Param;
import io.github.jepa4j.core.nn.ParamStore;
import io.github.jepa4j.core.testing.Close;
import io.github.jepa4j.core.testing.GradCheck;
import io.github.jepa4j.core.testing.SyntheticJepaData;
import io.github.jepa4j.core.train.StepContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Whole-task gradient checks in double precision: the gradient a task writes into its store
 * matches central differences of its loss, for parameters sampled from every layer. This checks
 * the composition (masking, predictor context repetition, pooling, anti-collapse wiring), not
 * just the layers.
 */
class TaskGradientTest {
    static final VitConfig ENC = new VitConfig(1, 8, 8, 1, 4, 1, 8, 1, 2, 16, 1e-6);

    /** A small two-branch test module: mean squared difference plus a hinge on per-dimension spread. */
    static final class SpreadModule implements AntiCollapse {
        @Override
        public String name() {
            return "spread";
        }

        @Override
        public Map<String, Double> apply(INDArray a, INDArray b, INDArray gradA, INDArray gradB, double weight, StepContext ctx) {
            // term = mean((a - b)^2) if b given, plus mean(a^2) (single-branch)
            long n = a.length();
            double t;
            if (b != null) {
                INDArray d = a.sub(b);
                t = d.mul(d).sumNumber().doubleValue() / n;
                gradA.addi(d.mul(2.0 * weight / n));
                if (gradB != null) {
                    gradB.addi(d.mul(-2.0 * weight / n));
                }
            } else {
                t = a.mul(a).sumNumber().doubleValue() / n;
                gradA.addi(a.mul(2.0 * weight / n));
            }
            return Map.of("spread.term", weight * t);
        }

        @Override
        public Object config() {
            return Map.of();
        }
    }

    static void check(ParamStore store, Supplier<Double> lossAndGrad, int perParam) {
        lossAndGrad.get();
        INDArray analytic = store.grads().dup();
        SplittableRandom rng = new SplittableRandom(3);
        List<Double> num = new ArrayList<>();
        List<Double> ana = new ArrayList<>();
        for (Param p : store.list()) {
            INDArray flat = store.params();
            for (int k = 0; k < perParam; k++) {
                long i = p.offset() + rng.nextLong(p.length());
                num.add(GradCheck.numericDerivative(flat, i, lossAndGrad, 1e-6));
                ana.add(analytic.getDouble(i));
            }
        }
        Close.assertClose("task gradient", num.stream().mapToDouble(Double::doubleValue).toArray(),
                ana.stream().mapToDouble(Double::doubleValue).toArray(), 1e-6);
    }

    @Test
    void maskedJepaGradientWithAntiCollapse() {
        MaskedJepaConfig cfg = MaskedJepaConfig.ijepa(ENC, PredictorConfig.forEncoder(ENC, 8, 1, 2));
        MaskedJepaTask task = new MaskedJepaTask(cfg, DataType.DOUBLE, 1,
                List.of(new MaskedJepaTask.Weighted(new SpreadModule(), 0.7)));
        // Perturb the target so it differs from the encoder (as after some EMA steps).
        task.targetStore().params().addi(org.nd4j.linalg.factory.Nd4j.randn(DataType.DOUBLE, task.targetStore().size()).muli(0.05));
        checkMasked(task);
    }

    /** Central differences of a masked-JEPA task's loss on one small synthetic batch. */
    private static void checkMasked(MaskedJepaTask task) {
        MaskedBatch b = new SyntheticJepaData(3, 8, 4, 2, 1, 2, 5, DataType.DOUBLE).next(0);
        StepContext ctx = new StepContext(0, 10, 10, 0);
        check(task.trainable(), () -> {
            task.trainable().zeroGrads();
            return task.forwardBackward(b, ctx).loss();
        }, 3);
    }

    @Test
    void maskedJepaGradientWithTokenAndPooledTerms() {
        MaskedJepaConfig cfg = MaskedJepaConfig.ijepa(ENC, PredictorConfig.forEncoder(ENC, 8, 1, 2));
        MaskedJepaTask task = new MaskedJepaTask(cfg, DataType.DOUBLE, 1,
                List.of(new MaskedJepaTask.Weighted(new SpreadModule(), 0.7, false, true),
                        new MaskedJepaTask.Weighted(new SpreadModule(), 0.4)));
        checkMasked(task);
    }

    @Test
    void tokenTermsAreSingleBranch() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new MaskedJepaTask.Weighted(new SpreadModule(), 1.0, true, true));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("spread"), e.getMessage());
    }

    @Test
    void jointEmbeddingGradientSiameseAndTeacher() {
        for (JointEmbeddingConfig cfg : List.of(JointEmbeddingConfig.siamese(ENC), JointEmbeddingConfig.emaTeacher(ENC))) {
            JointEmbeddingTask task = new JointEmbeddingTask(cfg, new SpreadModule(), 1.3, DataType.DOUBLE, 2);
            INDArray v1 = org.nd4j.linalg.factory.Nd4j.randn(DataType.DOUBLE, 3, 1, 8, 8);
            INDArray v2 = org.nd4j.linalg.factory.Nd4j.randn(DataType.DOUBLE, 3, 1, 8, 8);
            TwoViewBatch b = new TwoViewBatch(v1, v2, null);
            StepContext ctx = new StepContext(0, 10, 10, 0);
            check(task.trainable(), () -> {
                task.trainable().zeroGrads();
                return task.forwardBackward(b, ctx).loss();
            }, 3);
        }
    }
}
