package io.github.jepa4j.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.core.checkpoint.Checkpoint;
import io.github.jepa4j.core.model.PredictorConfig;
import io.github.jepa4j.core.model.VitConfig;
import io.github.jepa4j.core.task.MaskedBatch;
import io.github.jepa4j.core.task.MaskedJepaConfig;
import io.github.jepa4j.core.task.MaskedJepaTask;
import io.github.jepa4j.core.testing.SyntheticJepaData;
import io.github.jepa4j.core.train.listeners.CheckpointSaver;
import io.github.jepa4j.core.train.listeners.MetricsCsv;
import io.github.jepa4j.core.train.listeners.NanGuard;
import io.github.jepa4j.core.train.listeners.ProgressLogger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class TrainerCheckpointTest {
    private static final long STEPS = 12;

    static MaskedJepaConfig config(int dim) {
        VitConfig enc = new VitConfig(1, 8, 8, 1, 4, 1, dim, 1, 2, 2 * dim, 1e-6);
        return MaskedJepaConfig.ijepa(enc, PredictorConfig.forEncoder(enc, 8, 1, 2));
    }

    static SyntheticJepaData data() {
        return new SyntheticJepaData(4, 8, 4, 1, 1, 2, 3, DataType.FLOAT);
    }

    static Trainer<MaskedBatch> trainer(MaskedJepaTask task, long steps, Path dir, long every, TrainingListener... extra) {
        var b = Trainer.builder(task, data()).totalSteps(steps).seed(5)
                .optim(OptimConfig.defaults().withWarmupSteps(3).withClipNorm(1.0))
                .listener(new NanGuard())
                .listener(new ProgressLogger(4));
        if (dir != null) {
            b.listener(new CheckpointSaver(dir, every)).listener(new MetricsCsv(dir, 1));
        }
        for (TrainingListener l : extra) {
            b.listener(l);
        }
        return b.build();
    }

    private static float[] bits(INDArray a) {
        return a.dup().data().asFloat();
    }

    @Test
    void resumeIsBitIdenticalToAnUninterruptedRun(@TempDir Path dir) throws IOException {
        MaskedJepaTask full = new MaskedJepaTask(config(16), DataType.FLOAT, 1);
        try (Trainer<MaskedBatch> t = trainer(full, STEPS, null, 1)) {
            t.fit();
        }
        // Interrupted: stop after 5 steps (checkpoint at 5), then a fresh process-like restart.
        MaskedJepaTask first = new MaskedJepaTask(config(16), DataType.FLOAT, 1);
        try (Trainer<MaskedBatch> t = trainer(first, STEPS, dir, 5, new TrainingListener() {
            @Override
            public void onStepEnd(StepEvent e) {
                if (e.step() + 1 == 5) {
                    e.trainer().requestStop("simulated interruption");
                }
            }
        })) {
            t.fit();
            assertEquals(5, t.step());
        }
        double firstSeconds = Checkpoint.load(dir.resolve(CheckpointSaver.LAST)).scalars().get("train.seconds");
        assertTrue(firstSeconds > 0, "the checkpoint carries the step time so far: " + firstSeconds);
        MaskedJepaTask second = new MaskedJepaTask(config(16), DataType.FLOAT, 99); // other init: resume overwrites it
        try (Trainer<MaskedBatch> t = trainer(second, STEPS, dir, 5)) {
            t.resume(dir.resolve(CheckpointSaver.LAST));
            assertEquals(5, t.step());
            assertEquals(firstSeconds, t.trainSeconds(), 0.0, "training time continues from the checkpoint");
            t.fit();
            assertTrue(t.trainSeconds() > firstSeconds);
        }
        assertArrayEquals(bits(full.trainable().params()), bits(second.trainable().params()), "trainable parameters");
        assertArrayEquals(bits(full.targetStore().params()), bits(second.targetStore().params()), "EMA target parameters");
        // Metrics CSV of the resumed run continues the first one (header once, steps 1..12).
        List<String> lines = Files.readAllLines(dir.resolve("metrics.csv"));
        assertEquals("step,metric,value", lines.get(0));
        assertEquals(1, lines.stream().filter(l -> l.startsWith("step,")).count());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("12,loss,")));
    }

    @Test
    void theStepWorkspaceChangesNothingButMemoryReuse() {
        float[][] results = new float[2][];
        for (int i = 0; i < 2; i++) {
            MaskedJepaTask task = new MaskedJepaTask(config(16), DataType.FLOAT, 1);
            try (Trainer<MaskedBatch> t = Trainer.builder(task, data()).totalSteps(6).seed(5).useWorkspace(i == 0).build()) {
                t.fit();
            }
            results[i] = bits(task.trainable().params());
        }
        assertArrayEquals(results[1], results[0], "training inside the per-step workspace must give identical weights");
    }

    @Test
    void checkpointFromAnotherModelIsRefusedNamingTheMismatch(@TempDir Path dir) throws IOException {
        MaskedJepaTask a = new MaskedJepaTask(config(16), DataType.FLOAT, 1);
        try (Trainer<MaskedBatch> t = trainer(a, 2, dir, 2)) {
            t.fit();
        }
        MaskedJepaTask b = new MaskedJepaTask(config(24), DataType.FLOAT, 1);
        try (Trainer<MaskedBatch> t = trainer(b, 2, null, 1)) {
            var e = assertThrows(IllegalArgumentException.class, () -> t.resume(dir.resolve(CheckpointSaver.LAST)));
            assertTrue(e.getMessage().contains("model.jepa.encoder.dim") && e.getMessage().contains("16")
                    && e.getMessage().contains("24"), e.getMessage());
        }
    }

    @Test
    void truncatedOrMissingCheckpointsNameTheFile(@TempDir Path dir) throws IOException {
        MaskedJepaTask a = new MaskedJepaTask(config(16), DataType.FLOAT, 1);
        try (Trainer<MaskedBatch> t = trainer(a, 2, dir, 2)) {
            t.fit();
        }
        Path good = dir.resolve(CheckpointSaver.LAST);
        byte[] bytes = Files.readAllBytes(good);
        Path cut = dir.resolve("cut.ckpt");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        var e = assertThrows(IOException.class, () -> Checkpoint.load(cut));
        assertTrue(e.getMessage().contains("cut.ckpt"), e.getMessage());
        Path garbage = dir.resolve("garbage.ckpt");
        Files.writeString(garbage, "not a checkpoint");
        var e2 = assertThrows(IOException.class, () -> Checkpoint.load(garbage));
        assertTrue(e2.getMessage().contains("garbage.ckpt"), e2.getMessage());
        var e3 = assertThrows(IOException.class, () -> Checkpoint.load(dir.resolve("absent.ckpt")));
        assertTrue(e3.getMessage().contains("absent.ckpt"), e3.getMessage());
    }

    @Test
    void nanLossStopsNamingTheStepAndKeepsTheLastCheckpoint(@TempDir Path dir) throws IOException {
        MaskedJepaTask task = new MaskedJepaTask(config(16), DataType.FLOAT, 1);
        SyntheticJepaData good = data();
        BatchSource<MaskedBatch> poisoned = new BatchSource<>() {
            @Override
            public MaskedBatch next(long step) {
                MaskedBatch b = good.next(step);
                if (step == 6) {
                    // Corrupt the parameters rather than the input so the NaN reaches the loss.
                    task.trainable().params().putScalar(0, Float.NaN);
                }
                return b;
            }

            @Override
            public long stepsPerEpoch() {
                return 50;
            }
        };
        Trainer<MaskedBatch> t = Trainer.builder(task, poisoned).totalSteps(STEPS).seed(5)
                .listener(new NanGuard()).listener(new CheckpointSaver(dir, 3)).build();
        var e = assertThrows(NanGuard.NonFiniteException.class, t::fit);
        assertTrue(e.getMessage().contains("step 6"), e.getMessage());
        Checkpoint last = Checkpoint.load(dir.resolve(CheckpointSaver.LAST));
        assertEquals(6, last.step());
        assertFalse(Float.isNaN(last.array("params").getFloat(0)), "checkpoint must hold the good parameters");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(CheckpointSaver.LAST), files.map(p -> p.getFileName().toString()).toList(),
                    "no temporary files left behind");
        }
    }

    @Test
    void nanInputIsRejectedWithAClearMessage() {
        MaskedJepaTask task = new MaskedJepaTask(config(16), DataType.FLOAT, 1);
        MaskedBatch b = data().next(0);
        b.inputs().putScalar(3, Float.NaN);
        var e = assertThrows(IllegalArgumentException.class,
                () -> task.forwardBackward(b, new StepContext(0, 1, 1, 0)));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
    }

    @Test
    void checkpointRoundTripIsExact(@TempDir Path dir) throws IOException {
        INDArray a = Nd4j.rand(DataType.FLOAT, 3, 5);
        INDArray d = Nd4j.rand(DataType.DOUBLE, 7);
        Checkpoint c = new Checkpoint(42, 7, "layout;", null, java.util.Map.of("a", a, "d", d), java.util.Map.of("x", 1.5));
        Path f = dir.resolve("c.ckpt");
        c.save(f);
        c.save(f); // overwrite atomically
        Checkpoint r = Checkpoint.load(f);
        assertEquals(42, r.step());
        assertEquals(7, r.seed());
        assertEquals(a, r.array("a"));
        assertEquals(d, r.array("d"));
        assertEquals(1.5, r.scalars().get("x"));
    }
}
