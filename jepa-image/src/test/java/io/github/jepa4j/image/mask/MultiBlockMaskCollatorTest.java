package io.github.jepa4j.image.mask;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MultiBlockMaskCollatorTest {
    private static final int G = 14;

    /** {top, left, h, w} of a raster block, asserting it is a full rectangle. */
    private static int[] rect(int[] idx, int gw) {
        int top = Integer.MAX_VALUE, left = Integer.MAX_VALUE, bottom = -1, right = -1;
        for (int i : idx) {
            top = Math.min(top, i / gw);
            bottom = Math.max(bottom, i / gw);
            left = Math.min(left, i % gw);
            right = Math.max(right, i % gw);
        }
        int h = bottom - top + 1, w = right - left + 1;
        assertEquals(h * w, idx.length, "target block is not a full rectangle: " + Arrays.toString(idx));
        return new int[] {top, left, h, w};
    }

    private static boolean[] unionOfBlocks(MaskSet m, int b) {
        boolean[] u = new boolean[m.numTokens()];
        for (int[][] blk : m.targetBlocks()) {
            for (int i : blk[b]) {
                u[i] = true;
            }
        }
        return u;
    }

    @Test
    void defaultMasksSatisfyTheIJepaInvariants() {
        MultiBlockMaskCollator c = MultiBlockMaskCollator.builder(G, G).seed(3).build();
        for (int it = 0; it < 200; it++) {
            MaskSet m = c.sample(8);
            assertEquals(8, m.batchSize());
            assertEquals(4, m.numTargetBlocks());
            assertTrue(m.numContext() >= 10, "context keeps at least minKeep tokens");
            for (int blk = 0; blk < 4; blk++) {
                int[] first = rect(m.targetBlocks()[blk][0], G);
                // One block size per batch: same h x w for all images and all blocks.
                for (int b = 0; b < 8; b++) {
                    int[] r = rect(m.targetBlocks()[blk][b], G);
                    assertEquals(first[2], r[2]);
                    assertEquals(first[3], r[3]);
                }
                // scale 0.15..0.2 of 196 -> n in [29, 39]; rounding h and w moves the area a little.
                int area = first[2] * first[3];
                assertTrue(area >= 20 && area <= 48, "target area " + area);
            }
            for (int b = 0; b < 8; b++) {
                boolean[] u = unionOfBlocks(m, b);
                for (int i : m.context()[b]) {
                    assertTrue(!u[i], "context token " + i + " is a target token");
                }
                for (int i : m.targetUnion()[b]) {
                    assertTrue(u[i], "union token " + i + " is in no target block");
                }
            }
        }
    }

    @Test
    void sameSeedSameMasksAndStreamsAreIndependentOfCallOrder() {
        MultiBlockMaskCollator a = MultiBlockMaskCollator.builder(G, G).seed(7).build();
        MultiBlockMaskCollator b = MultiBlockMaskCollator.builder(G, G).seed(7).build();
        MultiBlockMaskCollator other = MultiBlockMaskCollator.builder(G, G).seed(8).build();
        MaskSet a0 = a.sample(6);
        MaskSet a1 = a.sample(6);
        assertEquals(a1, b.sample(6, 1), "the counter walks streams 0, 1, ...");
        assertEquals(a0, b.sample(6, 0));
        assertEquals(a0, a.sample(6, 0));
        assertNotEquals(a0, a1);
        assertNotEquals(a0, other.sample(6, 0));
    }

    /** Reference bug 1: randint(0, H - h) never reaches the last row or column. */
    @Test
    void blocksReachEveryCellIncludingTheLastRowAndColumn() {
        MultiBlockMaskCollator c = MultiBlockMaskCollator.builder(G, G).seed(11).build();
        int[] coverage = new int[G * G];
        int atTop = 0, atBottom = 0, atLeft = 0, atRight = 0, blocks = 0;
        for (int draw = 0; draw < 2500; draw++) { // 2500 batches x 4 images = 10,000 draws
            MaskSet m = c.sample(4);
            for (int[][] blk : m.targetBlocks()) {
                for (int[] idx : blk) {
                    blocks++;
                    int[] r = rect(idx, G);
                    for (int i : idx) {
                        coverage[i]++;
                    }
                    atTop += r[0] == 0 ? 1 : 0;
                    atLeft += r[1] == 0 ? 1 : 0;
                    atBottom += r[0] + r[2] == G ? 1 : 0;
                    atRight += r[1] + r[3] == G ? 1 : 0;
                }
            }
        }
        for (int i = 0; i < G * G; i++) {
            assertTrue(coverage[i] > 0, "cell (" + i / G + ", " + i % G + ") was never in a target block");
        }
        assertTrue(atBottom > 0 && atRight > 0, "blocks touch the last row and column");
        // Corners are uniform over [0, G - h]: the last position is as likely as the first.
        assertTrue(Math.abs(atBottom - atTop) < 0.15 * atTop, "top " + atTop + " vs bottom " + atBottom);
        assertTrue(Math.abs(atRight - atLeft) < 0.15 * atLeft, "left " + atLeft + " vs right " + atRight);
        assertTrue(atTop > blocks / 20, "sanity: " + atTop + " of " + blocks);
    }

    /**
     * Max |z| over cells of kept-count minus its expectation under uniform truncation. An image
     * with a available tokens cut to k keeps each with probability k / a.
     */
    private static double maxZ(double[] expected, double[] var, int[] kept) {
        double worst = 0;
        for (int i = 0; i < kept.length; i++) {
            if (var[i] > 5) {
                worst = Math.max(worst, Math.abs(kept[i] - expected[i]) / Math.sqrt(var[i]));
            }
        }
        return worst;
    }

    /** Reference bug 2: cm[:min_keep] keeps the lowest raster indices when cutting to the batch minimum. */
    @Test
    void truncationToTheBatchMinimumIsUnbiased() {
        // Context block = whole grid, so the untruncated context is exactly grid minus target blocks.
        MultiBlockMaskCollator c = MultiBlockMaskCollator.builder(G, G).contextScale(1.0, 1.0).seed(5).build();
        int n = G * G;
        double[] expected = new double[n];
        double[] var = new double[n];
        int[] kept = new int[n];
        int[] keptByPrefix = new int[n];
        int truncated = 0;
        for (int it = 0; it < 600; it++) {
            MaskSet m = c.sample(8);
            int k = m.numContext();
            for (int b = 0; b < 8; b++) {
                boolean[] u = unionOfBlocks(m, b);
                int[] avail = new int[n];
                int a = 0;
                for (int i = 0; i < n; i++) {
                    if (!u[i]) {
                        avail[a++] = i;
                    }
                }
                assertTrue(a >= k);
                if (a == k) {
                    assertArrayEquals(Arrays.copyOf(avail, a), m.context()[b], "untruncated context = grid - targets");
                    continue;
                }
                truncated++;
                double p = (double) k / a;
                for (int j = 0; j < a; j++) {
                    expected[avail[j]] += p;
                    var[avail[j]] += p * (1 - p);
                }
                for (int i : m.context()[b]) {
                    assertTrue(!u[i]);
                    kept[i]++;
                }
                for (int j = 0; j < k; j++) {
                    keptByPrefix[avail[j]]++;
                }
            }
        }
        assertTrue(truncated > 2000, "the check needs many truncated masks, got " + truncated);
        double z = maxZ(expected, var, kept);
        double zPrefix = maxZ(expected, var, keptByPrefix);
        assertTrue(z < 5, "kept-token frequency deviates from uniform truncation: max |z| = " + z);
        assertTrue(zPrefix > 20, "the check must catch prefix truncation: max |z| = " + zPrefix);
    }

    /** Reference bug 3: an impossible configuration loops forever. */
    @Test
    void impossibleConfigurationsFailFast() {
        IllegalArgumentException e = assertTimeoutPreemptively(Duration.ofSeconds(1), () -> assertThrows(
                IllegalArgumentException.class, () -> MultiBlockMaskCollator.builder(2, 2).minKeep(10).build()));
        assertTrue(e.getMessage().contains("grid 2x2") && e.getMessage().contains("minKeep 10")
                && e.getMessage().contains("context scale [0.85, 1.0]")
                && e.getMessage().contains("scale [0.15, 0.2]"), e.getMessage());

        // Statically possible but the targets always cover the whole grid: sampling must give up.
        MultiBlockMaskCollator c = MultiBlockMaskCollator.builder(4, 4)
                .targetScale(1.0, 1.0).targetAspect(1, 1).minKeep(1).build();
        IllegalStateException s = assertTimeoutPreemptively(Duration.ofSeconds(1),
                () -> assertThrows(IllegalStateException.class, () -> c.sample(64)));
        assertTrue(s.getMessage().contains("grid 4x4") && s.getMessage().contains("minKeep 1")
                && s.getMessage().contains("scale [1.0, 1.0]"), s.getMessage());
    }

    @Test
    void allowOverlapGivesFullContextBlocks() {
        MultiBlockMaskCollator c = MultiBlockMaskCollator.builder(G, G).allowOverlap(true).seed(2).build();
        boolean overlapSeen = false;
        for (int it = 0; it < 50; it++) {
            MaskSet m = c.sample(4);
            for (int b = 0; b < 4; b++) {
                rect(m.context()[b], G);
                boolean[] u = unionOfBlocks(m, b);
                for (int i : m.context()[b]) {
                    overlapSeen |= u[i];
                }
            }
        }
        assertTrue(overlapSeen);
    }

    @Test
    void builderRejectsBadRanges() {
        assertThrows(IllegalArgumentException.class, () -> MultiBlockMaskCollator.builder(0, 14).build());
        assertThrows(IllegalArgumentException.class, () -> MultiBlockMaskCollator.builder(14, 14).targets(0).build());
        assertThrows(IllegalArgumentException.class, () -> MultiBlockMaskCollator.builder(14, 14).targetScale(0, 0.2).build());
        assertThrows(IllegalArgumentException.class, () -> MultiBlockMaskCollator.builder(14, 14).targetScale(0.3, 0.2).build());
        assertThrows(IllegalArgumentException.class, () -> MultiBlockMaskCollator.builder(14, 14).contextScale(0.9, 1.1).build());
        assertThrows(IllegalArgumentException.class, () -> MultiBlockMaskCollator.builder(14, 14).targetAspect(0, 1).build());
        assertThrows(IllegalArgumentException.class, () -> MultiBlockMaskCollator.builder(14, 14).contextAspect(-1, 1).build());
        assertThrows(IllegalArgumentException.class, () -> MultiBlockMaskCollator.builder(14, 14).minKeep(0).build());
        assertThrows(IllegalArgumentException.class, () -> MultiBlockMaskCollator.builder(14, 14).build().sample(0));
    }

    @Test
    void smallGridsWork() {
        // 28x28 images with 4x4 patches: a 7x7 grid; targets of 7 tokens (the reference would loop: 7 <= min_keep).
        MultiBlockMaskCollator c = MultiBlockMaskCollator.builder(7, 7).minKeep(4).seed(1).build();
        for (int it = 0; it < 100; it++) {
            MaskSet m = c.sample(16);
            assertTrue(m.numContext() >= 4);
        }
    }

    @Test
    void raggedContextsKeepEachImagesWholeContext() {
        // Same seed and stream: the blocks are drawn identically, only the cut differs.
        MultiBlockMaskCollator cut = MultiBlockMaskCollator.builder(7, 7).minKeep(4).seed(5).build();
        MultiBlockMaskCollator ragged = MultiBlockMaskCollator.builder(7, 7).minKeep(4).raggedContext(true).seed(5).build();
        assertTrue(ragged.raggedContext() && !cut.raggedContext());
        long realTokens = 0, cutTokens = 0;
        for (long stream = 0; stream < 50; stream++) {
            MaskSet a = cut.sample(64, stream);
            MaskSet r = ragged.sample(64, stream);
            assertEquals(null, a.contextLengths());
            assertArrayEquals(a.targetBlocks(), r.targetBlocks());
            int longest = 0;
            for (int b = 0; b < 64; b++) {
                int len = r.contextLengths()[b];
                longest = Math.max(longest, len);
                int[] row = r.context()[b];
                int[] real = Arrays.copyOf(row, len);
                boolean[] targets = unionOfBlocks(r, b);
                assertTrue(len >= 4, "minKeep");
                for (int i : real) {
                    assertTrue(!targets[i], "context token " + i + " is a target");
                }
                // Padding repeats the last real index; the cut context is a subset of the real one.
                for (int j = len; j < row.length; j++) {
                    assertEquals(real[len - 1], row[j]);
                }
                for (int i : a.context()[b]) {
                    assertTrue(Arrays.binarySearch(real, i) >= 0, "cut context token " + i + " missing from the whole context");
                }
                realTokens += len;
                cutTokens += a.numContext();
            }
            assertEquals(longest, r.numContext(), "rows are padded to the batch's longest context");
        }
        // At batch 64 on 7x7 the batch minimum throws away a large share of the context.
        assertTrue(realTokens > 1.3 * cutTokens, "ragged keeps " + realTokens + " context tokens, cut " + cutTokens);
    }
}
