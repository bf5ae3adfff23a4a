package io.github.jepa4j.image.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.image.data.ShapesDataset.Item;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ShapesDatasetTest {

    private static float[] image(ShapesDataset ds, int i) {
        INDArray out = Nd4j.create(DataType.FLOAT, 1, 1, ds.height(), ds.width());
        ds.fill(new int[] {i}, out);
        return out.data().asFloat();
    }

    @Test
    void imageIIsAlwaysTheSame() {
        ShapesDataset a = ShapesDataset.builder().size(100).seed(4).build();
        ShapesDataset b = ShapesDataset.builder().size(100).seed(4).build();
        INDArray batch = Nd4j.create(DataType.FLOAT, 3, 1, 28, 28);
        a.fill(new int[] {7, 99, 7}, batch);
        assertEquals(batch.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0)), batch.get(org.nd4j.linalg.indexing.NDArrayIndex.point(2)));
        assertArrayEquals(image(a, 42), image(b, 42));
        assertArrayEquals(a.factors(42), b.factors(42));
        assertEquals(a.label(42), b.label(42));
        assertTrue(!java.util.Arrays.equals(image(a, 42), image(a, 43)));
        ShapesDataset other = ShapesDataset.builder().size(100).seed(5).build();
        assertTrue(!java.util.Arrays.equals(image(a, 42), image(other, 42)));
        ShapesDataset test = ShapesDataset.builder().size(100).seed(4).split(Split.TEST).build();
        assertNotEquals(a.item(42), test.item(42), "the test split uses other streams");
        assertEquals("shapes/test", test.name());
    }

    @Test
    void labelsAndFactorsDescribeTheImage() {
        ShapesDataset ds = ShapesDataset.builder().size(500).noise(0).seed(1).build();
        int[] perClass = new int[ds.numClasses()];
        for (int i = 0; i < ds.size(); i++) {
            Item it = ds.item(i);
            assertEquals(it.label(), ds.label(i));
            assertArrayEquals(new double[] {it.centerX(), it.centerY(), it.size(), it.intensity()}, ds.factors(i));
            perClass[it.label()]++;
            assertTrue(it.size() >= 0.15 * 28 && it.size() <= 0.3 * 28);
            assertTrue(it.intensity() >= 0.5 && it.intensity() <= 1.0);
            float[] px = image(ds, i);
            double m = 0, mx = 0, my = 0, peak = 0;
            for (int r = 0; r < 28; r++) {
                for (int c = 0; c < 28; c++) {
                    double v = px[r * 28 + c];
                    assertTrue(v >= 0, "no noise, so no negative pixels");
                    m += v;
                    mx += v * c;
                    my += v * r;
                    peak = Math.max(peak, v);
                }
            }
            // Every shape is symmetric about its stated centre.
            assertEquals(it.centerX(), mx / m, 0.2, "centre x of image " + i + " (" + it.shape() + ")");
            assertEquals(it.centerY(), my / m, 0.2, "centre y of image " + i + " (" + it.shape() + ")");
            // Mass / intensity is the shape's area, a function of size and class.
            double s = it.size();
            double area = switch (it.shape()) {
                case CIRCLE -> Math.PI * s * s;
                case SQUARE -> 4 * s * s;
                case TRIANGLE -> 3 * Math.sqrt(3) / 4 * s * s;
                case CROSS -> 20.0 / 9 * s * s;
                case RING -> 0.75 * Math.PI * s * s;
            };
            assertEquals(area, m / it.intensity(), 0.06 * area + 1, "area of image " + i + " (" + it.shape() + ")");
            assertTrue(peak <= it.intensity() + 1e-6 && peak > 0.9 * it.intensity());
        }
        for (int c : perClass) {
            assertTrue(c > 60, "every class appears: " + java.util.Arrays.toString(perClass));
        }
        assertArrayEquals(new String[] {"circle", "square", "triangle", "cross", "ring"}, ds.classNames());
        assertArrayEquals(new String[] {"centerX", "centerY", "size", "intensity"}, ds.factorNames());
    }

    @Test
    void noisyBackgroundKeepsTheCentre() {
        ShapesDataset ds = ShapesDataset.builder().size(50).seed(2).noise(0.05).imageSize(32, 40).build();
        for (int i = 0; i < ds.size(); i++) {
            Item it = ds.item(i);
            float[] px = image(ds, i);
            double m = 0, mx = 0, my = 0, bg = 0;
            int nb = 0;
            for (int r = 0; r < 32; r++) {
                for (int c = 0; c < 40; c++) {
                    double v = px[r * 40 + c];
                    if (v > 0.25) {
                        m += v;
                        mx += v * c;
                        my += v * r;
                    } else if (ShapesDataset.distance(it.shape(), c - it.centerX(), r - it.centerY(), it.size()) > 1) {
                        bg += v * v;
                        nb++;
                    }
                }
            }
            assertEquals(it.centerX(), mx / m, 0.5);
            assertEquals(it.centerY(), my / m, 0.5);
            assertEquals(0.05, Math.sqrt(bg / nb), 0.01, "background noise std");
        }
    }

    @Test
    void normalisationAndValidation() {
        ShapesDataset raw = ShapesDataset.builder().size(10).seed(3).build();
        ShapesDataset norm = ShapesDataset.builder().size(10).seed(3).normalisation(0.1, 0.2).build();
        float[] a = image(raw, 5), b = image(norm, 5);
        for (int k = 0; k < a.length; k++) {
            assertEquals((a[k] - 0.1) / 0.2, b[k], 1e-5);
        }
        assertThrows(IllegalArgumentException.class, () -> ShapesDataset.builder().sizeRange(0.2, 0.5).build());
        assertThrows(IllegalArgumentException.class, () -> ShapesDataset.builder().size(0).build());
        assertThrows(IllegalArgumentException.class, () -> ShapesDataset.builder().noise(-1).build());
        assertThrows(IllegalArgumentException.class, () -> ShapesDataset.builder().normalisation(0, 0).build());
        assertThrows(IllegalArgumentException.class, () -> raw.fill(new int[] {10}, Nd4j.create(DataType.FLOAT, 1, 1, 28, 28)));
        assertThrows(IllegalArgumentException.class, () -> raw.fill(new int[] {1, 2}, Nd4j.create(DataType.FLOAT, 1, 1, 28, 28)));
        assertThrows(IllegalArgumentException.class, () -> raw.item(-1));
    }
}
