package io.github.jepa4j.image.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The real files from the dataset-fashion-mnist package; skipped when they are not installed. */
class FashionMnistTest {

    @Test
    void realFilesHaveTheDocumentedShapeLabelsAndStatistics() {
        assumeTrue(Files.isDirectory(Path.of(FashionMnist.DEFAULT_DIR)),
                FashionMnist.DEFAULT_DIR + " absent: apt-get install dataset-fashion-mnist");
        FashionMnist train = FashionMnist.load(Split.TRAIN);
        FashionMnist test = FashionMnist.load(Split.TEST);
        assertEquals(60_000, train.size());
        assertEquals(10_000, test.size());
        assertEquals(28, train.height());
        assertEquals(28, train.width());
        assertEquals("fashion-mnist/train", train.name());
        int[] perClass = new int[10];
        for (int i = 0; i < test.size(); i++) {
            perClass[test.label(i)]++;
        }
        for (int c : perClass) {
            assertEquals(1000, c, "Fashion-MNIST's test set is balanced");
        }
        // The default normalisation constants are the training set's statistics.
        double sum = 0, sq = 0;
        long n = 0;
        for (int i = 0; i < train.size(); i++) {
            for (int r = 0; r < 28; r++) {
                for (int c = 0; c < 28; c++) {
                    double v = train.pixel(i, r, c) / 255.0;
                    sum += v;
                    sq += v * v;
                    n++;
                }
            }
        }
        double mean = sum / n;
        double std = Math.sqrt(sq / n - mean * mean);
        assertEquals(FashionMnist.DEFAULT_MEAN, mean, 5e-4);
        assertEquals(FashionMnist.DEFAULT_STD, std, 5e-4);

        int[] idx = new int[2000];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i * 29;
        }
        INDArray batch = Nd4j.create(DataType.FLOAT, idx.length, 1, 28, 28);
        train.fill(idx, batch);
        assertEquals(0.0, batch.meanNumber().doubleValue(), 0.03);
        assertEquals(1.0, batch.stdNumber().doubleValue(), 0.03);
        assertEquals((train.pixel(idx[7], 14, 9) / 255.0 - 0.2860) / 0.3530, batch.getDouble(7, 0, 14, 9), 1e-5);
    }
}
