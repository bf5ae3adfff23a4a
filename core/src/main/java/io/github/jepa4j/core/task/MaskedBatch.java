package io.github.jepa4j.core.task;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A batch for masked-prediction JEPAs: the inputs and, per input, which tokens the context
 * encoder sees and which token blocks the predictor must predict.
 *
 * @param inputs       images {@code [B, C, H, W]} or clips {@code [B, C, T, H, W]}
 * @param contextIdx   kept token indices per input, {@code [B][Kc]} (raster order of the token grid)
 * @param targetBlocks per target block, token indices per input, {@code [M][B][Kt]}
 * @param labels       optional class labels {@code [B]} for online probes (may be null)
 * @param contextLengths ragged contexts: only the first {@code contextLengths[b]} entries of
 *                     {@code contextIdx[b]} are real, the rest is padding the encoders and predictor
 *                     mask out (attention key padding); null (the I-JEPA default): every entry is real
 */
public record MaskedBatch(INDArray inputs, int[][] contextIdx, int[][][] targetBlocks, int[] labels, int[] contextLengths) {
    /** A batch whose context rows are all real (no padding). */
    public MaskedBatch(INDArray inputs, int[][] contextIdx, int[][][] targetBlocks, int[] labels) {
        this(inputs, contextIdx, targetBlocks, labels, null);
    }

    public MaskedBatch {
        if (inputs == null) {
            throw new IllegalArgumentException("batch has no inputs");
        }
        long b = inputs.size(0);
        if (contextIdx == null || contextIdx.length != b) {
            throw new IllegalArgumentException("batch of " + b + " inputs has context indices for "
                    + (contextIdx == null ? "none" : contextIdx.length + " inputs"));
        }
        if (targetBlocks == null || targetBlocks.length == 0) {
            throw new IllegalArgumentException("empty target set: a masked batch needs at least one target block");
        }
        for (int m = 0; m < targetBlocks.length; m++) {
            if (targetBlocks[m].length != b) {
                throw new IllegalArgumentException("target block " + m + " has indices for " + targetBlocks[m].length
                        + " inputs but the batch has " + b);
            }
        }
        if (contextLengths != null) {
            if (contextLengths.length != b) {
                throw new IllegalArgumentException("batch of " + b + " inputs has context lengths for " + contextLengths.length);
            }
            for (int i = 0; i < b; i++) {
                if (contextLengths[i] < 1 || contextLengths[i] > contextIdx[i].length) {
                    throw new IllegalArgumentException("context length " + contextLengths[i] + " of input " + i
                            + " must be in [1, " + contextIdx[i].length + "] (its padded context row)");
                }
            }
        }
        if (labels != null && labels.length != b) {
            throw new IllegalArgumentException("batch of " + b + " inputs has " + labels.length + " labels");
        }
    }

    public int batchSize() {
        return (int) inputs.size(0);
    }

    @Override
    public String toString() {
        return "MaskedBatch" + Arrays.toString(inputs.shape()) + " context " + contextIdx[0].length
                + " tokens, " + targetBlocks.length + " target blocks of " + targetBlocks[0][0].length;
    }
}
