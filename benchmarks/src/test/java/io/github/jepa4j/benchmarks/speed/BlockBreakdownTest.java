package io.github.jepa4j.benchmarks.speed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.benchmarks.speed.BlockBreakdown.Kind;
import io.github.jepa4j.benchmarks.speed.BlockBreakdown.Part;
import io.github.jepa4j.benchmarks.speed.BlockBreakdown.Result;
import io.github.jepa4j.benchmarks.speed.BlockBreakdown.Shape;
import io.github.jepa4j.core.tensor.Kernels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The block breakdown: its FLOP accounting, that its parts are the block's, its shapes and its report. */
class BlockBreakdownTest {
    @TempDir
    Path dir;

    @Test
    void partFlopsAddUpToTheSpeedTablesCountForOneBlock() {
        Shape s = new Shape("t", 3, 7, 16, 4, 48, 2, true);
        double sum = BlockBreakdown.flops(s).values().stream().mapToDouble(Double::doubleValue).sum();
        assertEquals(StepFlops.blocks(16, 48, 1, 3, 7), sum, 1e-6);
        assertEquals(10, BlockBreakdown.flops(s).size());
    }

    @Test
    void timesEveryPartOfABlockForwardAndBackwardOnOneCoreAndRestoresTheKernelMode() {
        boolean inline = Kernels.inline();
        Result r = BlockBreakdown.measure(new Shape("tiny", 2, 5, 8, 2, 16, 3, true), 1, 3, 7);
        assertEquals(inline, Kernels.inline(), "the kernels' thread mode must be restored");
        assertEquals(List.of("norm1", "qkv", "attention core", "proj", "residual 1", "norm2", "fc1", "GELU", "fc2", "residual 2"),
                r.parts().stream().map(Part::name).toList());
        for (Part p : r.parts()) {
            assertTrue(Double.isFinite(p.fwdMs()) && Double.isFinite(p.bwdMs()), p.toString());
            if (p.kind() != Kind.ATTENTION) {
                // Measured directly (the attention core is a difference of timings and may read below 0).
                assertTrue(p.fwdMs() > 0 && p.bwdMs() > 0, p.toString());
            }
        }
        assertTrue(r.blockFwdMs() > 0 && r.blockBwdMs() > 0, r.toString());
        assertEquals(3 * (r.blockFwdMs() + r.blockBwdMs()), r.stepMs(), 1e-9, "depth x (forward + backward)");
    }

    @Test
    void forwardOnlyShapeHasNoBackwardTimes() {
        Result r = BlockBreakdown.measure(new Shape("target", 2, 4, 8, 2, 16, 2, false), 0, 2, 1);
        assertTrue(r.parts().stream().allMatch(p -> Double.isNaN(p.bwdMs())), r.toString());
        assertTrue(Double.isNaN(r.blockBwdMs()));
        assertEquals(2 * r.blockFwdMs(), r.stepMs(), 1e-9);
    }

    @Test
    void shapesFollowThePresetAndItsMasks() {
        List<Shape> s = BlockBreakdown.shapes(SpeedPreset.of("ref"), 8, 1);
        assertEquals(3, s.size());
        Shape target = s.get(0), context = s.get(1), predictor = s.get(2);
        assertEquals(List.of(8L, 49L, 128, 4, 512, 4, false),
                List.of(target.seqs(), target.tokens(), target.dim(), target.heads(), target.hidden(), target.depth(), target.backward()));
        assertTrue(context.backward() && context.seqs() == 8 && context.tokens() >= 4 && context.tokens() < 49, context.toString());
        assertEquals(4L * 8, predictor.seqs(), "one predictor sequence per target block and image");
        assertTrue(predictor.tokens() > context.tokens() && predictor.dim() == 64 && predictor.heads() == 2 && predictor.depth() == 2,
                predictor.toString());
    }

    @Test
    void reportWritesTheStepSummaryAndOneTablePerBlockShape() throws Exception {
        BlockBreakdown.Options o = BlockBreakdown.Options.parse("--presets", "ref", "--batch", "2", "--reps", "2", "--warmup", "1",
                "--out", dir.toString());
        BlockBreakdown.report(o);
        String md = Files.readString(dir.resolve("block.md"));
        for (String role : List.of("target encoder", "context encoder", "predictor")) {
            assertTrue(md.contains("| " + role + " | "), "summary row of " + role + "\n" + md);
            assertTrue(md.contains("### " + role + ": one block"), "part table of " + role + "\n" + md);
        }
        assertEquals(3, md.lines().filter(l -> l.startsWith("| attention core |")).count(), md);
        assertTrue(md.contains("One-thread sgemm of the MLP shape") && md.contains("`./jepa4j bench block --presets ref --reps 2`"), md);
        List<String> csv = Files.readAllLines(dir.resolve("block.csv"));
        assertEquals(1 + 3 * 11, csv.size(), "header, then ten parts and the whole block per shape");
        assertTrue(csv.get(0).startsWith("preset,batch,block,") && csv.get(1).startsWith("ref,2,target encoder,2,49,128,"), csv.get(1));
    }

    @Test
    void badOptionsAreRefusedWithTheirValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BlockBreakdown.Options.parse("--presets", "vit-huge"));
        assertTrue(e.getMessage().contains("vit-huge"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BlockBreakdown.Options.parse("--reps", "0"));
        assertTrue(e.getMessage().contains("reps=0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Shape("x", 1, 4, 10, 3, 8, 1, true));
        assertTrue(e.getMessage().contains("3 heads"), e.getMessage());
    }
}
