package io.github.jepa4j.image.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.jepa4j.core.model.VisionTransformer;
import io.github.jepa4j.core.model.VitConfig;
import io.github.jepa4j.core.nn.ParamStore;
import io.github.jepa4j.image.data.ShapesDataset;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class FeaturesTest {
    private static final ShapesDataset SHAPES = ShapesDataset.builder().size(23).imageSize(16, 16).seed(2).build();

    /** The first {@code n} images, filled in one call. */
    private static INDArray images(int n) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        INDArray x = Nd4j.create(DataType.FLOAT, n, SHAPES.channels(), SHAPES.height(), SHAPES.width());
        SHAPES.fill(idx, x);
        return x;
    }

    @Test
    void pooledFeaturesAreEachImagesMeanTokenWhateverTheBatching() {
        ParamStore store = new ParamStore(DataType.FLOAT);
        VisionTransformer enc = new VisionTransformer(new VitConfig(SHAPES.channels(), 16, 16, 1, 4, 1, 8, 1, 2, 16, 1e-6),
                store, "enc.");
        store.allocate(3);
        // 20 of 23 images in batches of 8: two full batches and a partial one.
        INDArray f = Features.pooled(enc, SHAPES, 20, 8);
        assertArrayEquals(new long[] {20, 8}, f.shape());
        assertEquals(DataType.DOUBLE, f.dataType());
        INDArray expected = enc.forward(images(20)).mean(1).castTo(DataType.DOUBLE);
        assertEquals(0.0, f.sub(expected).amaxNumber().doubleValue(), 1e-6);
    }

    @Test
    void pixelsAreTheFlattenedImagesAndNeverMoreThanTheDataset() {
        INDArray p = Features.pixels(SHAPES, 100);
        assertArrayEquals(new long[] {23, (long) SHAPES.channels() * 16 * 16}, p.shape(), "capped at the dataset's 23 images");
        assertEquals(0.0, p.sub(images(23).reshape('c', 23, -1).castTo(DataType.DOUBLE)).amaxNumber().doubleValue(), 0.0);
        assertEquals(23, Features.labels(SHAPES, 100).length);
    }
}
