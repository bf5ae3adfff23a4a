package io.github.jepa4j.core.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.core.model.PredictorConfig;
import io.github.jepa4j.core.model.VitConfig;
import io.github.jepa4j.core.nn.WeightGradients;
import io.github.jepa4j.core.tensor.BlasThreads;
import io.github.jepa4j.core.train.StepContext;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The step's concurrency (the batch in two halves, one per thread; or, unsplit, the target forward
 * beside the context forward, its images split between two threads, and weight gradients on a
 * second thread) changes nothing: loss and every gradient are bit-identical to the sequential
 * step with the same one-thread BLAS calls, in float32 through the direct-BLAS path, over several
 * batches of different masks.
 */
class ConcurrentStepTest {
    /** 16x16 images, patch 4: 16 tokens of width 32, two blocks, batch 8: GEMMs of a few hundred rows. */
    static final VitConfig ENC = new VitConfig(1, 16, 16, 1, 4, 1, 32, 2, 2, 64, 1e-6);

    @AfterEach
    void restore() {
        WeightGradients.setEnabled(true);
    }

    static MaskedJepaTask task(boolean concurrent) {
        MaskedJepaTask t = new MaskedJepaTask(MaskedJepaConfig.ijepa(ENC, PredictorConfig.forEncoder(ENC, 16, 2, 2)),
                DataType.FLOAT, 3, List.of()).concurrentTarget(concurrent);
        // A target that differs from the encoder, as after some EMA steps.
        Nd4j.getRandom().setSeed(11);
        t.targetStore().params().addi(Nd4j.randn(DataType.FLOAT, t.targetStore().size()).muli(0.05));
        return t;
    }

    static MaskedBatch batch(int seed) {
        return batch(ENC, seed);
    }

    static float[] lossAndGrads(MaskedJepaTask t, MaskedBatch batch) {
        t.trainable().zeroGrads();
        double loss = t.forwardBackward(batch, new StepContext(0, 10, 10, 0)).loss();
        float[] g = t.trainable().grads().toFloatVector();
        float[] out = new float[g.length + 1];
        out[0] = (float) loss;
        System.arraycopy(g, 0, out, 1, g.length);
        return out;
    }

    @Test
    void concurrentStepIsBitIdenticalToSequential() {
        MaskedJepaTask seq = task(false);
        MaskedJepaTask con = task(true);
        for (int i = 0; i < 3; i++) {
            MaskedBatch b = batch(100 + i);
            WeightGradients.setEnabled(false);
            float[] expected;
            // The concurrent step runs every BLAS call on one thread; OpenBLAS picks other kernels for
            // two, so the sequential reference does the same to isolate the concurrency.
            try (BlasThreads one = BlasThreads.single(true)) {
                expected = lossAndGrads(seq, b);
            }
            WeightGradients.setEnabled(true);
            float[] actual = lossAndGrads(con, b);
            assertTrue(expected[0] > 0 && Float.isFinite(expected[0]), "loss " + expected[0]);
            long nonZero = java.util.stream.IntStream.range(1, expected.length).filter(j -> expected[j] != 0).count();
            assertTrue(nonZero > expected.length / 2, "most gradients non-zero: " + nonZero + " of " + (expected.length - 1));
            assertArrayEquals(expected, actual, "batch " + i + ": loss and gradients must be bit-identical");
        }
        assertEquals(seq.trainable().size(), con.trainable().size());
    }

    /**
     * The caller encodes the last inputs of the batch with a second target instance while the
     * target thread encodes the first ones: for every split the concurrent step gives the bits of
     * the sequential step that encodes the same two parts, for this encoder and one with three
     * heads of 16 on 3-channel 12x20 images. (Where the batch is cut can change bits of such small
     * models, which is why the split is a fixed fraction of the batch.)
     */
    @Test
    void everySplitOfTheTargetForwardGivesTheSequentialBits() {
        VitConfig wide = new VitConfig(3, 12, 20, 1, 4, 1, 48, 2, 3, 96, 1e-6);
        for (VitConfig enc : List.of(ENC, wide)) {
            MaskedJepaConfig cfg = MaskedJepaConfig.ijepa(enc, PredictorConfig.forEncoder(enc, 16, 1, 2));
            Nd4j.getRandom().setSeed(13);
            INDArray drift = Nd4j.randn(DataType.FLOAT, new MaskedJepaTask(cfg, DataType.FLOAT, 5, List.of()).targetStore().size())
                    .muli(0.05);
            MaskedBatch b = batch(enc, 200);
            for (int split : new int[] {8, 7, 5, 3, 1}) {
                MaskedJepaTask seq = new MaskedJepaTask(cfg, DataType.FLOAT, 5, List.of()).concurrentTarget(false)
                        .targetShare(split / 8.0);
                seq.targetStore().params().addi(drift);
                assertEquals(split, seq.splitFor(8));
                WeightGradients.setEnabled(false);
                float[] expected;
                try (BlasThreads one = BlasThreads.single(true)) {
                    expected = lossAndGrads(seq, b);
                }
                WeightGradients.setEnabled(true);
                MaskedJepaTask con = new MaskedJepaTask(cfg, DataType.FLOAT, 5, List.of()).concurrentTarget(true)
                        .targetShare(split / 8.0);
                con.targetStore().params().addi(drift);
                assertTrue(expected[0] > 0 && Float.isFinite(expected[0]), "loss " + expected[0]);
                assertArrayEquals(expected, lossAndGrads(con, b), enc + ": the target thread encodes " + split + " of 8 inputs");
                assertArrayEquals(expected, lossAndGrads(con, b), enc + ": again, with the second instance's buffers reused");
            }
        }
    }

    @Test
    void targetShareIsAFractionOfTheBatch() {
        MaskedJepaTask t = task(true);
        assertEquals(54, t.targetShare(0.85).splitFor(64));
        assertEquals(1, t.targetShare(0.85).splitFor(1));
        assertEquals(7, t.targetShare(0.85).splitFor(8));
        assertEquals(64, t.targetShare(1).splitFor(64));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> t.targetShare(0));
        assertTrue(e.getMessage().contains("target share"), e.getMessage());
    }

    /**
     * Two halves, each through the whole step with its own model instances, then one gradient: the
     * whole batch's loss, terms, gradient and context output, to float64 rounding, with anti-collapse
     * terms of each kind (pooled, against the EMA target, on tokens) and without (the target's last
     * block then runs at the target tokens only), on a batch of 8 and one of 7
     * (halves of 3 and 4: the parts' losses are weighted by their share), on two threads and on one.
     */
    @Test
    void halvesEqualTheWholeBatch() {
        MaskedJepaConfig cfg = MaskedJepaConfig.ijepa(ENC, PredictorConfig.forEncoder(ENC, 16, 2, 2));
        // Without terms against the target, the halves' target runs its last block at the target tokens only.
        List<List<MaskedJepaTask.Weighted>> termLists = List.of(List.of(), List.of(
                new MaskedJepaTask.Weighted(new TaskGradientTest.SpreadModule(), 0.7),
                new MaskedJepaTask.Weighted(new TaskGradientTest.SpreadModule(), 0.3, true),
                new MaskedJepaTask.Weighted(new TaskGradientTest.SpreadModule(), 0.2, false, true)));
        for (List<MaskedJepaTask.Weighted> terms : termLists) {
            for (boolean concurrent : new boolean[] {true, false}) {
                for (int size : new int[] {8, 7}) {
                    MaskedJepaTask whole = doubleTask(cfg, terms).splitBatch(false).concurrentTarget(concurrent);
                    MaskedJepaTask halves = doubleTask(cfg, terms).splitBatch(true).concurrentTarget(concurrent);
                    for (int i = 0; i < 2; i++) {
                        MaskedBatch b = inDouble(batch(200 + i), size);
                        StepContext ctx = new StepContext(i, 10, 10, 0);
                        String what = terms.size() + " terms, " + (concurrent ? "two threads" : "one thread") + ", batch of " + size
                                + ", step " + i;
                        whole.trainable().zeroGrads();
                        var expected = whole.forwardBackward(b, ctx);
                        halves.trainable().zeroGrads();
                        var actual = halves.forwardBackward(b, ctx);
                        assertEquals(expected.loss(), actual.loss(), 1e-12 * Math.abs(expected.loss()), what + ": loss");
                        assertEquals(expected.terms().keySet(), actual.terms().keySet(), what);
                        for (var e : expected.terms().entrySet()) {
                            assertEquals(e.getValue(), actual.terms().get(e.getKey()), 1e-12 * Math.abs(e.getValue()), what + ": " + e.getKey());
                        }
                        io.github.jepa4j.core.testing.Close.assertClose(what + ": gradient", whole.trainable().grads(),
                                halves.trainable().grads(), 1e-10);
                        io.github.jepa4j.core.testing.Close.assertClose(what + ": context output", whole.lastContext(),
                                halves.lastContext(), 1e-12);
                    }
                }
            }
        }
    }

    private static MaskedJepaTask doubleTask(MaskedJepaConfig cfg, List<MaskedJepaTask.Weighted> terms) {
        MaskedJepaTask t = new MaskedJepaTask(cfg, DataType.DOUBLE, 3, terms);
        Nd4j.getRandom().setSeed(11);
        t.targetStore().params().addi(Nd4j.randn(DataType.DOUBLE, t.targetStore().size()).muli(0.05));
        return t;
    }

    /** The first {@code size} inputs of {@code b}, in float64. */
    private static MaskedBatch inDouble(MaskedBatch b, int size) {
        INDArray x = b.inputs().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, size)).castTo(DataType.DOUBLE).dup();
        int[][][] targets = new int[b.targetBlocks().length][][];
        for (int m = 0; m < targets.length; m++) {
            targets[m] = java.util.Arrays.copyOfRange(b.targetBlocks()[m], 0, size);
        }
        return new MaskedBatch(x, java.util.Arrays.copyOfRange(b.contextIdx(), 0, size), targets, null);
    }

    /** Eight random inputs for {@code enc} with 6 context tokens and two target blocks of 3 per input. */
    static MaskedBatch batch(VitConfig enc, int seed) {
        java.util.Random r = new java.util.Random(seed);
        Nd4j.getRandom().setSeed(seed);
        int n = enc.numTokens();
        INDArray x = Nd4j.randn(DataType.FLOAT, 8, enc.channels(), enc.height(), enc.width());
        int[][] context = new int[8][6];
        int[][][] targets = new int[2][8][3];
        for (int b = 0; b < 8; b++) {
            List<Integer> perm = new java.util.ArrayList<>(java.util.stream.IntStream.range(0, n).boxed().toList());
            java.util.Collections.shuffle(perm, r);
            for (int j = 0; j < 6; j++) {
                context[b][j] = perm.get(j);
            }
            for (int m = 0; m < 2; m++) {
                for (int j = 0; j < 3; j++) {
                    targets[m][b][j] = perm.get(6 + 3 * m + j);
                }
            }
        }
        return new MaskedBatch(x, context, targets, null);
    }

    @Test
    void aFailingContextBranchLeavesTheTaskUsable() {
        MaskedJepaTask t = task(true);
        MaskedJepaTask fresh = task(true);
        MaskedBatch good = batch(7);
        int[][] badContext = good.contextIdx().clone();
        badContext[3] = badContext[3].clone();
        badContext[3][2] = 99; // the grid has 16 tokens: the context branch fails, the target branch does not
        MaskedBatch bad = new MaskedBatch(good.inputs(), badContext, good.targetBlocks(), null);
        RuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> lossAndGrads(t, bad));
        assertTrue(e.getMessage().contains("99"), e.getMessage());
        assertArrayEquals(lossAndGrads(fresh, good), lossAndGrads(t, good), "the next step is unaffected");
    }
}
