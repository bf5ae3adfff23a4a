package io.github.jepa4j.world.model;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The fitted standardisation gives each feature mean 0 and std 1 over the fitting frames, for any rank. */
class LatentStandardizationTest {
    @Test
    void fittedFramesHaveZeroMeanAndUnitStd() {
        Nd4j.getRandom().setSeed(1);
        INDArray e = Nd4j.randn(DataType.DOUBLE, 5, 7, 3).muli(Nd4j.create(new double[] {0.05, 2, 1}, 1, 1, 3))
                .addi(Nd4j.create(new double[] {1, -3, 0}, 1, 1, 3));
        LatentStandardization s = LatentStandardization.fit(e);
        INDArray z = s.applyInPlace(e.dup());
        INDArray flat = z.reshape(35, 3);
        assertArrayEquals(new double[] {0, 0, 0}, flat.mean(0).toDoubleVector(), 1e-12);
        assertArrayEquals(new double[] {1, 1, 1}, flat.std(false, 0).toDoubleVector(), 1e-12);
        // Rank 2 (in place on rows) gives the same as rank 3.
        INDArray rows = e.reshape(35, 3).dup();
        s.applyInPlace(rows);
        assertArrayEquals(flat.reshape(105).toDoubleVector(), rows.reshape(105).toDoubleVector(), 1e-12);
        // A float embedding is standardised in its own type.
        INDArray f = e.reshape(35, 3).castTo(DataType.FLOAT);
        assertEquals(DataType.FLOAT, s.applyInPlace(f).dataType());
        assertArrayEquals(flat.reshape(105).toFloatVector(), f.reshape(105).toFloatVector(), 1e-5f);
    }

    @Test
    void identityLeavesEmbeddingsUnchangedAndBadInputsAreRejected() {
        INDArray e = Nd4j.create(new double[][] {{1, 2}, {3, 4}});
        assertArrayEquals(new double[] {1, 2, 3, 4}, LatentStandardization.identity(2).applyInPlace(e.dup()).reshape(4).toDoubleVector(), 0);
        assertThrows(IllegalArgumentException.class, () -> LatentStandardization.identity(3).applyInPlace(e));
        assertThrows(IllegalArgumentException.class, () -> new LatentStandardization(Nd4j.zeros(2), Nd4j.zeros(2)));
        assertThrows(IllegalArgumentException.class, () -> LatentStandardization.fit(Nd4j.zeros(DataType.DOUBLE, 1, 2)));
        // A constant feature gets the floor, not a division by zero.
        INDArray c = Nd4j.create(new double[][] {{1, 2}, {1, 4}});
        INDArray z = LatentStandardization.fit(c).applyInPlace(c.dup());
        assertEquals(0.0, z.getDouble(0, 0), 0);
    }
}
