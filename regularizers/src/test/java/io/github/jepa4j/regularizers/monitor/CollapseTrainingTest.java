package io.github.jepa4j.regularizers.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.core.model.PredictorConfig;
import io.github.jepa4j.core.task.AntiCollapse;
import io.github.jepa4j.core.task.JointEmbeddingConfig;
import io.github.jepa4j.core.task.JointEmbeddingTask;
import io.github.jepa4j.core.task.TwoViewBatch;
import io.github.jepa4j.core.train.Task;
import org.nd4j.linalg.factory.Nd4j;
import io.github.jepa4j.core.model.VitConfig;
import io.github.jepa4j.core.task.MaskedBatch;
import io.github.jepa4j.core.task.MaskedJepaConfig;
import io.github.jepa4j.core.task.MaskedJepaTask;
import io.github.jepa4j.core.testing.SyntheticJepaData;
import io.github.jepa4j.core.train.BatchSource;
import io.github.jepa4j.core.train.OptimConfig;
import io.github.jepa4j.core.train.StepEvent;
import io.github.jepa4j.core.train.Trainer;
import io.github.jepa4j.core.train.TrainingListener;
import io.github.jepa4j.core.train.listeners.NanGuard;
import io.github.jepa4j.regularizers.anticollapse.AntiCollapseRegistry;
import io.github.jepa4j.regularizers.anticollapse.VicReg;
import io.github.jepa4j.regularizers.anticollapse.VicRegConfig;
import io.github.jepa4j.regularizers.metrics.CollapseStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The collapse alarm on real (tiny) training runs.
 *
 * <p>Collapse: two views through one encoder with shared weights and gradients through both
 * branches, trained only to agree (VICReg's invariance term alone, no anti-collapse term), map
 * every input to the same point; the alarm fires. The same run with full VICReg (variance and
 * covariance terms) and a BYOL-style EMA teacher with predictor head stays healthy, and so does
 * a masked JEPA (I-JEPA) with its EMA target, with or without a VICReg hinge: the alarm stays
 * silent. (A masked JEPA whose target copies the encoder every step, momentum 0, does not
 * collapse fully: with a stop-gradient target and a predictor it only shrinks, the SimSiam
 * effect; it is therefore not used as the collapsing example.)
 */
class CollapseTrainingTest {
    private static final long STEPS = 100;
    private static final int EVERY = 25;
    private static final VitConfig ENC = new VitConfig(1, 16, 16, 1, 4, 1, 32, 2, 2, 64, 1e-6);

    private static MaskedJepaConfig config(double emaStart, double emaEnd, String schedule) {
        PredictorConfig pred = PredictorConfig.forEncoder(ENC, 16, 1, 2);
        return MaskedJepaConfig.ijepa(ENC, pred).withEma(emaStart, emaEnd, schedule);
    }

    private record Run(CollapseMonitor monitor, double lastLoss) {}

    private static INDArray heldOut() {
        return new SyntheticJepaData(64, 16, 4, 2, 2, 6, 99, DataType.FLOAT).next(0).inputs();
    }

    private static <B> Run train(String label, Task<B> task, BatchSource<B> data, java.util.function.Supplier<INDArray> embeddings,
                                 String lossTerm) {
        CollapseMonitor monitor = CollapseMonitor.builder(embeddings).every(EVERY).build();
        List<Double> loss = new ArrayList<>();
        try (Trainer<B> t = Trainer.builder(task, data).totalSteps(STEPS).seed(1)
                .optim(OptimConfig.defaults().withLr(2e-3).withWarmupSteps(10))
                .listener(new NanGuard())
                .listener(monitor)
                .listener(new TrainingListener() {
                    @Override
                    public void onStepEnd(StepEvent e) {
                        loss.add(lossTerm == null ? e.output().loss() : e.output().terms().get(lossTerm));
                    }
                })
                .build()) {
            t.fit();
        }
        double last = loss.subList(loss.size() - 10, loss.size()).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        StringBuilder sb = new StringBuilder(label + String.format(Locale.ROOT, " (loss, last 10 steps: %.4f):", last));
        for (CollapseMonitor.Snapshot s : monitor.history()) {
            sb.append(String.format(Locale.ROOT, " [step %d RankMe %.3f stdL2 %.5f]", s.step(), s.stats().rankMe(),
                    s.stats().stdOfL2Normalized()));
        }
        System.out.println(sb);
        return new Run(monitor, last);
    }

    /** Two noisy views of the synthetic images (independent noise per view), a pure function of the step. */
    private static final class TwoNoisyViews implements BatchSource<TwoViewBatch> {
        private final SyntheticJepaData data = new SyntheticJepaData(16, 16, 4, 2, 2, 6, 7, DataType.FLOAT);

        @Override
        public TwoViewBatch next(long step) {
            INDArray x = data.next(step).inputs();
            java.util.SplittableRandom rng = new java.util.SplittableRandom(1000 + step);
            INDArray v1 = x.add(noise(rng, x.shape()));
            INDArray v2 = x.add(noise(rng, x.shape()));
            return new TwoViewBatch(v1, v2, null);
        }

        private static INDArray noise(java.util.SplittableRandom rng, long[] shape) {
            double[] d = new double[(int) java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
            for (int i = 0; i < d.length; i++) {
                d[i] = 0.1 * io.github.jepa4j.core.nn.Init.gaussian(rng);
            }
            return Nd4j.createFromArray(d).castTo(DataType.FLOAT).reshape('c', shape);
        }

        @Override
        public long stepsPerEpoch() {
            return data.stepsPerEpoch();
        }
    }

    private static Run joint(String label, JointEmbeddingConfig cfg, AntiCollapse module) {
        JointEmbeddingTask task = new JointEmbeddingTask(cfg, module, 1.0, DataType.FLOAT, 1);
        INDArray held = heldOut();
        return train(label, task, new TwoNoisyViews(), () -> task.evalEncoder().forward(held).mean(1), null);
    }

    private static Run masked(String label, MaskedJepaConfig cfg, List<MaskedJepaTask.Weighted> antiCollapse) {
        MaskedJepaTask task = new MaskedJepaTask(cfg, DataType.FLOAT, 1, antiCollapse);
        INDArray held = heldOut();
        return train(label, task, new SyntheticJepaData(16, 16, 4, 2, 2, 6, 7, DataType.FLOAT),
                () -> task.targetEncoder().forward(held).mean(1), "pred");
    }

    @Test
    void sharedWeightsWithoutAntiCollapseCollapseWhileVicRegAndEmaDoNot() {
        VicRegConfig invarianceOnly = new VicRegConfig(25, 0, 0, 1e-4, false, List.of());
        Run shared = joint("shared weights, invariance only", JointEmbeddingConfig.siamese(ENC), new VicReg(invarianceOnly));
        CollapseMonitor m = shared.monitor();
        CollapseStats start = m.history().get(0).stats();
        CollapseStats end = m.latest().stats();
        assertTrue(start.rankMe() > 3 && start.stdOfL2Normalized() > m.stdThreshold(32), "healthy at init: " + start);
        assertTrue(end.stdOfL2Normalized() < start.stdOfL2Normalized() / 5 && end.rankMe() < 1.5, "collapsed: " + start + " -> " + end);
        assertTrue(!m.alarms().isEmpty(), "the collapse alarm must fire: " + end);
        CollapseAlarm alarm = m.alarms().get(0);
        assertTrue(alarm.value() < alarm.threshold() && alarm.step() > 0 && alarm.message().contains(alarm.metric()), alarm.message());

        Run vicreg = joint("shared weights, full VICReg", JointEmbeddingConfig.siamese(ENC),
                new VicReg(new VicRegConfig(25, 25, 1, 1e-4, false, List.of())));
        assertEquals(List.of(), vicreg.monitor().alarms(), "VICReg keeps the representation alive");
        assertTrue(vicreg.monitor().latest().stats().stdOfL2Normalized() > 3 * end.stdOfL2Normalized(),
                "VICReg " + vicreg.monitor().latest().stats() + " vs collapsed " + end);

        Run byol = joint("EMA teacher + predictor head (BYOL)", JointEmbeddingConfig.emaTeacher(ENC), AntiCollapseRegistry.create("ema"));
        assertEquals(List.of(), byol.monitor().alarms(), "the EMA teacher does not collapse");

        Run ijepa = masked("I-JEPA, EMA 0.996 -> 1", config(0.996, 1.0, "linear"), List.of());
        assertEquals(List.of(), ijepa.monitor().alarms(), "I-JEPA's EMA target does not collapse");
        Run ijepaVic = masked("I-JEPA + VICReg var/cov (weight 0.1)", config(0.996, 1.0, "linear"),
                List.of(new MaskedJepaTask.Weighted(new VicReg(), 0.1)));
        assertEquals(List.of(), ijepaVic.monitor().alarms(), "I-JEPA + VICReg stays healthy");
    }

    @Test
    void expanderTrainsInsideTheTaskAndItsConfigIsSaved() {
        VicReg vicreg = (VicReg) AntiCollapseRegistry.create("vicreg", VicRegConfig.defaults().withExpander(48, 48, 40));
        MaskedJepaTask task = new MaskedJepaTask(config(0.996, 1.0, "linear"), DataType.FLOAT, 1,
                List.of(new MaskedJepaTask.Weighted(vicreg, 0.05)));
        var expander = task.trainable().list().stream().filter(p -> p.name().startsWith(VicReg.EXPANDER_PREFIX)).toList();
        assertEquals(7, expander.size(), task.trainable().layoutSignature());
        INDArray before = expander.get(0).value().dup();
        List<Double> cov = new ArrayList<>();
        try (Trainer<MaskedBatch> t = Trainer.builder(task, new SyntheticJepaData(16, 16, 4, 2, 2, 6, 7, DataType.FLOAT)).totalSteps(5).seed(1)
                .listener(new NanGuard())
                .listener(new TrainingListener() {
                    @Override
                    public void onStepEnd(StepEvent e) {
                        cov.add(e.output().terms().get("vicreg.cov"));
                    }
                })
                .build()) {
            t.fit();
            assertTrue(t.configJson().toString().contains("\"expanderWidths\":[48,48,40]"), t.configJson().toString());
        }
        assertEquals(5, cov.size());
        assertNotEquals(0.0, expander.get(0).value().sub(before).norm2Number().doubleValue(), "the expander is trained");
    }
}
