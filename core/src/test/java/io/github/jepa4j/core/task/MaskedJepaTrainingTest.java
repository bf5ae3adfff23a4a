package io.github.jepa4j.core.task;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.core.model.PredictorConfig;
import io.github.jepa4j.core.model.VitConfig;
import io.github.jepa4j.core.testing.SyntheticJepaData;
import io.github.jepa4j.core.train.OptimConfig;
import io.github.jepa4j.core.train.StepEvent;
import io.github.jepa4j.core.train.Trainer;
import io.github.jepa4j.core.train.TrainingListener;
import io.github.jepa4j.core.train.listeners.NanGuard;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A few hundred steps of I-JEPA-style training on synthetic data: the loss falls and the target does not collapse. */
class MaskedJepaTrainingTest {
    static MaskedJepaConfig tinyConfig() {
        VitConfig enc = new VitConfig(1, 16, 16, 1, 4, 1, 32, 2, 2, 64, 1e-6);
        PredictorConfig pred = PredictorConfig.forEncoder(enc, 16, 1, 2);
        return MaskedJepaConfig.ijepa(enc, pred);
    }

    /** {mean per-dim std over all tokens, mean per-dim std of per-image mean-pooled features}. */
    static double[] spread(INDArray tokens) {
        INDArray flat = tokens.reshape(tokens.size(0) * tokens.size(1), tokens.size(2));
        return new double[] {flat.std(0).meanNumber().doubleValue(), tokens.mean(1).std(0).meanNumber().doubleValue()};
    }

    @Test
    void lossFallsAndTargetDoesNotCollapse() {
        MaskedJepaTask task = new MaskedJepaTask(tinyConfig(), DataType.FLOAT, 1);
        SyntheticJepaData data = new SyntheticJepaData(32, 16, 4, 2, 2, 6, 7, DataType.FLOAT);
        List<Double> losses = new ArrayList<>();
        INDArray probe = data.next(10_000).inputs();
        double[] before = spread(task.targetEncoder().forward(probe));
        long steps = 300;
        try (Trainer<MaskedBatch> t = Trainer.builder(task, data).totalSteps(steps).seed(1)
                .optim(OptimConfig.defaults().withLr(2e-3).withWarmupSteps(20))
                .listener(new NanGuard())
                .listener(new TrainingListener() {
                    @Override
                    public void onStepEnd(StepEvent e) {
                        losses.add(e.output().loss());
                    }
                })
                .build()) {
            t.fit();
        }
        double first = losses.subList(0, 20).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double last = losses.subList(losses.size() - 20, losses.size()).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertTrue(last < 0.6 * first, "loss should fall: first-20 mean " + first + ", last-20 mean " + last);

        double[] after = spread(task.targetEncoder().forward(probe));
        System.out.printf("I-JEPA tiny: loss %.4f -> %.4f; token std %.4f -> %.4f, pooled std %.4f -> %.4f%n",
                first, last, before[0], after[0], before[1], after[1]);
        assertTrue(after[0] > 0.05, "target representation collapsed: mean per-dim std " + after[0]);
    }
}
