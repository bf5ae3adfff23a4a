package io.github.jepa4j.video.mask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.core.task.MaskedBatch;
import io.github.jepa4j.video.mask.MultiBlock3dMasker.BlockSpec;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class MultiBlock3dMaskerTest {

    private static void checkInvariants(VideoMaskSet m, int batch) {
        int n = m.numTokens();
        assertEquals(batch, m.batchSize());
        for (int g = 0; g < m.numGenerators(); g++) {
            for (int b = 0; b < batch; b++) {
                int[] ctx = m.contexts()[g][b];
                int[] tgt = m.targets()[g][b];
                assertEquals(m.numContext(g), ctx.length, "rectangular context");
                assertEquals(m.numTarget(g), tgt.length, "rectangular target");
                boolean[] t = new boolean[n];
                for (int i : tgt) {
                    t[i] = true;
                }
                if (m.sharedContext()) {
                    for (int h = 0; h < m.numGenerators(); h++) {
                        for (int i : m.targets()[h][b]) {
                            t[i] = true;
                        }
                    }
                }
                for (int i : ctx) {
                    assertTrue(!t[i], "context token " + i + " is a target (generator " + g + ", clip " + b + ")");
                }
            }
        }
    }

    @Test
    void vjepaDefaultsInvariants() {
        MultiBlock3dMasker m = MultiBlock3dMasker.builder(8, 14, 14).seed(3).build();
        assertEquals(2, m.generators().size());
        for (long s = 0; s < 20; s++) {
            VideoMaskSet v = m.sample(6, s);
            checkInvariants(v, 6);
            // Full temporal extent: a targeted (r, c) is targeted at every t (before truncation, so B = 1).
        }
        VideoMaskSet one = m.sample(1, 99);
        for (int g = 0; g < 2; g++) {
            boolean[] t = new boolean[8 * 14 * 14];
            for (int i : one.targets()[g][0]) {
                t[i] = true;
            }
            for (int rc = 0; rc < 14 * 14; rc++) {
                for (int tt = 1; tt < 8; tt++) {
                    assertEquals(t[rc], t[tt * 196 + rc], "tubes span time: generator " + g + " cell " + rc);
                }
            }
            // Untruncated (B = 1): target and context partition the grid.
            assertEquals(8 * 14 * 14, one.numTarget(g) + one.numContext(g));
        }
        // The long-range union covers far more than the short-range one on average.
        double shortFrac = 0, longFrac = 0;
        for (long s = 0; s < 50; s++) {
            VideoMaskSet v = m.sample(1, s);
            shortFrac += v.numTarget(0) / 1568.0 / 50;
            longFrac += v.numTarget(1) / 1568.0 / 50;
        }
        assertTrue(shortFrac > 0.4 && shortFrac < 0.9 && longFrac > 0.75, "short " + shortFrac + " long " + longFrac);
        System.out.printf(Locale.ROOT, "V-JEPA masks on 8x14x14: mean target fraction short-range %.2f, long-range %.2f%n",
                shortFrac, longFrac);
    }

    @Test
    void deterministicPerSeedAndStream() {
        MultiBlock3dMasker a = MultiBlock3dMasker.builder(4, 8, 8).seed(5).build();
        MultiBlock3dMasker b = MultiBlock3dMasker.builder(4, 8, 8).seed(5).build();
        assertEquals(a.sample(4, 17), b.sample(4, 17));
        assertNotEquals(a.sample(4, 17), a.sample(4, 18));
        assertNotEquals(a.sample(4, 17), MultiBlock3dMasker.builder(4, 8, 8).seed(6).build().sample(4, 17));
        assertEquals(a.sample(4, 0), b.sample(4)); // the counter starts at stream 0
    }

    @Test
    void everyTokenIsReachableIncludingTheLastRowColumnAndTime() {
        int gt = 4, gh = 5, gw = 7;
        MultiBlock3dMasker m = MultiBlock3dMasker.builder(gt, gh, gw)
                .generators(new BlockSpec(2, 0.1, 0.2, 0.25, 0.5, 0.75, 1.5), new BlockSpec(1, 0.3, 0.5, 0.5, 1.0, 0.5, 2.0))
                .seed(1).build();
        int n = gt * gh * gw;
        boolean[][] target = new boolean[2][n];
        boolean[][] context = new boolean[2][n];
        for (long s = 0; s < 400; s++) {
            VideoMaskSet v = m.sample(3, s);
            checkInvariants(v, 3);
            for (int g = 0; g < 2; g++) {
                for (int b = 0; b < 3; b++) {
                    for (int i : v.targets()[g][b]) {
                        target[g][i] = true;
                    }
                    for (int i : v.contexts()[g][b]) {
                        context[g][i] = true;
                    }
                }
            }
        }
        for (int g = 0; g < 2; g++) {
            for (int i = 0; i < n; i++) {
                assertTrue(target[g][i], "generator " + g + " never targets token " + i);
                assertTrue(context[g][i], "generator " + g + " never keeps token " + i + " in the context");
            }
        }
        int last = ((gt - 1) * gh + gh - 1) * gw + gw - 1;
        assertTrue(target[0][last] && target[1][last]);
    }

    @Test
    void truncationToTheBatchMinimumIsNotAPrefix() {
        // With random subsets, the last context token of the grid survives truncation sometimes.
        MultiBlock3dMasker m = MultiBlock3dMasker.builder(2, 6, 6).generators(new BlockSpec(3, 0.1, 0.3, 0.5, 1.0, 0.75, 1.5))
                .seed(2).build();
        int truncated = 0, lastKept = 0;
        for (long s = 0; s < 300; s++) {
            VideoMaskSet v = m.sample(4, s);
            for (int b = 0; b < 4; b++) {
                int[] c = v.contexts()[0][b];
                if (c.length + v.targets()[0][b].length < 72) { // this clip's context was cut
                    truncated++;
                    lastKept += c[c.length - 1] >= 66 ? 1 : 0;
                }
            }
        }
        assertTrue(truncated > 50, "truncated contexts: " + truncated);
        assertTrue(lastKept > truncated / 4, "late tokens kept in " + lastKept + " of " + truncated + " truncated contexts");
    }

    @Test
    void sharedContextAvoidsEveryGeneratorsTargets() {
        MultiBlock3dMasker m = MultiBlock3dMasker.builder(4, 8, 8)
                .generators(BlockSpec.shortRange().withBlocks(2), BlockSpec.longRange().withBlocks(1).withSpatialScale(0.3, 0.3))
                .sharedContext(true).minKeep(4).seed(9).build();
        for (long s = 0; s < 30; s++) {
            VideoMaskSet v = m.sample(5, s);
            checkInvariants(v, 5);
            assertTrue(v.sharedContext());
            assertSame(v.contexts()[0], v.contexts()[1]);
            assertTrue(v.numContext(0) >= 4);
            MaskedBatch mb = v.toMaskedBatch(Nd4j.create(DataType.FLOAT, 5, 3, 8, 32, 32), null);
            assertEquals(2, mb.targetBlocks().length, "one target block per generator");
            assertSame(v.targets()[1], mb.targetBlocks()[1]);
            assertSame(v.contexts()[0], mb.contextIdx());
        }
    }

    @Test
    void perGeneratorMapping() {
        MultiBlock3dMasker m = MultiBlock3dMasker.builder(2, 4, 4).seed(0).build();
        VideoMaskSet v = m.sample(2, 0);
        assertThrows(IllegalStateException.class, () -> v.toMaskedBatch(Nd4j.create(DataType.FLOAT, 2, 1, 4, 8, 8), null));
        MaskedBatch mb = v.toMaskedBatch(Nd4j.create(DataType.FLOAT, 2, 1, 4, 8, 8), new int[] {0, 1}, 1);
        assertSame(v.contexts()[1], mb.contextIdx());
        assertEquals(1, mb.targetBlocks().length);
        assertSame(v.targets()[1], mb.targetBlocks()[0]);
        assertThrows(IllegalArgumentException.class, () -> v.toMaskedBatch(Nd4j.create(DataType.FLOAT, 2, 1, 4, 8, 8), null, 2));
    }

    @Test
    void vjepaGeneratorsRarelyLeaveASharedContext() {
        // Why per-generator contexts are the default: two 70% tubes plus eight 15% tubes cover (nearly) everything.
        MultiBlock3dMasker shared = MultiBlock3dMasker.builder(8, 14, 14).sharedContext(true).attemptsPerClip(1)
                .sizeDraws(1).seed(4).build();
        int ok = 0;
        double frac = 0;
        for (long s = 0; s < 200; s++) {
            try {
                frac += shared.sample(1, s).numContext(0) / 1568.0;
                ok++;
            } catch (IllegalStateException e) {
                // empty joint context
            }
        }
        System.out.printf(Locale.ROOT, "V-JEPA generators with a shared context on 8x14x14: %d of 200 single"
                + " placements leave a non-empty context, on average %.3f of the tokens%n", ok, frac / Math.max(ok, 1));
        assertTrue(ok < 200);
        // After truncation to the batch minimum (B = 8), per grid: context sizes of the shared and per-generator modes.
        for (int[] grid : new int[][] {{8, 14, 14}, {4, 8, 8}}) {
            int n = grid[0] * grid[1] * grid[2];
            MultiBlock3dMasker per = MultiBlock3dMasker.builder(grid[0], grid[1], grid[2]).seed(1).build();
            MultiBlock3dMasker joint = MultiBlock3dMasker.builder(grid[0], grid[1], grid[2]).sharedContext(true).seed(1).build();
            double c0 = 0, c1 = 0, cj = 0;
            int jointOk = 0;
            for (long s = 0; s < 40; s++) {
                VideoMaskSet v = per.sample(8, s);
                c0 += v.numContext(0) / (double) n / 40;
                c1 += v.numContext(1) / (double) n / 40;
                try {
                    cj += joint.sample(8, s).numContext(0) / (double) n;
                    jointOk++;
                } catch (IllegalStateException e) {
                    // no joint context for some clip after all retries
                }
            }
            System.out.printf(Locale.ROOT, "grid %dx%dx%d, B=8: context fraction short-range %.3f, long-range %.3f,"
                    + " shared %.3f (%d of 40 batches possible)%n", grid[0], grid[1], grid[2], c0, c1,
                    cj / Math.max(1, jointOk), jointOk);
        }
    }

    @Test
    void futureGeneratorMasksTheLastTimeStepsOfEveryClip() {
        // Grid 4 x 3 x 5: the future block of fraction 0.5 is t in {2, 3}, every (r, c); the context is t in {0, 1}.
        MultiBlock3dMasker m = MultiBlock3dMasker.builder(4, 3, 5).minKeep(4)
                .generators(BlockSpec.shortRange(), BlockSpec.future(0.5)).seed(5).build();
        int perFrame = 3 * 5;
        for (long s = 0; s < 10; s++) {
            VideoMaskSet v = m.sample(4, s);
            checkInvariants(v, 4);
            for (int b = 0; b < 4; b++) {
                int[] tgt = v.targets()[1][b];
                int[] ctx = v.contexts()[1][b];
                assertEquals(2 * perFrame, tgt.length);
                assertEquals(2 * perFrame, ctx.length);
                for (int i = 0; i < tgt.length; i++) {
                    assertEquals(2 * perFrame + i, tgt[i], "future target = all tokens of the last two steps");
                    assertEquals(i, ctx[i], "future context = all tokens of the first two steps");
                }
            }
        }
        // At least one time step even for a tiny fraction; the description says where the block sits.
        MultiBlock3dMasker one = MultiBlock3dMasker.builder(4, 2, 2).generators(BlockSpec.future(0.01)).build();
        int[] t = one.sample(1, 0).targets()[0][0];
        assertEquals(4, t.length);
        assertEquals(12, t[0]);
        assertTrue(one.toString().contains("ending at the last step"), one.toString());
        assertTrue(BlockSpec.future(0.5).withBlocks(2).future(), "with* keeps the placement");
    }

    @Test
    void impossibleSettingsFailFast() {
        // Statically impossible: one block of the smallest size already covers the whole grid.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MultiBlock3dMasker.builder(2, 4, 4)
                .generators(new BlockSpec(1, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0)).build());
        assertTrue(e.getMessage().contains("impossible") && e.getMessage().contains("minKeep"), e.getMessage());
        // Possible per block but not in practice: eight 2x2 blocks on a 4x4 grid leaving 11 tokens.
        MultiBlock3dMasker m = MultiBlock3dMasker.builder(1, 4, 4).generators(new BlockSpec(8, 0.25, 0.25, 1, 1, 1, 1))
                .minKeep(11).build();
        long t0 = System.nanoTime();
        IllegalStateException s = assertThrows(IllegalStateException.class, () -> m.sample(16, 0));
        double sec = (System.nanoTime() - t0) / 1e9;
        assertTrue(sec < 1.0, "gave up after " + sec + " s");
        assertTrue(s.getMessage().contains("minKeep 11") && s.getMessage().contains("8 blocks"), s.getMessage());
        // Shared context: a 1x4 row and a 4x1 column always cover 7 of 16 tokens, so 10 can never stay.
        MultiBlock3dMasker.Builder rowAndColumn = MultiBlock3dMasker.builder(1, 4, 4).minKeep(10)
                .generators(new BlockSpec(1, 0.25, 0.25, 1, 1, 0.25, 0.25), new BlockSpec(1, 0.25, 0.25, 1, 1, 4, 4));
        rowAndColumn.build().sample(8, 0); // fine with a context per generator
        MultiBlock3dMasker sh = rowAndColumn.sharedContext(true).build();
        t0 = System.nanoTime();
        assertThrows(IllegalStateException.class, () -> sh.sample(8, 0));
        assertTrue((System.nanoTime() - t0) / 1e9 < 1.0);
        // Bad arguments.
        assertThrows(IllegalArgumentException.class, () -> new BlockSpec(0, 0.1, 0.1, 1, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new BlockSpec(1, 0.2, 0.1, 1, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new BlockSpec(1, 0.1, 0.1, 0, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> MultiBlock3dMasker.builder(0, 4, 4).build());
        assertThrows(IllegalArgumentException.class, () -> MultiBlock3dMasker.builder(1, 4, 4).minKeep(0).build());
        assertThrows(IllegalArgumentException.class, () -> MultiBlock3dMasker.builder(1, 4, 4).generators().build());
        assertThrows(IllegalArgumentException.class, () -> MultiBlock3dMasker.builder(1, 4, 4).build().sample(0, 0));
    }

    @Test
    void maskSetValidation() {
        int[][][] ctx = {{{0, 1}, {0, 2}}};
        int[][][] tgt = {{{2}, {1}}};
        new VideoMaskSet(1, 2, 2, ctx, tgt, false);
        assertThrows(IllegalArgumentException.class, () -> new VideoMaskSet(1, 2, 2, ctx, new int[][][] {{{1}, {1}}}, false),
                "context overlaps target");
        assertThrows(IllegalArgumentException.class, () -> new VideoMaskSet(1, 2, 2, new int[][][] {{{1, 0}, {0, 2}}}, tgt, false),
                "not ascending");
        assertThrows(IllegalArgumentException.class, () -> new VideoMaskSet(1, 2, 2, new int[][][] {{{0}, {0, 2}}}, tgt, false),
                "ragged");
        assertThrows(IllegalArgumentException.class, () -> new VideoMaskSet(1, 2, 2, new int[][][] {{{0, 4}, {0, 2}}}, tgt, false),
                "out of range");
    }
}
