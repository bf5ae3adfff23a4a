package io.github.jepa4j.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.jepa4j.core.testing.GradCheck;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Finite-difference checks (double) of attention, MLP and the full pre-norm block. */
class AttentionGradientTest {
    static {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    private static INDArray randn(long seed, long... shape) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.DOUBLE, shape);
    }

    /** Replaces every parameter (biases and LayerNorm affine included) with random values. */
    static void randomize(ParamStore store, long seed, double scale) {
        long s = seed;
        for (Param p : store.list()) {
            p.value().assign(randn(s++, p.shape()).muli(scale));
        }
    }

    @Test
    void attentionGradients() {
        ParamStore store = new ParamStore(DataType.DOUBLE);
        MultiHeadSelfAttention attn = new MultiHeadSelfAttention(store, "attn", 4, 2);
        store.allocate(1);
        randomize(store, 10, 0.7);
        GradCheck.checkLayer("attention B2 N3 D4 H2", attn, store, randn(2, 2, 3, 4), randn(3, 2, 3, 4), 1e-6);
    }

    @Test
    void attentionGradientsOtherHeadCounts() {
        for (int heads : new int[] {1, 3}) {
            ParamStore store = new ParamStore(DataType.DOUBLE);
            MultiHeadSelfAttention attn = new MultiHeadSelfAttention(store, "attn", 6, heads);
            store.allocate(1);
            randomize(store, 20 + heads, 0.6);
            GradCheck.checkLayer("attention H" + heads, attn, store, randn(4, 1, 4, 6), randn(5, 1, 4, 6), 1e-6);
        }
    }

    @Test
    void mlpGradients() {
        ParamStore store = new ParamStore(DataType.DOUBLE);
        Mlp mlp = new Mlp(store, "mlp", 4, 7);
        store.allocate(1);
        randomize(store, 30, 0.8);
        GradCheck.checkLayer("mlp", mlp, store, randn(6, 2, 3, 4), randn(7, 2, 3, 4), 1e-6);
    }

    @Test
    void transformerBlockGradients() {
        ParamStore store = new ParamStore(DataType.DOUBLE);
        TransformerBlock block = new TransformerBlock(store, "blocks.0", 4, 2, 6, 1e-5);
        store.allocate(1);
        randomize(store, 40, 0.7);
        GradCheck.checkLayer("block", block, store, randn(8, 2, 3, 4), randn(9, 2, 3, 4), 1e-6);
    }

    @Test
    void parameterNamesAreTimms() {
        ParamStore store = new ParamStore(DataType.DOUBLE);
        new TransformerBlock(store, "blocks.0", 8, 2, 32);
        List<String> names = store.list().stream().map(p -> p.name() + java.util.Arrays.toString(p.shape()))
                .collect(Collectors.toList());
        assertEquals(List.of(
                "blocks.0.norm1.weight[8]", "blocks.0.norm1.bias[8]",
                "blocks.0.attn.qkv.weight[24, 8]", "blocks.0.attn.qkv.bias[24]",
                "blocks.0.attn.proj.weight[8, 8]", "blocks.0.attn.proj.bias[8]",
                "blocks.0.norm2.weight[8]", "blocks.0.norm2.bias[8]",
                "blocks.0.mlp.fc1.weight[32, 8]", "blocks.0.mlp.fc1.bias[32]",
                "blocks.0.mlp.fc2.weight[8, 32]", "blocks.0.mlp.fc2.bias[8]"), names);
    }
}
