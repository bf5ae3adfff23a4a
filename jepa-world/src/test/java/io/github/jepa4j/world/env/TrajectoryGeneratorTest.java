package io.github.jepa4j.world.env;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class TrajectoryGeneratorTest {

    @Test
    void shapesValuesAndConsistency() {
        TrajectoryGenerator g = TrajectoryGenerator.builder().frames(8).seed(5).build();
        Trajectories tr = g.generate(10, 4);
        assertArrayEquals(new long[] {4, 8, 3, 32, 32}, tr.frames().shape());
        assertArrayEquals(new long[] {4, 7, 2}, tr.actions().shape());
        assertArrayEquals(new long[] {4, 8, 2}, tr.positions().shape());
        RoomEnv env = new RoomEnv(g.config());
        float[] frame = new float[g.frameSize()];
        for (int i = 0; i < 4; i++) {
            Trajectory t = g.trajectory(10 + i);
            env.reset(t.positions()[0][0], t.positions()[0][1]);
            for (int k = 0; k < 8; k++) {
                assertEquals(t.positions()[k][0], tr.positions().getDouble(i, k, 0), 1e-6);
                assertEquals(t.positions()[k][1], tr.positions().getDouble(i, k, 1), 1e-6);
                if (k > 0) { // replaying the recorded actions reproduces the positions exactly
                    double[] q = env.step(t.actions()[k - 1][0], t.actions()[k - 1][1]);
                    assertArrayEquals(t.positions()[k], q, 0.0);
                    assertEquals(t.actions()[k - 1][0], tr.actions().getDouble(i, k - 1, 0), 1e-6);
                    assertTrue(Math.abs(t.actions()[k - 1][0]) <= 1 && Math.abs(t.actions()[k - 1][1]) <= 1);
                }
                env.render(frame, 0);
                INDArray got = tr.frames().get(org.nd4j.linalg.indexing.NDArrayIndex.point(i),
                        org.nd4j.linalg.indexing.NDArrayIndex.point(k)).reshape(-1);
                assertArrayEquals(frame, got.toFloatVector(), 0f);
            }
        }
    }

    @Test
    void deterministicAndIndexAddressable() {
        TrajectoryGenerator a = TrajectoryGenerator.builder().frames(6).seed(9).build();
        TrajectoryGenerator b = TrajectoryGenerator.builder().frames(6).seed(9).build();
        Trajectories x = a.generate(0, 6);
        INDArray f = Nd4j.create(DataType.FLOAT, 3, 6, 3, 32, 32);
        INDArray p = Nd4j.create(DataType.FLOAT, 3, 6, 2);
        b.fill(3, f, null, p);
        assertEquals(x.positions().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(3, 6)), p);
        assertEquals(x.frames().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(3, 6)), f);
        assertThrows(IllegalArgumentException.class, () -> b.fill(0, Nd4j.create(DataType.FLOAT, 3, 5, 3, 32, 32), null, null));
        assertThrows(IllegalArgumentException.class, () -> b.fill(0, Nd4j.create(DataType.DOUBLE, 3, 6, 3, 32, 32), null, null));
        assertThrows(IllegalArgumentException.class, () -> TrajectoryGenerator.builder().frames(1).build());
        assertThrows(IllegalArgumentException.class, () -> TrajectoryGenerator.builder().momentum(1).build());
    }

    @Test
    void exploresBothRooms() {
        TrajectoryGenerator g = TrajectoryGenerator.builder().frames(16).seed(1).build();
        int crossing = 0, n = 400;
        int[] rooms = new int[2];
        for (int i = 0; i < n; i++) {
            Trajectory t = g.trajectory(i);
            crossing += t.crossesRooms() ? 1 : 0;
            for (double[] q : t.positions()) {
                rooms[q[0] < 0.5 ? 0 : 1]++;
            }
        }
        assertTrue(crossing >= n / 10, "only " + crossing + " of " + n + " trajectories cross the door");
        assertTrue(rooms[0] > n * 16 / 3 && rooms[1] > n * 16 / 3, "room visits " + rooms[0] + " / " + rooms[1]);
        System.out.println("trajectories crossing rooms: " + crossing + " / " + n);
    }
}
