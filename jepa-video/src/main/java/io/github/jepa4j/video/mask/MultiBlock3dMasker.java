package io.github.jepa4j.video.mask;

import io.github.jepa4j.image.mask.Rngs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * V-JEPA multi-block 3D masking (Bardes et al., "Revisiting Feature Prediction for Learning
 * Visual Representations from Video", 2024, Sec. 3.2): per mask generator, the union of several
 * spatio-temporal blocks is the target and its complement the context.
 *
 * <p>Grid {@code gt x gh x gw} tokens ({@code T/tubelet x H/p x W/p}), token index
 * {@code (t * gh + r) * gw + c}. Each {@link BlockSpec generator} draws, once per batch (so all
 * clips have blocks of equal size), a spatial scale {@code s}, a temporal scale {@code u} and an
 * aspect ratio {@code a} (height / width) uniformly from its ranges, giving blocks of
 * {@code n = floor(gh gw s)} spatial tokens, {@code h = round(sqrt(n a))},
 * {@code w = round(sqrt(n / a))} (clamped to the grid) and {@code d = max(1, floor(gt u))} time
 * steps. Per clip it places {@code blocks} such blocks uniformly, corners drawn from the
 * inclusive ranges {@code [0, gt - d] x [0, gh - h] x [0, gw - w]}; the target is their union
 * and the context the rest of the grid. Placements leaving fewer than {@code minKeep} context
 * tokens are redrawn.
 *
 * <p>Defaults (V-JEPA's): two generators, short-range (8 blocks, spatial scale 0.15) and
 * long-range (2 blocks, spatial scale 0.7), both with aspect ratio {@code (0.75, 1.5)} and
 * temporal scale 1 (blocks span the whole clip); {@code minKeep = 1}; independent contexts.
 *
 * <p>Contexts: by default each generator has its own context, the complement of its own
 * union, as in V-JEPA, where every generator gets its own context-encoder and predictor pass.
 * With {@link Builder#sharedContext(boolean) sharedContext(true)} there is one context per clip,
 * the tokens outside every block of every generator, so one {@code MaskedBatch} can carry all
 * generators as target blocks (see {@link VideoMaskSet}). With the V-JEPA generators that
 * context is small: measured on an {@code 8 x 14 x 14} grid, 12% of the tokens per clip on
 * average, 5% after truncation to the batch minimum at {@code B = 8}, against 28%
 * (short-range) and 8% (long-range) with per-generator contexts.
 *
 * <p>Differences from the reference implementation (deliberate fixes, as in jepa-image's 2D
 * collator):
 *
 * <ol>
 *   <li>Corners are drawn from inclusive ranges, so blocks reach the last row, column and time
 *       step.
 *   <li>Context and target lists of different lengths are cut to the batch minimum by a uniform
 *       random subset, not a prefix (which favours early frames and the top of the frame).
 *   <li>Bounded retries: after {@code attemptsPerClip} failed placements for a clip the batch's
 *       block sizes are redrawn, and after {@code sizeDraws} redraws {@link #sample} throws
 *       {@link IllegalStateException} naming the settings. Statically impossible settings
 *       (a single block of the smallest size already leaves fewer than {@code minKeep}
 *       tokens) fail in {@link Builder#build()}.
 * </ol>
 *
 * <p>Thread-safe; {@link #sample(int, long)} is a pure function of the configuration, the seed,
 * the batch size and the stream.
 */
public final class MultiBlock3dMasker {

    /**
     * One mask generator: {@code blocks} blocks of spatial scale in {@code [spatialMin,
     * spatialMax]} (fraction of the {@code gh x gw} frame grid), temporal scale in
     * {@code [temporalMin, temporalMax]} (fraction of {@code gt}) and aspect ratio (height /
     * width) in {@code [aspectMin, aspectMax]}. With {@code future}, every block ends at the
     * clip's last time step (its start is not drawn): the context then holds only earlier tokens
     * at those positions, so predicting the block means extrapolating motion.
     */
    public record BlockSpec(int blocks, double spatialMin, double spatialMax, double temporalMin, double temporalMax,
                            double aspectMin, double aspectMax, boolean future) {
        /** Blocks placed anywhere in time (V-JEPA). */
        public BlockSpec(int blocks, double spatialMin, double spatialMax, double temporalMin, double temporalMax,
                         double aspectMin, double aspectMax) {
            this(blocks, spatialMin, spatialMax, temporalMin, temporalMax, aspectMin, aspectMax, false);
        }

        public BlockSpec {
            if (blocks <= 0) {
                throw new IllegalArgumentException("a mask generator needs at least 1 block, got " + blocks);
            }
            checkRange("spatial scale", spatialMin, spatialMax, true);
            checkRange("temporal scale", temporalMin, temporalMax, true);
            checkRange("aspect ratio", aspectMin, aspectMax, false);
        }

        /** V-JEPA's short-range generator: 8 blocks of spatial scale 0.15, full time, aspect 0.75..1.5. */
        public static BlockSpec shortRange() {
            return new BlockSpec(8, 0.15, 0.15, 1.0, 1.0, 0.75, 1.5);
        }

        /** V-JEPA's long-range generator: 2 blocks of spatial scale 0.7, full time, aspect 0.75..1.5. */
        public static BlockSpec longRange() {
            return new BlockSpec(2, 0.7, 0.7, 1.0, 1.0, 0.75, 1.5);
        }

        /**
         * Future prediction: one block covering the whole frame over the last {@code fraction} of
         * the clip's time steps (at least one); the context is the clip before it.
         */
        public static BlockSpec future(double fraction) {
            return new BlockSpec(1, 1.0, 1.0, fraction, fraction, 1.0, 1.0, true);
        }

        /** The same generator with another block count. */
        public BlockSpec withBlocks(int n) {
            return new BlockSpec(n, spatialMin, spatialMax, temporalMin, temporalMax, aspectMin, aspectMax, future);
        }

        /** The same generator with another spatial scale range. */
        public BlockSpec withSpatialScale(double min, double max) {
            return new BlockSpec(blocks, min, max, temporalMin, temporalMax, aspectMin, aspectMax, future);
        }

        /** The same generator with another temporal scale range. */
        public BlockSpec withTemporalScale(double min, double max) {
            return new BlockSpec(blocks, spatialMin, spatialMax, min, max, aspectMin, aspectMax, future);
        }

        private static void checkRange(String what, double min, double max, boolean fraction) {
            boolean ok = min > 0 && min <= max && (fraction ? max <= 1 : Double.isFinite(max));
            if (!ok) {
                throw new IllegalArgumentException(what + " range must satisfy 0 < min <= max "
                        + (fraction ? "<= 1" : "< inf") + ", got [" + min + ", " + max + "]");
            }
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d blocks, spatial [%s, %s], temporal [%s, %s]%s, aspect [%s, %s]", blocks,
                    spatialMin, spatialMax, temporalMin, temporalMax, future ? " ending at the last step" : "",
                    aspectMin, aspectMax);
        }
    }

    private final int gt;
    private final int gh;
    private final int gw;
    private final BlockSpec[] specs;
    private final int minKeep;
    private final boolean shared;
    private final long seed;
    private final int attemptsPerClip;
    private final int sizeDraws;
    private final AtomicLong counter = new AtomicLong();

    private MultiBlock3dMasker(Builder b) {
        gt = b.gt;
        gh = b.gh;
        gw = b.gw;
        specs = b.specs.toArray(new BlockSpec[0]);
        minKeep = b.minKeep;
        shared = b.sharedContext;
        seed = b.seed;
        attemptsPerClip = b.attemptsPerClip;
        sizeDraws = b.sizeDraws;
    }

    /** A builder for a {@code gridT x gridH x gridW} token grid with V-JEPA's defaults. */
    public static Builder builder(int gridT, int gridH, int gridW) {
        return new Builder(gridT, gridH, gridW);
    }

    public int gridT() {
        return gt;
    }

    public int gridH() {
        return gh;
    }

    public int gridW() {
        return gw;
    }

    public int numTokens() {
        return gt * gh * gw;
    }

    /** The mask generators, in output order. */
    public List<BlockSpec> generators() {
        return List.of(specs);
    }

    public boolean sharedContext() {
        return shared;
    }

    public int minKeep() {
        return minKeep;
    }

    /** Masks for the next stream number of an internal counter (0, 1, 2, ...). */
    public VideoMaskSet sample(int batchSize) {
        return sample(batchSize, counter.getAndIncrement());
    }

    /** Masks for {@code batchSize} clips, determined by the seed and {@code stream}. */
    public VideoMaskSet sample(int batchSize, long stream) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
        }
        SplittableRandom rng = Rngs.stream(seed, stream);
        int[][] sizes = new int[specs.length][];
        for (int draw = 0; draw < sizeDraws; draw++) {
            for (int g = 0; g < specs.length; g++) {
                sizes[g] = blockSize(specs[g], rng);
            }
            VideoMaskSet m = tryBatch(batchSize, sizes, rng);
            if (m != null) {
                return m;
            }
        }
        throw new IllegalStateException("MultiBlock3dMasker found no valid masks after " + sizeDraws
                + " block-size draws x " + attemptsPerClip + " placements per clip: " + describe()
                + ". The blocks leave fewer than minKeep context tokens; lower the scales or block counts"
                + (shared ? ", use per-generator contexts (sharedContext(false))" : "") + " or lower minKeep");
    }

    /** {d, h, w} of a block drawn from a generator's ranges. */
    private int[] blockSize(BlockSpec s, SplittableRandom rng) {
        double sp = s.spatialMin() + rng.nextDouble() * (s.spatialMax() - s.spatialMin());
        double tp = s.temporalMin() + rng.nextDouble() * (s.temporalMax() - s.temporalMin());
        double a = s.aspectMin() + rng.nextDouble() * (s.aspectMax() - s.aspectMin());
        return blockSizeFor(sp, tp, a);
    }

    private int[] blockSizeFor(double spatial, double temporal, double aspect) {
        int n = (int) Math.floor(gh * gw * spatial);
        // Scale 1 is the whole frame whatever the grid's shape (sqrt rounding would miss a row or column).
        int h = spatial >= 1 ? gh : clamp((int) Math.round(Math.sqrt(n * aspect)), 1, gh);
        int w = spatial >= 1 ? gw : clamp((int) Math.round(Math.sqrt(n / aspect)), 1, gw);
        // 1e-9 keeps u = 1 exact under floating-point noise
        int d = clamp((int) Math.floor(gt * temporal + 1e-9), 1, gt);
        return new int[] {d, h, w};
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /** One batch with fixed block sizes, or null when some clip found no valid placement. */
    private VideoMaskSet tryBatch(int batch, int[][] sizes, SplittableRandom rng) {
        int n = gt * gh * gw;
        int gens = specs.length;
        int[][][] contexts = new int[gens][batch][];
        int[][][] targets = new int[gens][batch][];
        boolean[][] covered = new boolean[gens][n];
        boolean[] any = new boolean[n];
        int[] buf = new int[n];
        for (int b = 0; b < batch; b++) {
            if (shared) {
                if (!placeShared(sizes, covered, any, rng)) {
                    return null;
                }
                int[] ctx = collect(any, false, buf);
                for (int g = 0; g < gens; g++) {
                    contexts[g][b] = ctx;
                    targets[g][b] = collect(covered[g], true, buf);
                }
            } else {
                for (int g = 0; g < gens; g++) {
                    boolean ok = false;
                    for (int attempt = 0; attempt < attemptsPerClip && !ok; attempt++) {
                        ok = n - place(specs[g], sizes[g], covered[g], rng) >= minKeep;
                    }
                    if (!ok) {
                        return null;
                    }
                    contexts[g][b] = collect(covered[g], false, buf);
                    targets[g][b] = collect(covered[g], true, buf);
                }
            }
        }
        // Equal lengths across the batch: uniform random subsets of the batch minimum.
        for (int g = 0; g < gens; g++) {
            int kt = Rngs.minLength(targets[g]);
            for (int b = 0; b < batch; b++) {
                targets[g][b] = Rngs.randomSubsetSorted(targets[g][b], kt, rng);
            }
            if (!shared || g == 0) {
                int kc = Rngs.minLength(contexts[g]);
                for (int b = 0; b < batch; b++) {
                    contexts[g][b] = Rngs.randomSubsetSorted(contexts[g][b], kc, rng);
                }
            } else {
                contexts[g] = contexts[0];
            }
        }
        return new VideoMaskSet(gt, gh, gw, contexts, targets, shared);
    }

    /** Places all generators' blocks for one clip until the joint context keeps minKeep tokens. */
    private boolean placeShared(int[][] sizes, boolean[][] covered, boolean[] any, SplittableRandom rng) {
        int n = any.length;
        for (int attempt = 0; attempt < attemptsPerClip; attempt++) {
            Arrays.fill(any, false);
            for (int g = 0; g < specs.length; g++) {
                place(specs[g], sizes[g], covered[g], rng);
                for (int i = 0; i < n; i++) {
                    any[i] |= covered[g][i];
                }
            }
            int free = 0;
            for (boolean a : any) {
                free += a ? 0 : 1;
            }
            if (free >= minKeep) {
                return true;
            }
        }
        return false;
    }

    /** Marks the generator's blocks of size {d, h, w} in {@code covered} (cleared first); returns the covered count. */
    private int place(BlockSpec spec, int[] size, boolean[] covered, SplittableRandom rng) {
        Arrays.fill(covered, false);
        int d = size[0], h = size[1], w = size[2];
        int marked = 0;
        for (int k = 0; k < spec.blocks(); k++) {
            int t0 = spec.future() ? gt - d : rng.nextInt(gt - d + 1); // inclusive upper bound gt - d
            int r0 = rng.nextInt(gh - h + 1);
            int c0 = rng.nextInt(gw - w + 1);
            for (int t = t0; t < t0 + d; t++) {
                for (int r = r0; r < r0 + h; r++) {
                    int base = (t * gh + r) * gw;
                    for (int c = c0; c < c0 + w; c++) {
                        if (!covered[base + c]) {
                            covered[base + c] = true;
                            marked++;
                        }
                    }
                }
            }
        }
        return marked;
    }

    private static int[] collect(boolean[] mask, boolean value, int[] buf) {
        int k = 0;
        for (int i = 0; i < mask.length; i++) {
            if (mask[i] == value) {
                buf[k++] = i;
            }
        }
        return Arrays.copyOf(buf, k);
    }

    private String describe() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "grid %dx%dx%d, minKeep %d, %s context",
                gt, gh, gw, minKeep, shared ? "shared" : "per-generator"));
        for (int g = 0; g < specs.length; g++) {
            sb.append("; generator ").append(g).append(": ").append(specs[g]);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "MultiBlock3dMasker[" + describe() + "]";
    }

    /** Configuration with validation in {@link #build()}. */
    public static final class Builder {
        private final int gt;
        private final int gh;
        private final int gw;
        private List<BlockSpec> specs = List.of(BlockSpec.shortRange(), BlockSpec.longRange());
        private int minKeep = 1;
        private boolean sharedContext = false;
        private long seed = 0;
        private int attemptsPerClip = 20;
        private int sizeDraws = 10;

        private Builder(int gt, int gh, int gw) {
            this.gt = gt;
            this.gh = gh;
            this.gw = gw;
        }

        /** The mask generators (default V-JEPA's short-range and long-range). */
        public Builder generators(BlockSpec... specs) {
            this.specs = specs == null ? null : new ArrayList<>(Arrays.asList(specs));
            return this;
        }

        /** Minimum context tokens per clip (default 1: the context is never empty). */
        public Builder minKeep(int minKeep) {
            this.minKeep = minKeep;
            return this;
        }

        /** One context for all generators, outside all their blocks (default false: one context each). */
        public Builder sharedContext(boolean shared) {
            this.sharedContext = shared;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Placements tried per clip before the batch's block sizes are redrawn (default 20). */
        public Builder attemptsPerClip(int n) {
            this.attemptsPerClip = n;
            return this;
        }

        /** Block-size draws per batch before giving up with an exception (default 10). */
        public Builder sizeDraws(int n) {
            this.sizeDraws = n;
            return this;
        }

        public MultiBlock3dMasker build() {
            if (gt <= 0 || gh <= 0 || gw <= 0) {
                throw new IllegalArgumentException("token grid must be positive, got " + gt + "x" + gh + "x" + gw);
            }
            if (specs == null || specs.isEmpty() || specs.stream().anyMatch(java.util.Objects::isNull)) {
                throw new IllegalArgumentException("need at least one (non-null) mask generator, got " + specs);
            }
            if (minKeep <= 0) {
                throw new IllegalArgumentException("minKeep must be at least 1 context token, got " + minKeep);
            }
            if (attemptsPerClip <= 0 || sizeDraws <= 0) {
                throw new IllegalArgumentException("attemptsPerClip and sizeDraws must be positive, got " + attemptsPerClip
                        + " and " + sizeDraws);
            }
            MultiBlock3dMasker m = new MultiBlock3dMasker(this);
            long n = (long) gt * gh * gw;
            for (int g = 0; g < specs.size(); g++) {
                long smallest = m.smallestBlock(specs.get(g));
                if (n - smallest < minKeep) {
                    throw new IllegalArgumentException("MultiBlock3dMasker configuration is impossible: " + m.describe()
                            + ": the smallest block of generator " + g + " already covers " + smallest + " of the "
                            + n + " tokens, leaving fewer than minKeep = " + minKeep
                            + "; lower its spatial or temporal scale, or lower minKeep");
                }
            }
            return m;
        }
    }

    /** Tokens covered by the smallest block a generator can draw (aspect scanned finely). */
    private long smallestBlock(BlockSpec s) {
        long best = Long.MAX_VALUE;
        for (int i = 0; i <= 200; i++) {
            double a = s.aspectMin() + (s.aspectMax() - s.aspectMin()) * i / 200.0;
            int[] d = blockSizeFor(s.spatialMin(), s.temporalMin(), a);
            best = Math.min(best, (long) d[0] * d[1] * d[2]);
        }
        return best;
    }
}
