package io.github.jepa4j.image.augment;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An ordered pipeline of {@link Augmentation} steps applied to one float image {@code [C, H, W]},
 * producing {@code [C, H', W']} where {@code H', W'} follow from the steps ({@link
 * #outputHeight}, {@link #outputWidth}; e.g. a {@link RandomResizedCrop} fixes them).
 *
 * <p>Randomness: every random choice is drawn from the {@link SplittableRandom} passed to {@link
 * #apply}, in step order, so the same generator seed gives the same output bit for bit.
 *
 * <p>Input values: geometric steps ({@link RandomResizedCrop}, {@link Resize}, {@link
 * HorizontalFlip}) and {@link GaussianBlur} are linear, so they act the same on normalised and
 * raw images; {@link ColorJitter} works on intensities in [0, 1] and must be told the
 * normalisation of normalised inputs ({@link ColorJitter#withNormalisation}). Images from an
 * {@code ImageDataset} are normalised.
 *
 * <p>Thread-safety: an Augmenter is NOT thread-safe; it owns two reusable {@link FloatImage}
 * buffers (so it allocates nothing once it has seen its largest image). Use one instance per
 * thread, made by a {@link #factory} {@code Supplier<Augmenter>}; the steps themselves are
 * immutable and shared.
 */
public final class Augmenter {
    private final List<Augmentation> steps;
    private FloatImage current = new FloatImage();
    private FloatImage spare = new FloatImage();

    private Augmenter(List<Augmentation> steps) {
        this.steps = steps;
    }

    /** A pipeline applying {@code steps} in order (none: the identity). */
    public static Augmenter of(Augmentation... steps) {
        return of(Arrays.asList(steps));
    }

    /** A pipeline applying {@code steps} in order (none: the identity). */
    public static Augmenter of(List<Augmentation> steps) {
        if (steps == null) {
            throw new IllegalArgumentException("Augmenter steps must not be null");
        }
        List<Augmentation> copy = new ArrayList<>(steps);
        for (int i = 0; i < copy.size(); i++) {
            if (copy.get(i) == null) {
                throw new IllegalArgumentException("Augmenter step " + i + " is null");
            }
        }
        return new Augmenter(Collections.unmodifiableList(copy));
    }

    /** A factory of independent Augmenters (one per thread) sharing the immutable {@code steps}. */
    public static Supplier<Augmenter> factory(Augmentation... steps) {
        Augmenter first = of(steps); // validates once
        return first::copy;
    }

    /**
     * The usual joint-embedding (SimCLR / VICReg style) view recipe for images normalised by
     * {@code mean, std}: {@link RandomResizedCrop} to {@code height x width} (scale 0.08..1,
     * ratio 3/4..4/3), {@link HorizontalFlip} (p 0.5), {@link ColorJitter} brightness 0.4,
     * contrast 0.4, saturation 0.2 with p 0.8, {@link GaussianBlur} p 0.5, sigma 0.1..2.
     */
    public static Supplier<Augmenter> standardViews(int height, int width, double[] mean, double[] std) {
        return factory(new RandomResizedCrop(height, width), new HorizontalFlip(),
                new ColorJitter(0.4, 0.4, 0.2).withProbability(0.8).withNormalisation(mean, std), new GaussianBlur());
    }

    /** A new Augmenter with the same steps and its own buffers. */
    public Augmenter copy() {
        return new Augmenter(steps);
    }

    /** The steps, in order (unmodifiable). */
    public List<Augmentation> steps() {
        return steps;
    }

    /** Output height for an {@code h x w} input. */
    public int outputHeight(int h, int w) {
        for (Augmentation s : steps) {
            int nh = s.outputHeight(h, w);
            w = s.outputWidth(h, w);
            h = nh;
        }
        return h;
    }

    /** Output width for an {@code h x w} input. */
    public int outputWidth(int h, int w) {
        for (Augmentation s : steps) {
            int nh = s.outputHeight(h, w);
            w = s.outputWidth(h, w);
            h = nh;
        }
        return w;
    }

    /**
     * Augments the image {@code src[0, c h w)} ({@code [c, h, w]} c-order; not modified).
     *
     * @return the result, an internal buffer valid until the next call
     */
    public FloatImage apply(float[] src, int c, int h, int w, SplittableRandom rng) {
        current.set(src, c, h, w);
        return run(rng);
    }

    /**
     * Augments {@code image} ({@code [C, H, W]} float32, c-order contiguous, e.g. one image of a
     * batch; not modified) into {@code out} ({@code [C, H', W']} float32, c-order contiguous).
     */
    public void apply(INDArray image, SplittableRandom rng, INDArray out) {
        long[] in = checkImage("input", image);
        int c = (int) in[0], h = (int) in[1], w = (int) in[2];
        current.reshape(c, h, w);
        new FloatPointer(image.data().addressPointer()).get(current.data(), 0, current.size());
        long[] want = {c, outputHeight(h, w), outputWidth(h, w)};
        long[] got = checkImage("output", out);
        if (!Arrays.equals(want, got)) {
            throw new IllegalArgumentException("Augmenter output must have shape " + Arrays.toString(want) + " for input "
                    + Arrays.toString(in) + ", got " + Arrays.toString(got));
        }
        FloatImage r = run(rng);
        new FloatPointer(out.data().addressPointer()).put(r.data(), 0, r.size());
    }

    private FloatImage run(SplittableRandom rng) {
        if (rng == null) {
            throw new IllegalArgumentException("Augmenter needs a random generator");
        }
        for (Augmentation s : steps) {
            int h = current.height(), w = current.width();
            int wantH = s.outputHeight(h, w), wantW = s.outputWidth(h, w);
            FloatImage r = s.apply(current, spare, rng);
            if (r == spare) {
                spare = current;
                current = r;
            } else if (r != current) {
                throw new IllegalStateException(s + " returned an image that is neither its input nor its spare buffer");
            }
            if (current.height() != wantH || current.width() != wantW) {
                throw new IllegalStateException(s + " produced " + current.height() + "x" + current.width()
                        + " but declared " + wantH + "x" + wantW + " for a " + h + "x" + w + " input");
            }
        }
        return current;
    }

    /** Checks a rank-3 float32 c-order contiguous array and returns its shape. */
    static long[] checkImage(String what, INDArray a) {
        if (a == null) {
            throw new IllegalArgumentException("Augmenter " + what + " must not be null");
        }
        long[] shape = a.shape();
        if (shape.length != 3 || a.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("Augmenter " + what + " must be a FLOAT [C, H, W] image, got " + a.dataType()
                    + " " + Arrays.toString(shape));
        }
        long[] st = a.stride();
        long expect = 1;
        for (int d = 2; d >= 0; d--) {
            if (shape[d] > 1 && st[d] != expect) {
                throw new IllegalArgumentException("Augmenter " + what + " must be c-order contiguous, got strides "
                        + Arrays.toString(st) + " for shape " + Arrays.toString(shape));
            }
            expect *= shape[d];
        }
        return shape;
    }

    @Override
    public String toString() {
        return "Augmenter" + steps;
    }
}
