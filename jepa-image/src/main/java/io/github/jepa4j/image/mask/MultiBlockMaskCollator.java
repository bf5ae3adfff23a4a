package io.github.jepa4j.image.mask;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * I-JEPA multi-block masking (Assran et al., "Self-Supervised Learning from Images with a
 * Joint-Embedding Predictive Architecture", CVPR 2023, Sec. 3).
 *
 * <p>Per batch, one target block size {@code (th, tw)} and one context block size {@code (ch,
 * cw)} are drawn (shared by all images so every target block has the same token count across
 * the batch). For a block of scale {@code s ~ U(smin, smax)} and aspect ratio (height / width)
 * {@code a ~ U(amin, amax)}: {@code n = floor(gh * gw * s)}, {@code h = round(sqrt(n a))},
 * {@code w = round(sqrt(n / a))}, clamped to {@code [1, gh] x [1, gw]}. Per image, {@code M}
 * target blocks are placed uniformly with top-left corner in {@code [0, gh - h] x [0, gw - w]}
 * (inclusive: every cell can be covered), then one context block is placed the same way and
 * every target token is removed from it (unless {@code allowOverlap}). A placement that keeps
 * fewer than {@code minKeep} context tokens is redrawn.
 *
 * <p>Defaults (the paper's): {@code M = 4} targets of scale {@code (0.15, 0.2)} and aspect
 * {@code (0.75, 1.5)}; context scale {@code (0.85, 1.0)}, aspect 1; {@code minKeep = 10};
 * {@code allowOverlap = false}.
 *
 * <p>Differences from the reference implementation (deliberate fixes):
 *
 * <ol>
 *   <li>Corners are drawn from the inclusive range {@code [0, gh - h]}; the reference's
 *       exclusive {@code randint(0, H - h)} never places a block on the last row or column.
 *   <li>Context lists (and target unions) of different lengths are cut to the batch minimum by
 *       a uniformly random subset, not by keeping the lowest raster indices (which biases the
 *       context toward the top of the image).
 *   <li>Impossible configurations fail fast: {@link Builder#build()} rejects statically
 *       impossible ones ({@link IllegalArgumentException}); otherwise after {@code
 *       attemptsPerImage} failed placements for an image the batch's block sizes are redrawn,
 *       and after {@code sizeDraws} such redraws {@link #sample} throws {@link
 *       IllegalStateException}. The reference instead relaxes the constraint (letting the
 *       context overlap the targets) and can loop forever.
 *   <li>Scale and aspect ratio are drawn independently (the reference reuses one uniform draw
 *       for both); {@code minKeep} applies to the context only.
 * </ol>
 *
 * <p>With {@link Builder#raggedContext(boolean) raggedContext} every image keeps its whole
 * context: rows are padded to the batch's longest and {@link MaskSet#contextLengths} says how
 * much of each is real (the encoders mask the padding out of attention). Cutting to the batch
 * minimum instead is I-JEPA's choice and the default; on a 7x7 grid at batch 256 it leaves a
 * median of 13 context tokens per batch where one image's own context has a median of 25.
 *
 * <p>Thread-safe; {@link #sample(int, long)} is a pure function of the seed and stream.
 */
public final class MultiBlockMaskCollator implements Masker {
    private final int gh;
    private final int gw;
    private final int nTargets;
    private final double tsMin, tsMax, taMin, taMax;
    private final double csMin, csMax, caMin, caMax;
    private final int minKeep;
    private final boolean allowOverlap;
    private final boolean ragged;
    private final long seed;
    private final int attemptsPerImage;
    private final int sizeDraws;
    private final AtomicLong counter = new AtomicLong();

    private MultiBlockMaskCollator(Builder b) {
        gh = b.gh;
        gw = b.gw;
        nTargets = b.nTargets;
        tsMin = b.tsMin;
        tsMax = b.tsMax;
        taMin = b.taMin;
        taMax = b.taMax;
        csMin = b.csMin;
        csMax = b.csMax;
        caMin = b.caMin;
        caMax = b.caMax;
        minKeep = b.minKeep;
        allowOverlap = b.allowOverlap;
        ragged = b.ragged;
        seed = b.seed;
        attemptsPerImage = b.attemptsPerImage;
        sizeDraws = b.sizeDraws;
    }

    /** A builder for a {@code gridHeight x gridWidth} patch grid with the paper's defaults. */
    public static Builder builder(int gridHeight, int gridWidth) {
        return new Builder(gridHeight, gridWidth);
    }

    @Override
    public int gridHeight() {
        return gh;
    }

    @Override
    public int gridWidth() {
        return gw;
    }

    public int numTargets() {
        return nTargets;
    }

    public int minKeep() {
        return minKeep;
    }

    public boolean allowOverlap() {
        return allowOverlap;
    }

    /** Whether each image keeps its whole context, padded (true), or contexts are cut to the batch minimum. */
    public boolean raggedContext() {
        return ragged;
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
        for (int draw = 0; draw < sizeDraws; draw++) {
            int[] t = blockSize(rng, tsMin, tsMax, taMin, taMax);
            int[] c = blockSize(rng, csMin, csMax, caMin, caMax);
            MaskSet m = tryBatch(batchSize, t[0], t[1], c[0], c[1], rng);
            if (m != null) {
                return m;
            }
        }
        throw new IllegalStateException("MultiBlockMaskCollator found no valid masks after " + sizeDraws
                + " block-size draws x " + attemptsPerImage + " placements per image: " + describe()
                + ". The target blocks leave fewer than minKeep context tokens; lower the target scale or count,"
                + " raise the context scale, or lower minKeep");
    }

    /** Block {h, w} for a scale and aspect (height / width) drawn uniformly from the ranges. */
    private int[] blockSize(SplittableRandom rng, double sMin, double sMax, double aMin, double aMax) {
        double s = sMin + rng.nextDouble() * (sMax - sMin);
        double a = aMin + rng.nextDouble() * (aMax - aMin);
        return blockSizeFor(s, a);
    }

    private int[] blockSizeFor(double s, double a) {
        int n = (int) Math.floor(gh * gw * s);
        int h = (int) Math.round(Math.sqrt(n * a));
        int w = (int) Math.round(Math.sqrt(n / a));
        return new int[] {clamp(h, 1, gh), clamp(w, 1, gw)};
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /** One batch with fixed block sizes, or null when some image found no valid placement. */
    private MaskSet tryBatch(int batch, int th, int tw, int ch, int cw, SplittableRandom rng) {
        int n = gh * gw;
        int[][][] targets = new int[nTargets][batch][];
        int[][] context = new int[batch][];
        int[][] union = new int[batch][];
        boolean[] covered = new boolean[n];
        int[] buf = new int[n];
        for (int b = 0; b < batch; b++) {
            boolean ok = false;
            for (int attempt = 0; attempt < attemptsPerImage && !ok; attempt++) {
                Arrays.fill(covered, false);
                for (int m = 0; m < nTargets; m++) {
                    int top = rng.nextInt(gh - th + 1); // inclusive upper bound: gh - th
                    int left = rng.nextInt(gw - tw + 1);
                    int[] blk = Rngs.block(top, left, th, tw, gw);
                    for (int idx : blk) {
                        covered[idx] = true;
                    }
                    targets[m][b] = blk;
                }
                int top = rng.nextInt(gh - ch + 1);
                int left = rng.nextInt(gw - cw + 1);
                int k = 0;
                for (int r = top; r < top + ch; r++) {
                    for (int c = left; c < left + cw; c++) {
                        int idx = r * gw + c;
                        if (allowOverlap || !covered[idx]) {
                            buf[k++] = idx;
                        }
                    }
                }
                if (k >= minKeep) {
                    ok = true;
                    context[b] = Arrays.copyOf(buf, k);
                    int u = 0;
                    for (int idx = 0; idx < n; idx++) {
                        if (covered[idx]) {
                            buf[u++] = idx;
                        }
                    }
                    union[b] = Arrays.copyOf(buf, u);
                }
            }
            if (!ok) {
                return null;
            }
        }
        int ku = Rngs.minLength(union);
        // Cut: every context to the batch's shortest by a random subset. Ragged: every image keeps
        // its whole context, padded with its last index to the batch's longest.
        int kc = ragged ? Arrays.stream(context).mapToInt(c -> c.length).max().orElseThrow() : Rngs.minLength(context);
        int[] lengths = ragged ? new int[batch] : null;
        for (int b = 0; b < batch; b++) {
            if (ragged) {
                lengths[b] = context[b].length;
                int[] padded = Arrays.copyOf(context[b], kc);
                Arrays.fill(padded, lengths[b], kc, context[b][lengths[b] - 1]);
                context[b] = padded;
            } else {
                context[b] = Rngs.randomSubsetSorted(context[b], kc, rng);
            }
            union[b] = Rngs.randomSubsetSorted(union[b], ku, rng);
        }
        return new MaskSet(gh, gw, context, targets, union, lengths);
    }

    private String describe() {
        return String.format(Locale.ROOT,
                "grid %dx%d, %d targets of scale [%s, %s] aspect [%s, %s], context scale [%s, %s] aspect [%s, %s],"
                        + " minKeep %d, allowOverlap %s, raggedContext %s",
                gh, gw, nTargets, tsMin, tsMax, taMin, taMax, csMin, csMax, caMin, caMax, minKeep, allowOverlap, ragged);
    }

    @Override
    public String toString() {
        return "MultiBlockMaskCollator[" + describe() + "]";
    }

    /** Configuration with validation in {@link #build()}. */
    public static final class Builder {
        private final int gh;
        private final int gw;
        private int nTargets = 4;
        private double tsMin = 0.15, tsMax = 0.2, taMin = 0.75, taMax = 1.5;
        private double csMin = 0.85, csMax = 1.0, caMin = 1.0, caMax = 1.0;
        private int minKeep = 10;
        private boolean allowOverlap = false;
        private boolean ragged = false;
        private long seed = 0;
        private int attemptsPerImage = 20;
        private int sizeDraws = 10;

        private Builder(int gh, int gw) {
            this.gh = gh;
            this.gw = gw;
        }

        /** Number of target blocks M (default 4). */
        public Builder targets(int n) {
            this.nTargets = n;
            return this;
        }

        /** Target block scale range, fractions of the grid in (0, 1] (default 0.15..0.2). */
        public Builder targetScale(double min, double max) {
            this.tsMin = min;
            this.tsMax = max;
            return this;
        }

        /** Target aspect ratio (height / width) range (default 0.75..1.5). */
        public Builder targetAspect(double min, double max) {
            this.taMin = min;
            this.taMax = max;
            return this;
        }

        /** Context block scale range (default 0.85..1.0). */
        public Builder contextScale(double min, double max) {
            this.csMin = min;
            this.csMax = max;
            return this;
        }

        /** Context aspect ratio range (default 1..1). */
        public Builder contextAspect(double min, double max) {
            this.caMin = min;
            this.caMax = max;
            return this;
        }

        /** Minimum number of context tokens kept after removing targets (default 10). */
        public Builder minKeep(int minKeep) {
            this.minKeep = minKeep;
            return this;
        }

        /** Whether the context may include target tokens (default false). */
        public Builder allowOverlap(boolean allow) {
            this.allowOverlap = allow;
            return this;
        }

        /**
         * Whether each image keeps its whole context, padded to the batch's longest with the
         * padding masked out of attention (true), or every context is cut to the batch's shortest
         * by a random subset, as I-JEPA (false, the default).
         */
        public Builder raggedContext(boolean ragged) {
            this.ragged = ragged;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Placements tried per image before the batch's block sizes are redrawn (default 20). */
        public Builder attemptsPerImage(int n) {
            this.attemptsPerImage = n;
            return this;
        }

        /** Block-size draws per batch before giving up with an exception (default 10). */
        public Builder sizeDraws(int n) {
            this.sizeDraws = n;
            return this;
        }

        public MultiBlockMaskCollator build() {
            if (gh <= 0 || gw <= 0) {
                throw new IllegalArgumentException("grid must be positive, got " + gh + "x" + gw);
            }
            if (nTargets <= 0) {
                throw new IllegalArgumentException("number of target blocks must be positive, got " + nTargets);
            }
            checkScale("target", tsMin, tsMax);
            checkScale("context", csMin, csMax);
            checkAspect("target", taMin, taMax);
            checkAspect("context", caMin, caMax);
            if (attemptsPerImage <= 0 || sizeDraws <= 0) {
                throw new IllegalArgumentException("attemptsPerImage and sizeDraws must be positive, got "
                        + attemptsPerImage + " and " + sizeDraws);
            }
            if (minKeep <= 0) {
                throw new IllegalArgumentException("minKeep must be at least 1 context token, got " + minKeep);
            }
            MultiBlockMaskCollator c = new MultiBlockMaskCollator(this);
            // Necessary condition: the tallest and the widest context block together hold minKeep tokens.
            int maxH = c.blockSizeFor(csMax, caMax)[0];
            int maxW = c.blockSizeFor(csMax, caMin)[1];
            long bound = (long) maxH * maxW;
            if (minKeep > bound) {
                throw new IllegalArgumentException("MultiBlockMaskCollator configuration is impossible: " + c.describe()
                        + ": a context block holds at most " + bound + " of the grid's " + (gh * gw)
                        + " tokens, fewer than minKeep; lower minKeep, raise the context scale or use a larger grid");
            }
            return c;
        }

        private static void checkScale(String what, double min, double max) {
            if (!(min > 0 && min <= max && max <= 1)) {
                throw new IllegalArgumentException(what + " scale range must satisfy 0 < min <= max <= 1, got ["
                        + min + ", " + max + "]");
            }
        }

        private static void checkAspect(String what, double min, double max) {
            if (!(min > 0 && min <= max && Double.isFinite(max))) {
                throw new IllegalArgumentException(what + " aspect ratio range must satisfy 0 < min <= max < inf, got ["
                        + min + ", " + max + "]");
            }
        }
    }
}
