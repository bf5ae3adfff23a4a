package io.github.jepa4j.core.nn;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One named parameter: a c-order view into its {@link ParamStore}'s flat value buffer and a view
 * of the same shape into the flat gradient buffer. Views are bound when the store is allocated.
 */
public final class Param {
    private final String name;
    private final long[] shape;
    private final long offset;
    private final long length;
    private final boolean decay;
    private final Init init;
    private INDArray value;
    private INDArray grad;

    Param(String name, long[] shape, long offset, boolean decay, Init init) {
        this.name = name;
        this.shape = shape.clone();
        this.offset = offset;
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        this.length = n;
        this.decay = decay;
        this.init = init;
    }

    void bind(INDArray value, INDArray grad) {
        this.value = value;
        this.grad = grad;
    }

    public String name() {
        return name;
    }

    public long[] shape() {
        return shape.clone();
    }

    /** Offset of this parameter in the store's flat buffers. */
    public long offset() {
        return offset;
    }

    public long length() {
        return length;
    }

    /** Whether AdamW's decoupled weight decay applies (false for biases and norm parameters). */
    public boolean decay() {
        return decay;
    }

    Init init() {
        return init;
    }

    /** The parameter values (a view into the store). */
    public INDArray value() {
        if (value == null) {
            throw new IllegalStateException("parameter '" + name + "' is not allocated yet: call ParamStore.allocate() first");
        }
        return value;
    }

    /** The accumulated gradient (a view into the store). Layers add into it; the trainer zeroes it. */
    public INDArray grad() {
        if (grad == null) {
            throw new IllegalStateException("parameter '" + name + "' is not allocated yet: call ParamStore.allocate() first");
        }
        return grad;
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + (decay ? "" : " (no decay)");
    }
}
