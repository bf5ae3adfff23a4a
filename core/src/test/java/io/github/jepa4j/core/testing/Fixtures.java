package io.github.jepa4j.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads the float64 golden fixtures (../shared/fixtures, copied to test resources).
 *
 * <p>The directory comes from the system property {@code jepa4j.fixtures}; when it is unset or
 * empty, the copied test resources under {@code fixtures/} are used. A named file that is missing
 * is a test failure, never a skip.
 */
public final class Fixtures {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Fixtures() {}

    /** Loads one fixture file by name, e.g. {@code "vit_block.json"}. */
    public static JsonNode load(String name) {
        String dir = System.getProperty("jepa4j.fixtures", "");
        try {
            if (dir != null && !dir.isBlank()) {
                Path p = Path.of(dir).resolve(name);
                if (!Files.isRegularFile(p)) {
                    throw new AssertionError("fixture file missing: " + p.toAbsolutePath()
                            + " (set by -Djepa4j.fixtures=" + dir + ")");
                }
                return MAPPER.readTree(p.toFile());
            }
            try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
                if (in == null) {
                    throw new AssertionError("fixture file missing from test resources: fixtures/" + name);
                }
                return MAPPER.readTree(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read fixture " + name, e);
        }
    }

    /** A nested JSON number array as a float64 INDArray of the nested shape (a number gives a scalar). */
    public static INDArray array(JsonNode node) {
        List<Long> shape = new ArrayList<>();
        JsonNode n = node;
        while (n.isArray()) {
            shape.add((long) n.size());
            if (n.size() == 0) {
                break;
            }
            n = n.get(0);
        }
        List<Double> flat = new ArrayList<>();
        flatten(node, flat);
        double[] data = new double[flat.size()];
        for (int i = 0; i < data.length; i++) {
            data[i] = flat.get(i);
        }
        if (shape.isEmpty()) {
            return Nd4j.scalar(DataType.DOUBLE, data[0]);
        }
        long[] s = shape.stream().mapToLong(Long::longValue).toArray();
        return Nd4j.createFromArray(data).reshape('c', s).castTo(DataType.DOUBLE);
    }

    private static void flatten(JsonNode node, List<Double> out) {
        if (node.isArray()) {
            for (JsonNode c : node) {
                flatten(c, out);
            }
        } else {
            out.add(node.asDouble());
        }
    }

    public static double[] doubles(JsonNode node) {
        List<Double> flat = new ArrayList<>();
        flatten(node, flat);
        return flat.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
