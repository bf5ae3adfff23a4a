package io.github.jepa4j.image.mask;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MaskersTest {

    @Test
    void randomTokenMaskPartitionsTheGrid() {
        RandomTokenMask r = new RandomTokenMask(6, 5, 0.4, 9);
        assertEquals(12, r.numTargets());
        int[] hits = new int[30];
        for (int it = 0; it < 500; it++) {
            MaskSet m = r.sample(4);
            assertEquals(12, m.numTargetUnion());
            assertEquals(18, m.numContext());
            assertArrayEquals(m.targetBlocks()[0], m.targetUnion());
            for (int b = 0; b < 4; b++) {
                boolean[] seen = new boolean[30];
                for (int i : m.targetUnion()[b]) {
                    seen[i] = true;
                    hits[i]++;
                }
                for (int i : m.context()[b]) {
                    assertTrue(!seen[i], "context and target overlap at " + i);
                    seen[i] = true;
                }
                for (boolean s : seen) {
                    assertTrue(s, "every token is context or target");
                }
            }
        }
        // Each token is a target with probability 0.4: 2000 images -> 800 +- 22.
        for (int h : hits) {
            assertTrue(Math.abs(h - 800) < 120, "target frequency " + h);
        }
        assertEquals(new RandomTokenMask(6, 5, 0.4, 9).sample(3, 17), r.sample(3, 17));
        assertNotEquals(r.sample(3, 17), r.sample(3, 18));
        assertThrows(IllegalArgumentException.class, () -> new RandomTokenMask(4, 4, 1.0, 0));
        assertThrows(IllegalArgumentException.class, () -> new RandomTokenMask(1, 1, 0.5, 0));
    }

    @Test
    void fixedBlockMaskIsExact() {
        MaskSet m = BlockMask.fixed(4, 5, 2, 3, 1, 2).sample(2);
        assertArrayEquals(new int[] {7, 8, 9, 12, 13, 14}, m.targetBlocks()[0][1]);
        assertEquals(14, m.numContext());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 10, 11, 15, 16, 17, 18, 19}, m.context()[0]);
        assertThrows(IllegalArgumentException.class, () -> BlockMask.fixed(4, 5, 2, 3, 3, 0));
        assertThrows(IllegalArgumentException.class, () -> BlockMask.random(4, 5, 4, 5, 0));
    }

    @Test
    void randomBlockMaskCoversTheWholeGrid() {
        BlockMask bm = BlockMask.random(5, 5, 2, 3, 4);
        int[] cover = new int[25];
        for (int it = 0; it < 200; it++) {
            MaskSet m = bm.sample(4);
            for (int[] t : m.targetBlocks()[0]) {
                assertEquals(6, t.length);
                for (int i : t) {
                    cover[i]++;
                }
            }
        }
        for (int i = 0; i < 25; i++) {
            assertTrue(cover[i] > 0, "cell " + i + " never covered");
        }
        assertEquals(BlockMask.random(5, 5, 2, 3, 4).sample(3, 2), bm.sample(3, 2));
    }

    @Test
    void maskSetValidatesItsArrays() {
        int[][][] blocks = {{{0}, {1}}};
        assertThrows(IllegalArgumentException.class,
                () -> new MaskSet(2, 2, new int[][] {{1, 2}, {3}}, blocks, new int[][] {{0}, {1}}), "ragged");
        assertThrows(IllegalArgumentException.class,
                () -> new MaskSet(2, 2, new int[][] {{2, 1}, {2, 3}}, blocks, new int[][] {{0}, {1}}), "unsorted");
        assertThrows(IllegalArgumentException.class,
                () -> new MaskSet(2, 2, new int[][] {{1, 4}, {2, 3}}, blocks, new int[][] {{0}, {1}}), "out of range");
        assertThrows(IllegalArgumentException.class,
                () -> new MaskSet(2, 2, new int[][] {{1, 2}, {2, 3}}, blocks, new int[][] {{0}}), "batch mismatch");
        // Padded (ragged) contexts: only the real prefix must ascend; lengths must fit the rows.
        MaskSet padded = new MaskSet(2, 2, new int[][] {{1, 2}, {3, 3}}, blocks, new int[][] {{0}, {1}}, new int[] {2, 1});
        assertTrue(padded.raggedContext());
        assertThrows(IllegalArgumentException.class,
                () -> new MaskSet(2, 2, new int[][] {{1, 2}, {3, 3}}, blocks, new int[][] {{0}, {1}}, new int[] {2, 2}),
                "padding counted as real");
        assertThrows(IllegalArgumentException.class,
                () -> new MaskSet(2, 2, new int[][] {{1, 2}, {3, 3}}, blocks, new int[][] {{0}, {1}}, new int[] {2, 3}),
                "length beyond the row");
        assertThrows(IllegalArgumentException.class,
                () -> new MaskSet(2, 2, new int[][] {{1, 2}, {3, 3}}, blocks, new int[][] {{0}, {1}}, new int[] {2}),
                "lengths for a different batch");
        MaskSet ok = new MaskSet(2, 2, new int[][] {{1, 2}, {2, 3}}, blocks, new int[][] {{0}, {1}});
        assertEquals(2, ok.batchSize());
        assertEquals(1, ok.targetBlockSize(0));
    }
}
