package io.github.jepa4j.core.nn;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.jepa4j.core.testing.Close;
import io.github.jepa4j.core.testing.Fixtures;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Checks {@link TransformerBlock} against the {@code vit_block.json} golden fixture (PyTorch,
 * float64): output {@code y} and {@code grad_x = d sum(y * upstream) / dx}. All sizes are read
 * from the file.
 */
public final class VitBlockFixture {
    /** Fixture weight key -> parameter name suffix under the block's name. */
    private static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry("ln1_gamma", "norm1.weight"), Map.entry("ln1_beta", "norm1.bias"),
            Map.entry("qkv_w", "attn.qkv.weight"), Map.entry("qkv_b", "attn.qkv.bias"),
            Map.entry("proj_w", "attn.proj.weight"), Map.entry("proj_b", "attn.proj.bias"),
            Map.entry("ln2_gamma", "norm2.weight"), Map.entry("ln2_beta", "norm2.bias"),
            Map.entry("fc1_w", "mlp.fc1.weight"), Map.entry("fc1_b", "mlp.fc1.bias"),
            Map.entry("fc2_w", "mlp.fc2.weight"), Map.entry("fc2_b", "mlp.fc2.bias"));

    public static final double TOL = 1e-6;

    private VitBlockFixture() {}

    /** Throws AssertionError when the block's output or input gradient differs from the fixture. */
    public static void check(JsonNode fixture) {
        INDArray x = as3d(Fixtures.array(fixture.get("x")));
        INDArray y = as3d(Fixtures.array(fixture.get("y")));
        INDArray upstream = as3d(Fixtures.array(fixture.get("upstream")));
        INDArray gradX = as3d(Fixtures.array(fixture.get("grad_x")));
        JsonNode weights = fixture.get("weights");
        int dim = (int) x.size(2);
        int heads = fixture.get("heads").asInt();
        int hidden = (int) Fixtures.array(weights.get("fc1_w")).size(0);
        double eps = fixture.has("eps") ? fixture.get("eps").asDouble() : TransformerBlock.DEFAULT_LN_EPS;

        ParamStore store = new ParamStore(DataType.DOUBLE);
        TransformerBlock block = new TransformerBlock(store, "blocks.0", dim, heads, hidden, eps);
        store.allocate(0);
        for (Map.Entry<String, String> e : NAMES.entrySet()) {
            JsonNode w = weights.get(e.getKey());
            if (w == null) {
                throw new AssertionError("vit_block fixture lacks weight '" + e.getKey() + "'");
            }
            Param p = store.get("blocks.0." + e.getValue());
            INDArray value = Fixtures.array(w);
            if (!java.util.Arrays.equals(value.shape(), p.shape())) {
                throw new AssertionError("fixture weight " + e.getKey() + " has shape " + java.util.Arrays.toString(value.shape())
                        + ", parameter " + p.name() + " is " + java.util.Arrays.toString(p.shape()));
            }
            p.value().assign(value);
        }
        store.zeroGrads();
        Close.assertClose("vit_block y", y, block.forward(x), TOL);
        Close.assertClose("vit_block grad_x", gradX, block.backward(upstream), TOL);
    }

    /** A single sequence [N, D] is treated as a batch of one. */
    private static INDArray as3d(INDArray a) {
        return a.rank() == 2 ? a.reshape('c', 1, a.size(0), a.size(1)) : a;
    }
}
