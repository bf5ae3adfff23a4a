package io.github.jepa4j.regularizers.nn;

import io.github.jepa4j.core.nn.Layer;
import io.github.jepa4j.core.tensor.Scratch;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Rectified linear unit {@code y = max(x, 0)}, element-wise on any shape; backward
 * {@code dx = g * [x > 0]} (the derivative at 0 taken as 0, as PyTorch).
 */
public final class Relu implements Layer {
    private static final int Y = 0, DX = 1;

    private final Scratch scratch = new Scratch(2);
    private INDArray x;

    @Override
    public INDArray forward(INDArray x) {
        this.x = x;
        INDArray y = scratch.get(Y, x.dataType(), x.shape());
        Nd4j.exec(new RectifiedLinear(x, y, 0.0));
        return y;
    }

    @Override
    public INDArray backward(INDArray gradOut) {
        if (x == null) {
            throw new IllegalStateException("Relu: backward before forward");
        }
        if (!Arrays.equals(gradOut.shape(), x.shape())) {
            throw new IllegalArgumentException("Relu gradient must have the input's shape " + Arrays.toString(x.shape())
                    + ", got " + Arrays.toString(gradOut.shape()));
        }
        INDArray dx = scratch.get(DX, gradOut.dataType(), x.shape());
        Nd4j.exec(new Step(x, dx, 0.0));                         // 1 where x > 0, else 0
        dx.muli(gradOut);
        return dx;
    }
}
