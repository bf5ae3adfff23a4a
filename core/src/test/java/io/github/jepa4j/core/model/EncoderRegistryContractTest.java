package io.github.jepa4j.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.core.checkpoint.Checkpoint;
import io.github.jepa4j.core.model.EncoderRegistry.InputSpec;
import io.github.jepa4j.core.nn.Param;
import io.github.jepa4j.core.nn.ParamStore;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Every registered encoder honours the same contract: {@code [B, N, D]} finite output, a non-zero
 * gradient for every parameter, and a checkpoint round trip that restores parameters and outputs
 * exactly. Inputs are two patches a side (and two tubelets long for video), so each entry sees 4
 * (video: 8) tokens. To keep the test fast, blocks are dropped from encoders above
 * {@value #MAX_PARAMS} parameters (ViT-Ti keeps 9 of 12, ViT-S 2, ViT-B 1): all blocks are
 * identical, and width, heads and MLP, which distinguish the entries, are kept.
 */
class EncoderRegistryContractTest {
    private static final long MAX_PARAMS = 4_000_000L;
    private static final int BATCH = 2;
    private static final int CHANNELS = 3;

    static List<String> entries() {
        return EncoderRegistry.standard().names();
    }

    /** The entry's configuration for an input two patches a side (and two tubelets long for video). */
    private static VitConfig contractConfig(String name) {
        EncoderRegistry reg = EncoderRegistry.standard();
        boolean video = reg.entry(name).video();
        // Probe with a size every preset's patch divides, to learn the patch and tubelet.
        VitConfig probe = reg.config(name, new InputSpec(CHANNELS, video ? 2 * EncoderRegistry.VIDEO_TUBELET : 1, 64, 64));
        int side = 2 * probe.patch();
        VitConfig cfg = reg.config(name, new InputSpec(CHANNELS, video ? 2 * probe.tubelet() : 1, side, side));
        long perBlock = 4L * cfg.dim() * cfg.dim() + 2L * cfg.dim() * cfg.mlpHidden();
        int depth = (int) Math.max(1, Math.min(cfg.depth(), MAX_PARAMS / perBlock));
        return cfg.withSize(cfg.dim(), depth, cfg.heads(), cfg.mlpHidden());
    }

    private static INDArray input(VitConfig cfg, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return cfg.isVideo()
                ? Nd4j.randn(DataType.FLOAT, BATCH, cfg.channels(), cfg.frames(), cfg.height(), cfg.width())
                : Nd4j.randn(DataType.FLOAT, BATCH, cfg.channels(), cfg.height(), cfg.width());
    }

    /** All contract checks on one encoder (building stores dominates the cost, so it is built once). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void contract(String name, @TempDir Path dir) throws Exception {
        VitConfig cfg = contractConfig(name);
        assertEquals(4 * cfg.gridT(), cfg.numTokens(), "contract inputs are 2 x 2 patches (x 2 tubelets)");
        ParamStore store = new ParamStore(DataType.FLOAT);
        VisionTransformer enc = new VisionTransformer(cfg, store, "encoder.");
        store.allocate(7);
        INDArray x = input(cfg, 8);

        // Forward: [B, N, D], finite, not trivially zero.
        INDArray out = enc.forward(x).dup();
        assertArrayEquals(new long[] {BATCH, cfg.numTokens(), cfg.dim()}, out.shape(), name + ": output shape");
        assertTrue(finite(out), name + ": output has NaN or Inf");
        assertTrue(out.norm2Number().doubleValue() > 0, name + ": output is all zero");

        // Backward of a random upstream: every parameter gets a non-zero gradient. Per parameter,
        // not per element: the key part of qkv.bias has an exactly zero gradient (softmax is
        // invariant to adding q.b_k to every score of a query).
        Nd4j.getRandom().setSeed(9);
        enc.backward(Nd4j.randn(DataType.FLOAT, out.shape()));
        assertTrue(finite(store.grads()), name + ": gradient has NaN or Inf");
        for (Param p : store.list()) {
            assertTrue(p.grad().norm2Number().doubleValue() > 0, name + ": parameter " + p + " got no gradient");
        }

        // Checkpoint round trip into an encoder built with another seed.
        Path file = dir.resolve(name + ".ckpt");
        new Checkpoint(0, 7, store.layoutSignature(), null, Map.of("params", store.params()), Map.of()).save(file);
        ParamStore fresh = new ParamStore(DataType.FLOAT);
        VisionTransformer restored = new VisionTransformer(cfg, fresh, "encoder.");
        fresh.allocate(8);
        assertFalse(Arrays.equals(floats(store.params()), floats(fresh.params())), "precondition: another seed gives other weights");
        Checkpoint ck = Checkpoint.load(file);
        assertEquals(fresh.layoutSignature(), ck.layout(), name + ": checkpoint layout");
        fresh.params().assign(ck.array("params"));
        assertTrue(Arrays.equals(floats(store.params()), floats(fresh.params())), name + ": parameters differ after the round trip");
        assertTrue(Arrays.equals(floats(out), floats(restored.forward(x))), name + ": outputs differ after the round trip");
    }

    /** No NaN or Inf: any such element makes the (double) sum NaN or infinite. */
    private static boolean finite(INDArray a) {
        return Double.isFinite(a.castTo(DataType.DOUBLE).sumNumber().doubleValue());
    }

    /** Exact contents (Arrays.equals on float[] compares bit patterns; INDArray.equals tolerates 1e-5). */
    private static float[] floats(INDArray a) {
        return a.dup('c').data().asFloat();
    }
}
