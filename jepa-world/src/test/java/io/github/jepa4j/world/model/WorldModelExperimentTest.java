package io.github.jepa4j.world.model;

import io.github.jepa4j.world.env.Trajectories;
import io.github.jepa4j.world.env.TrajectoryGenerator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.inverse.InvertMatrix;

/** Slow measurement (not a test): trains the default world model and prints losses and a position probe. */
@Tag("slow")
class WorldModelExperimentTest {
    @Test
    void trainDefault() {
        int n = Integer.getInteger("wm.n", 400);
        WorldModelConfig c = WorldModelConfig.defaults(32)
                .withSteps(Integer.getInteger("wm.enc", 600), Integer.getInteger("wm.pred", 1500))
                .withMaxGap(Integer.getInteger("wm.gap", 2))
                .withEncoder(new io.github.jepa4j.core.model.VitConfig(3, 32, 32, 1, Integer.getInteger("wm.patch", 8), 1,
                        Integer.getInteger("wm.dim", 64), 2, 4, 128, 1e-6))
                .withAntiCollapse("vicreg", io.github.jepa4j.regularizers.anticollapse.VicRegConfig.defaults().withCoefficients(
                        Double.parseDouble(System.getProperty("wm.sim", "25")), Double.parseDouble(System.getProperty("wm.std", "25")),
                        Double.parseDouble(System.getProperty("wm.cov", "1"))));
        TrajectoryGenerator gen = TrajectoryGenerator.builder().seed(1).build();
        long t0 = System.nanoTime();
        Trajectories data = gen.generate(0, n);
        System.out.printf("data %.1fs%n", (System.nanoTime() - t0) / 1e9);
        t0 = System.nanoTime();
        WorldModelTraining.Result r = WorldModelTraining.train(c, data, 100);
        System.out.printf("train %.1fs %s%n", (System.nanoTime() - t0) / 1e9, r.metrics());
        // Linear probe of position from the embedding, on held-out trajectories.
        Trajectories test = gen.generate(100000, 100);
        INDArray ztr = embed(r.model(), data);
        INDArray zte = embed(r.model(), test);
        INDArray ptr = data.positions().reshape('c', -1, 2).castTo(DataType.DOUBLE);
        INDArray pte = test.positions().reshape('c', -1, 2).castTo(DataType.DOUBLE);
        INDArray xtr = Nd4j.hstack(ztr, Nd4j.ones(DataType.DOUBLE, ztr.size(0), 1));
        INDArray xte = Nd4j.hstack(zte, Nd4j.ones(DataType.DOUBLE, zte.size(0), 1));
        INDArray xtx = xtr.transpose().mmul(xtr).addi(Nd4j.eye(xtr.size(1)).castTo(DataType.DOUBLE).muli(1e-3));
        INDArray w = solve(xtx, xtr.transpose().mmul(ptr));
        INDArray err = xte.mmul(w).subi(pte);
        double rmse = Math.sqrt(err.mul(err).meanNumber().doubleValue());
        // Smoothness: embedding change per step against the spread between random frames.
        long nt = zte.size(0);
        int tt = (int) test.frames().size(1);
        double step = 0, far = 0;
        java.util.Random rr = new java.util.Random(1);
        int cnt = 0;
        for (int i = 0; i + 1 < nt; i++) {
            if ((i + 1) % tt == 0) continue;
            step += zte.getRow(i).sub(zte.getRow(i + 1)).norm1Number().doubleValue();
            far += zte.getRow(rr.nextInt((int) nt)).sub(zte.getRow(rr.nextInt((int) nt))).norm1Number().doubleValue();
            cnt++;
        }
        System.out.printf("smoothness: step L1 %.4f vs random pair L1 %.4f (ratio %.3f)%n", step / cnt, far / cnt, step / far);
        System.out.printf("position probe RMSE %.4f (room units; std of positions %.3f)%n", rmse, pte.std(0).meanNumber().doubleValue());
    }

    /** Gauss-Jordan solve of a small SPD system. */
    static INDArray solve(INDArray a, INDArray b) {
        int n = (int) a.size(0), m = (int) b.size(1);
        double[][] x = a.toDoubleMatrix();
        double[][] y = b.toDoubleMatrix();
        for (int i = 0; i < n; i++) {
            double piv = x[i][i];
            for (int j = 0; j < n; j++) x[i][j] /= piv;
            for (int j = 0; j < m; j++) y[i][j] /= piv;
            for (int k = 0; k < n; k++) {
                if (k == i) continue;
                double f = x[k][i];
                for (int j = 0; j < n; j++) x[k][j] -= f * x[i][j];
                for (int j = 0; j < m; j++) y[k][j] -= f * y[i][j];
            }
        }
        return Nd4j.createFromArray(y);
    }

    private static INDArray embed(LearnedWorldModel m, Trajectories d) {
        INDArray f = d.frames();
        long n = f.size(0) * f.size(1);
        return m.encoder().encodeAll(f.reshape('c', n, 3, 32, 32), 256).castTo(DataType.DOUBLE);
    }
}
