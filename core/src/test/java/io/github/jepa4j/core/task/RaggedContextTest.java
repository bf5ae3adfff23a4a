package io.github.jepa4j.core.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.core.model.PredictorConfig;
import io.github.jepa4j.core.model.VitConfig;
import io.github.jepa4j.core.testing.Close;
import io.github.jepa4j.core.train.StepContext;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Ragged contexts: inputs of one batch keep different numbers of context tokens, padded to the
 * longest and masked out of attention in the encoder and the predictor. The padded batch must
 * give exactly what encoding each input alone with its own context gives.
 */
class RaggedContextTest {
    /** 8x8 images, patch 2: a 4x4 grid of 16 tokens; two blocks so padding must stay masked across layers. */
    static final VitConfig ENC = new VitConfig(1, 8, 8, 1, 2, 1, 8, 2, 2, 16, 1e-6);
    static final StepContext CTX = new StepContext(0, 10, 10, 0);

    static final int[][] CONTEXT = {{0, 1, 2, 4, 5, 8, 9}, {3, 7, 11}, {1, 6, 12, 13, 14}};
    static final int[] LENGTHS = {7, 3, 5};
    /** Two target blocks of 2 tokens per input, disjoint from its context. */
    static final int[][][] TARGETS = {{{10, 14}, {0, 1}, {2, 3}}, {{15, 11}, {5, 9}, {10, 15}}};

    static MaskedJepaTask task() {
        MaskedJepaTask t = new MaskedJepaTask(MaskedJepaConfig.ijepa(ENC, PredictorConfig.forEncoder(ENC, 8, 2, 2)),
                DataType.DOUBLE, 5, List.of());
        // A target that differs from the encoder, as after some EMA steps.
        Nd4j.getRandom().setSeed(11);
        t.targetStore().params().addi(Nd4j.randn(DataType.DOUBLE, t.targetStore().size()).muli(0.05));
        return t;
    }

    static INDArray images() {
        Nd4j.getRandom().setSeed(7);
        return Nd4j.randn(DataType.DOUBLE, 3, 1, 8, 8);
    }

    /** Each context row padded to 7 with {@code pad.apply(b)}. */
    static int[][] padded(java.util.function.IntUnaryOperator pad) {
        int[][] out = new int[3][7];
        for (int b = 0; b < 3; b++) {
            for (int j = 0; j < 7; j++) {
                out[b][j] = j < LENGTHS[b] ? CONTEXT[b][j] : pad.applyAsInt(b);
            }
        }
        return out;
    }

    static double[] lossAndGrad(MaskedJepaTask t, MaskedBatch batch) {
        t.trainable().zeroGrads();
        double loss = t.forwardBackward(batch, CTX).loss();
        double[] g = t.trainable().grads().toDoubleVector();
        double[] out = new double[g.length + 1];
        out[0] = loss;
        System.arraycopy(g, 0, out, 1, g.length);
        return out;
    }

    @Test
    void paddedBatchEqualsEachInputAlone() {
        MaskedJepaTask t = task();
        INDArray x = images();
        double[] batched = lossAndGrad(t, new MaskedBatch(x, padded(b -> CONTEXT[b][LENGTHS[b] - 1]), TARGETS, null, LENGTHS));
        // The loss is a mean over equally many target elements per input: the batch's loss and
        // gradient are the means of the per-input ones.
        double[] mean = new double[batched.length];
        for (int b = 0; b < 3; b++) {
            INDArray xb = x.get(NDArrayIndex.interval(b, b + 1), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all()).dup();
            int[][][] tb = {{TARGETS[0][b]}, {TARGETS[1][b]}};
            double[] one = lossAndGrad(t, new MaskedBatch(xb, new int[][] {CONTEXT[b]}, tb, null));
            for (int i = 0; i < mean.length; i++) {
                mean[i] += one[i] / 3;
            }
        }
        assertEquals(mean[0], batched[0], 1e-12, "loss");
        Close.assertClose("gradient of the padded batch vs each input alone", mean, batched, 1e-9);
    }

    @Test
    void paddingContentDoesNotMatter() {
        MaskedJepaTask t = task();
        INDArray x = images();
        double[] a = lossAndGrad(t, new MaskedBatch(x, padded(b -> CONTEXT[b][0]), TARGETS, null, LENGTHS));
        double[] c = lossAndGrad(t, new MaskedBatch(x, padded(b -> 15 - b), TARGETS, null, LENGTHS));
        Close.assertClose("padding with other tokens", a, c, 1e-12);
        // Without the lengths the padding is context: a different loss (the test can fail).
        double[] unmasked = lossAndGrad(t, new MaskedBatch(x, padded(b -> 15 - b), TARGETS, null));
        assertTrue(Math.abs(unmasked[0] - c[0]) > 1e-6, "padding read as context must change the loss");
    }

    @Test
    void raggedGradientMatchesFiniteDifferences() {
        MaskedJepaTask t = task();
        MaskedBatch batch = new MaskedBatch(images(), padded(b -> CONTEXT[b][LENGTHS[b] - 1]), TARGETS, null, LENGTHS);
        TaskGradientTest.check(t.trainable(), () -> {
            t.trainable().zeroGrads();
            return t.forwardBackward(batch, CTX).loss();
        }, 3);
    }

    @Test
    void badLengthsAndUnsupportedTermsAreRefused() {
        INDArray x = images();
        int[][] ctx = padded(b -> 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MaskedBatch(x, ctx, TARGETS, null, new int[] {7, 0, 5}));
        assertTrue(e.getMessage().contains("context length 0 of input 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MaskedBatch(x, ctx, TARGETS, null, new int[] {7, 8, 5}));
        assertTrue(e.getMessage().contains("[1, 7]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MaskedBatch(x, ctx, TARGETS, null, new int[] {7, 3}));
        assertTrue(e.getMessage().contains("context lengths for 2"), e.getMessage());

        MaskedJepaTask withTerm = new MaskedJepaTask(MaskedJepaConfig.ijepa(ENC, PredictorConfig.forEncoder(ENC, 8, 2, 2)),
                DataType.DOUBLE, 5, List.of(new MaskedJepaTask.Weighted(new TaskGradientTest.SpreadModule(), 1.0)));
        e = assertThrows(IllegalArgumentException.class,
                () -> withTerm.forwardBackward(new MaskedBatch(x, ctx, TARGETS, null, LENGTHS), CTX));
        assertTrue(e.getMessage().contains("ragged"), e.getMessage());
    }
}
