package io.github.jepa4j.image.mask;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One rectangular {@code h x w} target block per image; the context is every other token. The
 * block's top-left corner is fixed or, by default, uniform over {@code [0, gh - h] x [0, gw - w]}
 * (inclusive) per image. For ablations against {@link MultiBlockMaskCollator}.
 */
public final class BlockMask implements Masker {
    private final int gh;
    private final int gw;
    private final int h;
    private final int w;
    private final int top;
    private final int left;
    private final long seed;
    private final AtomicLong counter = new AtomicLong();

    private BlockMask(int gh, int gw, int h, int w, int top, int left, long seed) {
        this.gh = gh;
        this.gw = gw;
        this.h = h;
        this.w = w;
        this.top = top;
        this.left = left;
        this.seed = seed;
    }

    /** A block of {@code h x w} tokens at a random position per image. */
    public static BlockMask random(int gridHeight, int gridWidth, int h, int w, long seed) {
        check(gridHeight, gridWidth, h, w);
        return new BlockMask(gridHeight, gridWidth, h, w, -1, -1, seed);
    }

    /** A block of {@code h x w} tokens with top-left corner {@code (top, left)} in every image. */
    public static BlockMask fixed(int gridHeight, int gridWidth, int h, int w, int top, int left) {
        check(gridHeight, gridWidth, h, w);
        if (top < 0 || left < 0 || top + h > gridHeight || left + w > gridWidth) {
            throw new IllegalArgumentException("BlockMask block " + h + "x" + w + " at (" + top + ", " + left
                    + ") does not fit the " + gridHeight + "x" + gridWidth + " grid");
        }
        return new BlockMask(gridHeight, gridWidth, h, w, top, left, 0);
    }

    private static void check(int gh, int gw, int h, int w) {
        if (gh <= 0 || gw <= 0) {
            throw new IllegalArgumentException("BlockMask grid must be positive, got " + gh + "x" + gw);
        }
        if (h <= 0 || w <= 0 || h > gh || w > gw || h * w == gh * gw) {
            throw new IllegalArgumentException("BlockMask block must be at least 1x1, fit the " + gh + "x" + gw
                    + " grid and leave some context, got " + h + "x" + w);
        }
    }

    @Override
    public int gridHeight() {
        return gh;
    }

    @Override
    public int gridWidth() {
        return gw;
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
        SplittableRandom rng = Rngs.stream(seed, stream);
        int n = gh * gw;
        int[][] target = new int[batchSize][];
        int[][] context = new int[batchSize][];
        for (int b = 0; b < batchSize; b++) {
            int t = top >= 0 ? top : rng.nextInt(gh - h + 1);
            int l = left >= 0 ? left : rng.nextInt(gw - w + 1);
            target[b] = Rngs.block(t, l, h, w, gw);
            int[] ctx = new int[n - h * w];
            int k = 0;
            for (int idx = 0; idx < n; idx++) {
                int r = idx / gw;
                int c = idx % gw;
                if (r < t || r >= t + h || c < l || c >= l + w) {
                    ctx[k++] = idx;
                }
            }
            context[b] = ctx;
        }
        return new MaskSet(gh, gw, context, new int[][][] {target}, target);
    }

    @Override
    public String toString() {
        return "BlockMask[grid " + gh + "x" + gw + ", block " + h + "x" + w
                + (top >= 0 ? " at (" + top + ", " + left + ")" : " at random") + "]";
    }
}
