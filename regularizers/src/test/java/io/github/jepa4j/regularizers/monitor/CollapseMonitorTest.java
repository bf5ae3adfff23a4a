package io.github.jepa4j.regularizers.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.core.nn.Init;
import io.github.jepa4j.core.nn.ParamStore;
import io.github.jepa4j.core.train.BatchSource;
import io.github.jepa4j.core.train.StepContext;
import io.github.jepa4j.core.train.StepOutput;
import io.github.jepa4j.core.train.Task;
import io.github.jepa4j.core.train.Trainer;
import io.github.jepa4j.core.train.listeners.CheckpointSaver;
import io.github.jepa4j.core.train.listeners.MetricsCsv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The monitor's schedule, thresholds, records and actions, on scripted embeddings. */
class CollapseMonitorTest {
    private static final int D = 16;

    /** A task that learns nothing: the monitor's behaviour depends only on the scripted embeddings. */
    private static final class IdleTask implements Task<Long> {
        private final ParamStore store = new ParamStore(DataType.FLOAT);

        IdleTask() {
            store.add("w", new long[] {2}, true, Init.ones());
            store.allocate(0);
        }

        @Override
        public ParamStore trainable() {
            return store;
        }

        @Override
        public StepOutput forwardBackward(Long batch, StepContext ctx) {
            return StepOutput.of(1.0);
        }

        @Override
        public Object modelConfig() {
            return Map.of("kind", "idle");
        }

        @Override
        public int examples(Long batch) {
            return 1;
        }
    }

    private static final BatchSource<Long> STEPS = new BatchSource<>() {
        @Override
        public Long next(long step) {
            return step;
        }

        @Override
        public long stepsPerEpoch() {
            return 10;
        }
    };

    /** Healthy isotropic embeddings until {@code collapseAt} completed steps, then all rows one vector plus tiny noise. */
    private static Function<Trainer<?>, INDArray> scripted(long collapseAt) {
        return t -> {
            Nd4j.getRandom().setSeed(t.step());
            INDArray z = Nd4j.randn(DataType.DOUBLE, 64, D);
            if (t.step() >= collapseAt) {
                INDArray row = Nd4j.linspace(1, D, D, DataType.DOUBLE).reshape(1, D);
                z = z.muli(1e-4).addiRowVector(row);
            }
            return z;
        };
    }

    private static Trainer<Long> trainer(long steps, CollapseMonitor monitor, Object... more) {
        var b = Trainer.builder((Task<Long>) new IdleTask(), STEPS).totalSteps(steps).useWorkspace(false);
        for (Object l : more) {
            b.listener((io.github.jepa4j.core.train.TrainingListener) l);
        }
        return b.listener(monitor).build();
    }

    @Test
    void defaultThresholds() {
        CollapseMonitor m = CollapseMonitor.builder(scripted(0)).build();
        assertEquals(1.5, m.rankMeThreshold(16), 0.0, "small widths: the floor");
        assertEquals(7.68, m.rankMeThreshold(768), 1e-12, "1% of the width");
        assertEquals(0.1 / Math.sqrt(64), m.stdThreshold(64), 1e-15);
        assertEquals(CollapseMonitor.Action.WARN, m.action());
    }

    @Test
    void warnsOncePerMetricAndKeepsTraining(@TempDir Path dir) throws Exception {
        MetricsCsv csv = new MetricsCsv(dir, 1000);
        CollapseMonitor m = CollapseMonitor.builder(scripted(30)).every(10).metricsCsv(csv).build();
        Trainer<Long> t = trainer(60, m, csv);
        t.fit();
        assertEquals(60, t.step(), "WARN does not stop training");
        assertNull(t.stopReason());
        assertEquals(List.of(0L, 10L, 20L, 30L, 40L, 50L, 60L), m.history().stream().map(CollapseMonitor.Snapshot::step).toList());
        assertTrue(m.history().get(2).stats().rankMe() > 10, "healthy before: " + m.history().get(2).stats());
        assertTrue(m.history().get(3).stats().rankMe() < 1.01, "collapsed after: " + m.history().get(3).stats());
        assertEquals(2, m.alarms().size(), "each metric alarms once: " + m.alarms());
        CollapseAlarm rank = m.alarms().get(0);
        assertEquals(30, rank.step());
        assertEquals(CollapseMonitor.RANKME, rank.metric());
        assertEquals(1.5, rank.threshold(), 0.0);
        assertTrue(rank.value() < 1.01);
        assertTrue(rank.message().contains("COLLAPSE ALARM at step 30") && rank.message().contains("collapse.rankme")
                && rank.message().contains("1.50000"), rank.message());
        assertEquals(CollapseMonitor.STD_L2, m.alarms().get(1).metric());
        assertEquals(0.1 / 4, m.alarms().get(1).threshold(), 1e-15);

        List<String> lines = Files.readAllLines(csv.file());
        assertTrue(lines.contains("0,collapse.rankme," + String.format(java.util.Locale.ROOT, "%.8g", m.history().get(0).stats().rankMe())), lines.toString());
        assertEquals(7, lines.stream().filter(l -> l.contains(",collapse.std_l2,")).count());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("60,collapse.min_std,")));
    }

    /** Spread below the std-L2 threshold from the start: {@code scale(step)} times isotropic noise around one vector. */
    private static Function<Trainer<?>, INDArray> lowSpread(java.util.function.LongToDoubleFunction scale) {
        return t -> {
            Nd4j.getRandom().setSeed(t.step());
            INDArray row = Nd4j.linspace(1, D, D, DataType.DOUBLE).reshape(1, D);
            return Nd4j.randn(DataType.DOUBLE, 64, D).muli(scale.applyAsDouble(t.step())).addiRowVector(row);
        };
    }

    @Test
    void aLowInitialisationIsNotCollapseUnlessTrainingLowersIt() {
        // Spread growing from a low start (as on sparse video): recorded, never alarmed.
        CollapseMonitor growing = CollapseMonitor.builder(lowSpread(s -> 1e-3 * (1 + s))).every(10)
                .action(CollapseMonitor.Action.STOP).build();
        Trainer<Long> t = trainer(30, growing);
        t.fit();
        double std0 = growing.history().get(0).stats().stdOfL2Normalized();
        assertTrue(std0 < growing.stdThreshold(D), "starts below the threshold: " + std0);
        assertTrue(growing.history().get(3).stats().stdOfL2Normalized() < growing.stdThreshold(D), "stays below it");
        assertEquals(30, t.step(), "no alarm stopped the run");
        assertTrue(growing.alarms().isEmpty(), growing.alarms().toString());

        // The same low start, then training shrinks it further: that is collapse.
        CollapseMonitor shrinking = CollapseMonitor.builder(lowSpread(s -> s < 20 ? 1e-3 : 1e-5)).every(10)
                .action(CollapseMonitor.Action.STOP).build();
        Trainer<Long> t2 = trainer(40, shrinking);
        t2.fit();
        assertEquals(20, t2.step(), "stops at the first check below the step-0 value");
        assertTrue(shrinking.alarms().stream().anyMatch(a -> a.metric().equals(CollapseMonitor.STD_L2) && a.step() == 20),
                shrinking.alarms().toString());
    }

    @Test
    void stopEndsTrainingCleanlyAndKeepsACheckpoint(@TempDir Path dir) {
        CheckpointSaver saver = new CheckpointSaver(dir, 1000);
        CollapseMonitor m = CollapseMonitor.builder(scripted(20)).every(5).action(CollapseMonitor.Action.STOP).build();
        Trainer<Long> t = trainer(100, m, saver);
        t.fit();
        assertEquals(20, t.step(), "stops after the step whose check alarmed");
        assertTrue(t.stopReason().contains("COLLAPSE ALARM at step 20") && t.stopReason().contains("collapse.rankme")
                && t.stopReason().contains("collapse.std_l2"), t.stopReason());
        assertTrue(Files.exists(saver.file()), "CheckpointSaver.onEnd ran after the stop");
        assertEquals(2, m.alarms().size());
    }

    @Test
    void badEmbeddingsAndSettingsAreClearErrors() {
        CollapseMonitor nan = CollapseMonitor.builder(() -> Nd4j.createFromArray(new double[][] {{1, Double.NaN}, {2, 3}})).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> trainer(5, nan).fit());
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        CollapseMonitor one = CollapseMonitor.builder(() -> Nd4j.ones(DataType.DOUBLE, 1, 4)).build();
        e = assertThrows(IllegalArgumentException.class, () -> trainer(5, one).fit());
        assertTrue(e.getMessage().contains("batch size 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CollapseMonitor.builder(scripted(0)).every(0));
        assertThrows(IllegalArgumentException.class, () -> CollapseMonitor.builder(scripted(0)).stdThreshold(-1));
    }
}
