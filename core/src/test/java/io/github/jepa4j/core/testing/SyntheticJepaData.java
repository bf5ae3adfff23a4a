package io.github.jepa4j.core.testing;

import io.github.jepa4j.core.task.MaskedBatch;
import io.github.jepa4j.core.train.BatchSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Small structured synthetic images for core's tests (core has no image datasets): each image is
 * a bright axis-aligned rectangle of random position, size and intensity, with noise. Masks are
 * simple: M square target blocks of s x s tokens at random positions, the context is a random
 * subset of the remaining tokens. Batches are a pure function of (seed, step).
 */
public final class SyntheticJepaData implements BatchSource<MaskedBatch> {
    private final int batch;
    private final int size;
    private final int patch;
    private final int blocks;
    private final int blockSide;
    private final int contextKeep;
    private final long seed;
    private final DataType dtype;

    public SyntheticJepaData(int batch, int size, int patch, int blocks, int blockSide, int contextKeep, long seed, DataType dtype) {
        this.batch = batch;
        this.size = size;
        this.patch = patch;
        this.blocks = blocks;
        this.blockSide = blockSide;
        this.contextKeep = contextKeep;
        this.seed = seed;
        this.dtype = dtype;
    }

    @Override
    public MaskedBatch next(long step) {
        SplittableRandom rng = new SplittableRandom(seed * 1_000_003L + step);
        double[] px = new double[batch * size * size];
        int[] labels = new int[batch];
        for (int b = 0; b < batch; b++) {
            int w = 2 + rng.nextInt(size / 2);
            int h = 2 + rng.nextInt(size / 2);
            int x0 = rng.nextInt(size - w + 1);
            int y0 = rng.nextInt(size - h + 1);
            double v = 0.5 + rng.nextDouble();
            labels[b] = w > h ? 1 : 0;
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    double inside = (x >= x0 && x < x0 + w && y >= y0 && y < y0 + h) ? v : 0;
                    px[(b * size + y) * size + x] = inside + 0.05 * (rng.nextDouble() - 0.5);
                }
            }
        }
        INDArray images = Nd4j.createFromArray(px).reshape('c', batch, 1, size, size).castTo(dtype);
        int g = size / patch;
        int[][][] tgt = new int[blocks][batch][];
        int[][] ctx = new int[batch][];
        for (int b = 0; b < batch; b++) {
            boolean[] masked = new boolean[g * g];
            for (int m = 0; m < blocks; m++) {
                int r0 = rng.nextInt(g - blockSide + 1);
                int c0 = rng.nextInt(g - blockSide + 1);
                int[] idx = new int[blockSide * blockSide];
                int k = 0;
                for (int r = r0; r < r0 + blockSide; r++) {
                    for (int c = c0; c < c0 + blockSide; c++) {
                        idx[k++] = r * g + c;
                        masked[r * g + c] = true;
                    }
                }
                tgt[m][b] = idx;
            }
            List<Integer> free = new ArrayList<>();
            for (int i = 0; i < g * g; i++) {
                if (!masked[i]) {
                    free.add(i);
                }
            }
            for (int i = free.size() - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                Integer t = free.get(i);
                free.set(i, free.get(j));
                free.set(j, t);
            }
            int keep = Math.min(contextKeep, free.size());
            int[] c = new int[contextKeep];
            for (int i = 0; i < contextKeep; i++) {
                c[i] = free.get(i % keep);
            }
            Arrays.sort(c);
            ctx[b] = c;
        }
        return new MaskedBatch(images, ctx, tgt, labels);
    }

    @Override
    public long stepsPerEpoch() {
        return 50;
    }
}
