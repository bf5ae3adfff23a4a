package io.github.jepa4j.core.tensor;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A layer's private, reusable work buffers, one growable flat slot per intermediate.
 *
 * <p>{@link #get} returns a c-order view over the prefix of the slot's buffer. A slot is
 * reallocated only when a larger shape arrives (or the data type changes), so after the first
 * step of a given size no native memory is allocated per step. Views returned for a slot are
 * overwritten by the next {@code get} of that slot: callers keep a buffer only as long as the
 * layer contract says (until the next forward).
 */
public final class Scratch {
    private final INDArray[] flat;

    public Scratch(int slots) {
        this.flat = new INDArray[slots];
    }

    /** A c-order view of the given shape over slot {@code slot}; contents are unspecified. */
    public INDArray get(int slot, DataType dtype, long... shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        INDArray buf = flat[slot];
        if (buf == null || buf.length() < n || buf.dataType() != dtype) {
            // Grow geometrically so token counts that vary per batch settle quickly.
            long cap = buf == null || buf.dataType() != dtype ? n : Math.max(n, buf.length() + buf.length() / 2);
            buf = Nd4j.createUninitializedDetached(dtype, Math.max(cap, 1));
            flat[slot] = buf;
        }
        INDArray prefix = n == buf.length() ? buf : buf.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, n));
        return prefix.reshape('c', shape);
    }

    /** Like {@link #get} but zero-filled. */
    public INDArray zeros(int slot, DataType dtype, long... shape) {
        INDArray a = get(slot, dtype, shape);
        a.assign(0);
        return a;
    }

    /** Total elements held, for memory accounting. */
    public long capacity() {
        long n = 0;
        for (INDArray a : flat) {
            if (a != null) {
                n += a.length();
            }
        }
        return n;
    }
}
