package io.github.jepa4j.core.nn;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.jepa4j.core.testing.Close;
import io.github.jepa4j.core.testing.Fixtures;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Checks {@link PosEmbed#sinCos2d} against the golden {@code pos_embed_2d.json} fixture (keys
 * {@code dim}, {@code grid_h}, {@code grid_w}, {@code embedding [grid_h*grid_w, dim]}), to 1e-6 in
 * double. A file holding a {@code cases} array is checked case by case.
 */
public final class PosEmbedFixture {
    private PosEmbedFixture() {}

    public static void check(JsonNode fixture) {
        if (fixture.has("cases")) {
            for (JsonNode c : fixture.get("cases")) {
                check(c);
            }
            return;
        }
        int dim = fixture.get("dim").asInt();
        int gh = fixture.get("grid_h").asInt();
        int gw = fixture.get("grid_w").asInt();
        INDArray expected = Fixtures.array(fixture.get("embedding"));
        INDArray actual = PosEmbed.sinCos2d(dim, gh, gw, DataType.DOUBLE);
        Close.assertClose("sinCos2d(dim=" + dim + ", " + gh + "x" + gw + ")", expected, actual, 1e-6);
    }
}
