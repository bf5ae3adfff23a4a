package io.github.jepa4j.core.nn;

import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.jepa4j.core.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class VitBlockFixtureTest {
    static {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @Test
    void matchesPyTorchBlock() {
        VitBlockFixture.check(Fixtures.load("vit_block.json"));
    }

    /** The check is not vacuous: a small change to one weight (here the qkv layout) is caught. */
    @Test
    void detectsPerturbedWeight() {
        ObjectNode f = Fixtures.load("vit_block.json").deepCopy();
        ArrayNode firstRow = (ArrayNode) f.get("weights").get("qkv_w").get(0);
        firstRow.set(0, DoubleNode.valueOf(firstRow.get(0).asDouble() + 1e-3));
        assertThrows(AssertionError.class, () -> VitBlockFixture.check(f));
    }

    @Test
    void detectsWrongOutput() {
        ObjectNode f = Fixtures.load("vit_block.json").deepCopy();
        JsonNode y = f.get("y");
        ArrayNode row = (ArrayNode) y.get(y.size() - 1).get(0);
        row.set(0, DoubleNode.valueOf(row.get(0).asDouble() + 1e-4));
        assertThrows(AssertionError.class, () -> VitBlockFixture.check(f));
    }
}
