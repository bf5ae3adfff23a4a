package io.github.jepa4j.world.plan;

import io.github.jepa4j.world.env.RoomConfig;
import io.github.jepa4j.world.env.RoomEnv;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An analytic world model for testing planners without a learned model: the latent is the
 * agent's position recovered from the frame ({@link RoomEnv#locate}); the dynamics add the clipped
 * displacement, {@code z_t = z_{t-1} + maxStep * clip(a_t)}, IGNORING WALLS (or, with
 * {@code walls = true}, the exact environment step, for which no gradient is provided);
 * the energy is {@code (|z_H,x - g_x| + |z_H,y - g_y|) / 2} with gradient
 * {@code dE/da_t,k = maxStep * sign(z_H,k - g_k) / 2} where {@code |a_t,k| <= 1}, else 0.
 */
final class PositionWorldModel implements WorldModel {
    private final RoomEnv env;
    private final double step;
    private final boolean walls;
    private long energyCalls;

    PositionWorldModel(RoomConfig config, boolean walls) {
        this.env = new RoomEnv(config);
        this.step = config.maxStep();
        this.walls = walls;
    }

    long energyCalls() {
        return energyCalls;
    }

    @Override
    public int latentDim() {
        return 2;
    }

    @Override
    public int actionDim() {
        return 2;
    }

    @Override
    public INDArray encode(INDArray frames) {
        int b = (int) frames.size(0), fs = (int) (frames.length() / b);
        float[] px = new float[(int) frames.length()];
        new FloatPointer(frames.castTo(DataType.FLOAT).dup('c').data().addressPointer()).get(px, 0, px.length);
        INDArray out = Nd4j.create(DataType.FLOAT, b, 2);
        for (int i = 0; i < b; i++) {
            double[] p = env.locate(px, i * fs);
            out.putScalar(i, 0, p[0]);
            out.putScalar(i, 1, p[1]);
        }
        return out;
    }

    @Override
    public double[] energies(INDArray z0, INDArray zGoal, INDArray actions) {
        return compute(z0, zGoal, actions, null);
    }

    @Override
    public double[] energiesAndGradients(INDArray z0, INDArray zGoal, INDArray actions, INDArray grad) {
        if (walls) {
            throw new UnsupportedOperationException("no gradient through the exact environment step");
        }
        return compute(z0, zGoal, actions, grad);
    }

    private double[] compute(INDArray z0, INDArray zGoal, INDArray actions, INDArray grad) {
        energyCalls++;
        int b = (int) actions.size(0), h = (int) actions.size(1);
        float[] a = new float[(int) actions.length()];
        new FloatPointer(actions.data().addressPointer()).get(a, 0, a.length);
        double x0 = z0.getDouble(0), y0 = z0.getDouble(1), gx = zGoal.getDouble(0), gy = zGoal.getDouble(1);
        double[] e = new double[b];
        float[] g = grad == null ? null : new float[a.length];
        for (int i = 0; i < b; i++) {
            double x = x0, y = y0;
            if (walls && env.isFree(x, y)) {
                for (int t = 0; t < h; t++) {
                    double[] q = env.peek(x, y, a[(i * h + t) * 2], a[(i * h + t) * 2 + 1]);
                    x = q[0];
                    y = q[1];
                }
            } else {
                for (int t = 0; t < h; t++) {
                    x += step * clip(a[(i * h + t) * 2]);
                    y += step * clip(a[(i * h + t) * 2 + 1]);
                }
            }
            e[i] = (Math.abs(x - gx) + Math.abs(y - gy)) / 2;
            if (g != null) {
                double sx = Math.signum(x - gx) * step / 2, sy = Math.signum(y - gy) * step / 2;
                for (int t = 0; t < h; t++) {
                    int o = (i * h + t) * 2;
                    g[o] = Math.abs(a[o]) <= 1 ? (float) sx : 0f;
                    g[o + 1] = Math.abs(a[o + 1]) <= 1 ? (float) sy : 0f;
                }
            }
        }
        if (g != null) {
            new FloatPointer(grad.data().addressPointer()).put(g, 0, g.length);
        }
        return e;
    }

    private static double clip(double v) {
        return v < -1 ? -1 : (v > 1 ? 1 : v);
    }
}
