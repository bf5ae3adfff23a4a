package io.github.jepa4j.image.mask;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Random token masking: per image a uniformly random {@code Kt = round(ratio * N)} of the
 * {@code N = gh * gw} tokens are targets (one target block, equal to the union) and the other
 * {@code N - Kt} are context. {@code Kt} is clamped to {@code [1, N - 1]}, so both sets are
 * non-empty and the counts are the same for every image. The "random" masking ablation of
 * I-JEPA (Assran et al. 2023, Table 6); default ratio 0.5.
 */
public final class RandomTokenMask implements Masker {
    private final int gh;
    private final int gw;
    private final double ratio;
    private final int nTarget;
    private final long seed;
    private final AtomicLong counter = new AtomicLong();

    /**
     * @param gridHeight grid rows, gridWidth grid columns (at least 2 tokens in all)
     * @param ratio fraction of tokens that are targets, in (0, 1)
     */
    public RandomTokenMask(int gridHeight, int gridWidth, double ratio, long seed) {
        if (gridHeight <= 0 || gridWidth <= 0 || (long) gridHeight * gridWidth < 2) {
            throw new IllegalArgumentException("RandomTokenMask needs a grid of at least 2 tokens, got "
                    + gridHeight + "x" + gridWidth);
        }
        if (!(ratio > 0 && ratio < 1)) {
            throw new IllegalArgumentException("RandomTokenMask target ratio must be in (0, 1), got " + ratio);
        }
        this.gh = gridHeight;
        this.gw = gridWidth;
        this.ratio = ratio;
        int n = gh * gw;
        this.nTarget = (int) Math.max(1, Math.min(n - 1, Math.round(ratio * n)));
        this.seed = seed;
    }

    public RandomTokenMask(int gridHeight, int gridWidth) {
        this(gridHeight, gridWidth, 0.5, 0);
    }

    @Override
    public int gridHeight() {
        return gh;
    }

    @Override
    public int gridWidth() {
        return gw;
    }

    public double ratio() {
        return ratio;
    }

    /** Target tokens per image. */
    public int numTargets() {
        return nTarget;
    }

    @Override
    public MaskSet sample(int batchSize) {
        return sample(batchSize, counter.getAndIncrement());
    }

    @Override
    public MaskSet sample(int batchSize, long stream) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
        }
        int n = gh * gw;
        SplittableRandom rng = Rngs.stream(seed, stream);
        int[][] target = new int[batchSize][];
        int[][] context = new int[batchSize][];
        int[] perm = new int[n];
        for (int b = 0; b < batchSize; b++) {
            for (int i = 0; i < n; i++) {
                perm[i] = i;
            }
            for (int i = 0; i < nTarget; i++) {
                int j = i + rng.nextInt(n - i);
                int t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
            }
            target[b] = Arrays.copyOfRange(perm, 0, nTarget);
            context[b] = Arrays.copyOfRange(perm, nTarget, n);
            Arrays.sort(target[b]);
            Arrays.sort(context[b]);
        }
        return new MaskSet(gh, gw, context, new int[][][] {target}, target);
    }

    @Override
    public String toString() {
        return "RandomTokenMask[grid " + gh + "x" + gw + ", ratio " + ratio + ", " + nTarget + " targets]";
    }
}
