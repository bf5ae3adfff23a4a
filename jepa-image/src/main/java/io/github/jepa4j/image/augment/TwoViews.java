package io.github.jepa4j.image.augment;

import io.github.jepa4j.image.data.ImageDataset;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Two independently augmented views of the same dataset images, for joint-embedding methods
 * (SimCLR, BYOL, VICReg, ...): {@link #fill} writes {@code view1[j] = A(x_j; rng(seed, batch, j,
 * 0))} and {@code view2[j] = A(x_j; rng(seed, batch, j, 1))} into two preallocated batches
 * {@code [n, C, H', W']}, where {@code x_j} is dataset image {@code indices[j]} and {@code A} the
 * augmentation pipeline.
 *
 * <p>Determinism: the generator of view {@code v} of position {@code j} in batch {@code batch} is
 * seeded by {@link #viewSeed(long, long, int, int)}, so the output is a pure function of
 * ({@code seed}, {@code batch}, indices) whatever the thread. Callers pass a batch number that is
 * unique over the run (e.g. {@code epoch * batchesPerEpoch + indexInEpoch}) so that an image gets
 * fresh augmentations every epoch.
 *
 * <p>Thread-safety: {@link #fill} may be called from several threads at once (on different
 * outputs). Each thread lazily gets its own {@link Augmenter} from the factory and a one-image
 * raw buffer {@code [1, C, H, W]}; these are held in a {@link ThreadLocal} and go with the thread.
 */
public final class TwoViews {
    private final ImageDataset dataset;
    private final Supplier<Augmenter> factory;
    private final long seed;
    private final int channels, height, width;
    private final int viewHeight, viewWidth;
    private final ThreadLocal<State> state;

    /** Per-thread working state. */
    private final class State {
        final Augmenter augmenter = newAugmenter();
        final INDArray raw = Nd4j.create(DataType.FLOAT, 1, channels, height, width);
        final FloatPointer rawPointer = new FloatPointer(raw.data().addressPointer());
        final float[] src = new float[channels * height * width];
        final int[] one = new int[1];
    }

    /**
     * @param dataset the images (shape {@code [C, H, W]})
     * @param factory makes one {@link Augmenter} per thread; its output size for {@code H x W}
     *     inputs must not depend on the random draws (true of all steps in this package)
     * @param seed the augmentation seed
     */
    public TwoViews(ImageDataset dataset, Supplier<Augmenter> factory, long seed) {
        if (dataset == null || factory == null) {
            throw new IllegalArgumentException("TwoViews needs a dataset and an augmenter factory");
        }
        this.dataset = dataset;
        this.factory = factory;
        this.seed = seed;
        this.channels = dataset.channels();
        this.height = dataset.height();
        this.width = dataset.width();
        Augmenter probe = factory.get();
        if (probe == null) {
            throw new IllegalArgumentException("TwoViews augmenter factory returned null");
        }
        this.viewHeight = probe.outputHeight(height, width);
        this.viewWidth = probe.outputWidth(height, width);
        if (viewHeight <= 0 || viewWidth <= 0) {
            throw new IllegalArgumentException("augmenter " + probe + " gives " + viewHeight + "x" + viewWidth + " views for "
                    + height + "x" + width + " images of " + dataset.name());
        }
        this.state = ThreadLocal.withInitial(State::new);
    }

    private Augmenter newAugmenter() {
        Augmenter a = factory.get();
        if (a == null) {
            throw new IllegalStateException("TwoViews augmenter factory returned null");
        }
        return a;
    }

    /** The seed of view {@code view} (0 or 1) of position {@code position} in batch {@code batch}. */
    public static long viewSeed(long seed, long batch, int position, int view) {
        long h = mix(seed ^ 0x7A0E_5EED_2B1EL);
        h = mix(h ^ batch);
        return mix(h ^ (2L * position + view));
    }

    /** SplitMix64 finaliser: a bijective 64-bit hash. */
    private static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public ImageDataset dataset() {
        return dataset;
    }

    public long seed() {
        return seed;
    }

    public int channels() {
        return channels;
    }

    /** Height H' of each view. */
    public int viewHeight() {
        return viewHeight;
    }

    /** Width W' of each view. */
    public int viewWidth() {
        return viewWidth;
    }

    /**
     * Writes the two views of images {@code indices} for batch number {@code batch}.
     *
     * @param view1 float32 c-order contiguous {@code [indices.length, C, H', W']}
     * @param view2 the same shape, a different array
     * @throws IllegalArgumentException on a wrong shape, type or layout, or an index the dataset
     *     rejects (and whatever the dataset throws for an unreadable image)
     */
    public void fill(int[] indices, long batch, INDArray view1, INDArray view2) {
        if (indices == null) {
            throw new IllegalArgumentException("TwoViews.fill needs indices");
        }
        FloatPointer p1 = target("view1", indices.length, view1);
        FloatPointer p2 = target("view2", indices.length, view2);
        if (view1 == view2 || p1.address() == p2.address()) {
            throw new IllegalArgumentException("TwoViews.fill needs two different view arrays");
        }
        State st = state.get();
        int n = channels * height * width;
        int m = channels * viewHeight * viewWidth;
        for (int j = 0; j < indices.length; j++) {
            st.one[0] = indices[j];
            dataset.fill(st.one, st.raw);
            st.rawPointer.position(0).get(st.src, 0, n);
            for (int v = 0; v < 2; v++) {
                SplittableRandom rng = new SplittableRandom(viewSeed(seed, batch, j, v));
                FloatImage r = st.augmenter.apply(st.src, channels, height, width, rng);
                if (r.channels() != channels || r.height() != viewHeight || r.width() != viewWidth) {
                    throw new IllegalStateException("augmenter produced [" + r.channels() + ", " + r.height() + ", "
                            + r.width() + "], expected [" + channels + ", " + viewHeight + ", " + viewWidth + "]");
                }
                (v == 0 ? p1 : p2).position((long) j * m).put(r.data(), 0, m);
            }
        }
    }

    private FloatPointer target(String what, int n, INDArray out) {
        if (out == null) {
            throw new IllegalArgumentException("TwoViews.fill " + what + " must not be null");
        }
        long[] want = {n, channels, viewHeight, viewWidth};
        if (!Arrays.equals(out.shape(), want) || out.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("TwoViews.fill " + what + " must be FLOAT " + Arrays.toString(want)
                    + " (indices.length, C, H', W'), got " + out.dataType() + " " + Arrays.toString(out.shape()));
        }
        long[] st = out.stride();
        long expect = 1;
        for (int d = 3; d >= 0; d--) {
            if (want[d] > 1 && st[d] != expect) {
                throw new IllegalArgumentException("TwoViews.fill " + what + " must be c-order contiguous, got strides "
                        + Arrays.toString(st) + " for shape " + Arrays.toString(want));
            }
            expect *= want[d];
        }
        return new FloatPointer(out.data().addressPointer());
    }

    @Override
    public String toString() {
        return "TwoViews[" + dataset.name() + " -> 2 x [" + channels + ", " + viewHeight + ", " + viewWidth + "], seed "
                + seed + "]";
    }
}
