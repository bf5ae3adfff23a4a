package io.github.jepa4j.world.plan;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Energy {@code E_b = mean_k (a_bk - c_k)^2} over the flattened sequence, for optimiser tests. */
final class QuadraticWorldModel implements WorldModel {
    private final double[] target;

    QuadraticWorldModel(double[] target) {
        this.target = target.clone();
    }

    @Override
    public int latentDim() {
        return 1;
    }

    @Override
    public int actionDim() {
        return 2;
    }

    @Override
    public INDArray encode(INDArray frames) {
        throw new UnsupportedOperationException();
    }

    @Override
    public double[] energies(INDArray z0, INDArray zGoal, INDArray actions) {
        return energiesAndGradients(z0, zGoal, actions, null);
    }

    @Override
    public double[] energiesAndGradients(INDArray z0, INDArray zGoal, INDArray actions, INDArray grad) {
        int b = (int) actions.size(0), n = (int) (actions.length() / b);
        if (n != target.length) {
            throw new IllegalArgumentException("target has " + target.length + " values, sequences " + n);
        }
        float[] a = new float[(int) actions.length()];
        new FloatPointer(actions.data().addressPointer()).get(a, 0, a.length);
        float[] g = new float[a.length];
        double[] e = new double[b];
        for (int i = 0; i < b; i++) {
            for (int k = 0; k < n; k++) {
                double d = a[i * n + k] - target[k];
                e[i] += d * d / n;
                g[i * n + k] = (float) (2 * d / n);
            }
        }
        if (grad != null) {
            new FloatPointer(grad.data().addressPointer()).put(g, 0, g.length);
        }
        return e;
    }
}
