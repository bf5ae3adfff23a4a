package io.github.jepa4j.image.train;

import io.github.jepa4j.core.model.VisionTransformer;
import io.github.jepa4j.image.data.ImageDataset;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Frozen-encoder features for probes: the encoder's final tokens, average-pooled per image
 * (I-JEPA's linear-probe protocol), as a float64 {@code [n, D]} matrix.
 */
public final class Features {
    // The encoder's activations live in a workspace reused batch after batch: without it each
    // batch's buffers wait for the garbage collector and native memory grows by GBs over 60k images.
    private static final WorkspaceConfiguration WS = WorkspaceConfiguration.builder()
            .policyAllocation(AllocationPolicy.STRICT)
            .policyLearning(LearningPolicy.FIRST_LOOP)
            .build();

    private Features() {}

    /** Pooled features of the first {@code n} images of {@code ds}, in batches of {@code batch}. */
    public static INDArray pooled(VisionTransformer encoder, ImageDataset ds, int n, int batch) {
        return rows(ds, n, batch, encoder.config().dim(), (x, out) -> {
            // Copied out before the workspace closes: its arrays are overwritten by the next batch.
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(WS, "jepa4j-features")) {
                out.assign(encoder.forward(x).mean(1).castTo(DataType.DOUBLE));
            }
        });
    }

    /** The first {@code n} images of {@code ds} as flattened pixels, a float64 {@code [n, C*H*W]} matrix: the raw-pixel baseline. */
    public static INDArray pixels(ImageDataset ds, int n) {
        long width = (long) ds.channels() * ds.height() * ds.width();
        return rows(ds, n, 1024, width, (x, out) -> out.assign(x.reshape('c', x.size(0), width).castTo(DataType.DOUBLE)));
    }

    /**
     * A float64 {@code [min(n, size), width]} matrix filled batch by batch: the images go into one
     * reused input buffer, and {@code perBatch} writes the rows of an {@code [m, C, H, W]} batch into
     * the {@code [m, width]} slice of the result it is given.
     */
    private static INDArray rows(ImageDataset ds, int n, int batch, long width,
                                 java.util.function.BiConsumer<INDArray, INDArray> perBatch) {
        int count = Math.min(n, ds.size());
        INDArray out = Nd4j.create(DataType.DOUBLE, count, width);
        INDArray buf = Nd4j.create(DataType.FLOAT, batch, ds.channels(), ds.height(), ds.width());
        for (int start = 0; start < count; start += batch) {
            int m = Math.min(batch, count - start);
            int[] idx = new int[m];
            for (int i = 0; i < m; i++) {
                idx[i] = start + i;
            }
            INDArray x = m == batch ? buf : Nd4j.create(DataType.FLOAT, m, ds.channels(), ds.height(), ds.width());
            ds.fill(idx, x);
            perBatch.accept(x, out.get(NDArrayIndex.interval(start, start + m), NDArrayIndex.all()));
        }
        buf.close();
        return out;
    }

    /** Labels of the first {@code n} images. */
    public static int[] labels(ImageDataset ds, int n) {
        int count = Math.min(n, ds.size());
        int[] idx = new int[count];
        for (int i = 0; i < count; i++) {
            idx[i] = i;
        }
        int[] y = new int[count];
        ds.labels(idx, y);
        return y;
    }
}
