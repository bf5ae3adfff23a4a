package io.github.jepa4j.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The transformer feed-forward block of ViT / timm: {@code y = fc2(GELU(fc1(x)))} with exact GELU.
 *
 * <p>Shapes: {@code x [..., D]}, {@code fc1: D -> hidden}, {@code fc2: hidden -> D},
 * {@code y [..., D]}. Parameters {@code name.fc1.weight [hidden, D]}, {@code name.fc1.bias},
 * {@code name.fc2.weight [D, hidden]}, {@code name.fc2.bias} (timm names). No dropout.
 */
public final class Mlp implements Layer {
    private final Linear fc1;
    private final Gelu act = new Gelu();
    private final Linear fc2;

    public Mlp(ParamStore store, String name, int dim, int hidden) {
        if (dim <= 0 || hidden <= 0) {
            throw new IllegalArgumentException("Mlp '" + name + "' needs positive sizes, got dim=" + dim + " hidden=" + hidden);
        }
        this.fc1 = new Linear(store, name + ".fc1", dim, hidden, true);
        this.fc2 = new Linear(store, name + ".fc2", hidden, dim, true);
    }

    public Linear fc1() {
        return fc1;
    }

    public Linear fc2() {
        return fc2;
    }

    @Override
    public INDArray forward(INDArray x) {
        return fc2.forward(act.forward(fc1.forward(x)));
    }

    @Override
    public INDArray backward(INDArray gradOut) {
        return fc1.backward(act.backward(fc2.backward(gradOut)));
    }
}
