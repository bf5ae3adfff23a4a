package io.github.jepa4j.core.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * All parameters of a model in one contiguous buffer, all gradients in another of the same
 * layout, each parameter a named view of both.
 *
 * <p>Two phases: layers {@link #add register} parameters while the model is built, then
 * {@link #allocate} creates the flat buffers, binds every {@link Param}'s views and initialises
 * the values. Because the whole model is one buffer, AdamW, gradient clipping, zeroing, the EMA
 * update and checkpointing are each a single fused operation ({@link #params()},
 * {@link #grads()}, {@link #decayMask()}).
 *
 * <p>Registration order is layout order: two stores built by the same model code have identical
 * layouts, which is what lets an EMA target be a second store updated from a slice of the first.
 */
public final class ParamStore {
    private final DataType dtype;
    private final Map<String, Param> byName = new LinkedHashMap<>();
    private final List<Param> list = new ArrayList<>();
    private long size;
    private INDArray params;
    private INDArray grads;
    private INDArray decayMask;

    public ParamStore(DataType dtype) {
        if (!dtype.isFPType()) {
            throw new IllegalArgumentException("parameters must be floating point, got " + dtype);
        }
        this.dtype = dtype;
    }

    /**
     * Registers a parameter. Names must be unique; by convention they are dotted paths such as
     * {@code blocks.0.attn.qkv.weight}.
     */
    public Param add(String name, long[] shape, boolean decay, Init init) {
        if (params != null) {
            throw new IllegalStateException("cannot add parameter '" + name + "': the store is already allocated");
        }
        if (byName.containsKey(name)) {
            throw new IllegalArgumentException("duplicate parameter name '" + name + "'");
        }
        for (long s : shape) {
            if (s <= 0) {
                throw new IllegalArgumentException("parameter '" + name + "' has a non-positive dimension: " + java.util.Arrays.toString(shape));
            }
        }
        Param p = new Param(name, shape, size, decay, init);
        size += p.length();
        byName.put(name, p);
        list.add(p);
        return p;
    }

    /**
     * Allocates the flat buffers (detached from any workspace), binds all views and initialises
     * each parameter from a stream seeded by {@code seed} and the parameter's name, so adding a
     * layer does not change the initial values of the others.
     */
    public ParamStore allocate(long seed) {
        if (params != null) {
            throw new IllegalStateException("store already allocated");
        }
        if (size == 0) {
            throw new IllegalStateException("no parameters registered");
        }
        params = Nd4j.createUninitializedDetached(dtype, size);
        grads = Nd4j.createUninitializedDetached(dtype, size);
        grads.assign(0);
        double[] mask = new double[(int) size];
        for (Param p : list) {
            INDArray v = view(params, p);
            INDArray g = view(grads, p);
            p.bind(v, g);
            double[] init = new double[(int) p.length()];
            SplittableRandom rng = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (p.name().hashCode() + 1L)));
            p.init().fill(init, p.shape(), rng);
            v.assign(Nd4j.createFromArray(init).castTo(dtype).reshape('c', p.shape()));
            if (p.decay()) {
                java.util.Arrays.fill(mask, (int) p.offset(), (int) (p.offset() + p.length()), 1.0);
            }
        }
        decayMask = Nd4j.createFromArray(mask).castTo(dtype);
        return this;
    }

    /**
     * Binds this store's parameters to the buffers of {@code source} instead of allocating: a second
     * instance of a model, with its own work buffers, over the same weights (e.g. to encode part of
     * a batch on another thread). Both stores must have been built by the same model code (equal
     * {@link #layoutSignature()} and data type); updates through either are seen by both.
     */
    public ParamStore shareFrom(ParamStore source) {
        if (params != null) {
            throw new IllegalStateException("store already allocated");
        }
        source.requireAllocated();
        if (dtype != source.dtype || !layoutSignature().equals(source.layoutSignature())) {
            throw new IllegalArgumentException("cannot share parameters: this store holds " + size + " " + dtype
                    + " values in another layout than the source's " + source.size + " " + source.dtype);
        }
        params = source.params;
        grads = source.grads;
        decayMask = source.decayMask;
        bindViews();
        return this;
    }

    /**
     * Binds this store's parameters to the first {@link #size()} values of {@code source}'s
     * parameter buffer, with gradient buffers of its own (zeroed): a second instance of the leading
     * models of {@code source} (e.g. encoder and predictor, without the regularizers after them)
     * that computes gradients for another part of a batch on another thread. This store's layout
     * must be a prefix of the source's: the same names and shapes in the same order.
     */
    public ParamStore shareParamsOf(ParamStore source) {
        if (params != null) {
            throw new IllegalStateException("store already allocated");
        }
        source.requireAllocated();
        String mine = layoutSignature();
        if (dtype != source.dtype || size > source.size || !source.layoutSignature().startsWith(mine)) {
            throw new IllegalArgumentException("cannot share parameters: this store's " + size + " " + dtype
                    + " values are not the leading layout of the source's " + source.size + " " + source.dtype);
        }
        params = source.params.get(NDArrayIndex.interval(0, size));
        grads = Nd4j.createUninitializedDetached(dtype, size);
        grads.assign(0);
        decayMask = source.decayMask.get(NDArrayIndex.interval(0, size));
        bindViews();
        return this;
    }

    /** Each parameter's value and gradient as views of the flat buffers. */
    private void bindViews() {
        for (Param p : list) {
            p.bind(view(params, p), view(grads, p));
        }
    }

    private static INDArray view(INDArray flat, Param p) {
        return flat.get(NDArrayIndex.interval(p.offset(), p.offset() + p.length())).reshape('c', p.shape());
    }

    public boolean isAllocated() {
        return params != null;
    }

    public DataType dtype() {
        return dtype;
    }

    /** Number of scalar parameters. */
    public long size() {
        return size;
    }

    /** The flat parameter buffer, shape [size]. */
    public INDArray params() {
        requireAllocated();
        return params;
    }

    /** The flat gradient buffer, shape [size]. */
    public INDArray grads() {
        requireAllocated();
        return grads;
    }

    /** 1 where weight decay applies, 0 for biases and norm parameters; shape [size]. */
    public INDArray decayMask() {
        requireAllocated();
        return decayMask;
    }

    public void zeroGrads() {
        requireAllocated();
        grads.assign(0);
    }

    /** Parameters in layout order. */
    public List<Param> list() {
        return Collections.unmodifiableList(list);
    }

    public Param get(String name) {
        Param p = byName.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no parameter named '" + name + "'");
        }
        return p;
    }

    /**
     * The contiguous flat range [from, to) of the parameter buffer, e.g. the encoder's slice of a
     * store holding encoder, predictor and regularizer parameters.
     */
    public INDArray paramRange(long from, long to) {
        requireAllocated();
        return params.get(NDArrayIndex.interval(from, to));
    }

    /** The same range of the gradient buffer. */
    public INDArray gradRange(long from, long to) {
        requireAllocated();
        return grads.get(NDArrayIndex.interval(from, to));
    }

    /** Layout signature (names and shapes in order), used to refuse mismatched checkpoints. */
    public String layoutSignature() {
        StringBuilder sb = new StringBuilder();
        for (Param p : list) {
            sb.append(p.name()).append(java.util.Arrays.toString(p.shape())).append(';');
        }
        return sb.toString();
    }

    private void requireAllocated() {
        if (params == null) {
            throw new IllegalStateException("the parameter store is not allocated yet: call allocate() after building the model");
        }
    }
}
