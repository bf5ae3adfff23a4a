package io.github.jepa4j.core.nn;

import io.github.jepa4j.core.tensor.Gemm;
import io.github.jepa4j.core.tensor.Scratch;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Patch (image) or tubelet (video) embedding: a convolution whose kernel equals its stride,
 * turning a channel-first batch into tokens.
 *
 * <ul>
 *   <li>{@link #image}: {@code x [B, C, H, W] -> y [B, N, D]}, {@code N = (H/p)(W/p)}, token
 *       {@code r * (W/p) + c}; weight {@code [D, C, p, p]} (PyTorch Conv2d, timm's
 *       {@code <name>.proj.weight}), bias {@code [D]} ({@code <name>.proj.bias}).</li>
 *   <li>{@link #video}: {@code x [B, C, T, H, W] -> y [B, N, D]} with tubelets
 *       {@code tt x p x p}, {@code N = (T/tt)(H/p)(W/p)}, token {@code (t * gh + r) * gw + c};
 *       weight {@code [D, C, tt, p, p]} (Conv3d, as V-JEPA), bias {@code [D]}.</li>
 * </ul>
 * {@code y[b, n, :] = W' patch(b, n) + bias} with {@code W'} the weight viewed as
 * {@code [D, C*tt*p*p]} and {@code patch(b, n)} the patch flattened channel-major, then time,
 * row and column, which is the order of the convolution weight. Computed as im2col (the input
 * rearranged into a scratch matrix {@code [B*N, C*tt*p*p]} by two (image) or three (video)
 * strided {@code assign}s of permuted views, no Java loops) followed by one GEMM. Backward:
 * {@code dW += g^T cols}, {@code db += sum_rows g}, {@code dx = col2im(g W')}; patches do not
 * overlap, so col2im is the inverse rearrangement. Images are handled as videos with
 * {@code T = tt = 1}.
 *
 * <p>Unlike other layers the input is channel-first, not features-last; otherwise the
 * {@link Layer} contract holds. The input should be c-order and contiguous (else its reshape
 * copies). The gradient w.r.t. the pixels is rarely needed (this is the first layer), so it can
 * be switched off with {@link #setInputGradient}. Weight init truncated LeCun normal (std 1/sqrt(C*tt*p*p)), bias
 * zero; the weight is decayed, the bias not.
 */
public final class PatchEmbed implements Layer {
    private static final int COLS = 0, OUT = 1, DCOLS = 2, DX = 3, BIAS_SUM = 4, TMP = 5;

    private final boolean video;
    private final int channels;
    private final int tubelet;
    private final int patch;
    private final int dim;
    private final int patchLength;
    private final Param weight;
    private final Param bias;
    private final Scratch scratch = new Scratch(6);
    private boolean inputGradient = true;
    private INDArray cols;
    private long[] inShape;
    private long[] dims; // B, gt, gh, gw of the last forward

    private PatchEmbed(ParamStore store, String name, boolean video, int channels, int tubelet, int patch, int dim) {
        if (channels <= 0 || tubelet <= 0 || patch <= 0 || dim <= 0) {
            throw new IllegalArgumentException("PatchEmbed '" + name + "' needs positive sizes, got channels=" + channels
                    + " tubelet=" + tubelet + " patch=" + patch + " dim=" + dim);
        }
        this.video = video;
        this.channels = channels;
        this.tubelet = tubelet;
        this.patch = patch;
        this.dim = dim;
        this.patchLength = channels * tubelet * patch * patch;
        long[] wShape = video ? new long[] {dim, channels, tubelet, patch, patch} : new long[] {dim, channels, patch, patch};
        // LeCun-normal (std 1/sqrt(fan_in)), as timm's jax-style ViT init for the patch embedding. I-JEPA's
        // fixed std 0.02 suits 16x16x3 patches (fan_in 768: 1/sqrt(768) = 0.036) but makes the image
        // signal of small patches (4x4x1: fan_in 16) some 30x weaker than the position embedding.
        this.weight = store.add(name + ".proj.weight", wShape, true, Init.truncNormal(1.0 / Math.sqrt(patchLength)));
        this.bias = store.add(name + ".proj.bias", new long[] {dim}, false, Init.zeros());
    }

    /** Image patches: {@code [B, C, H, W] -> [B, (H/p)(W/p), D]}. */
    public static PatchEmbed image(ParamStore store, String name, int channels, int patch, int dim) {
        return new PatchEmbed(store, name, false, channels, 1, patch, dim);
    }

    /** Video tubelets: {@code [B, C, T, H, W] -> [B, (T/tt)(H/p)(W/p), D]}. */
    public static PatchEmbed video(ParamStore store, String name, int channels, int tubelet, int patch, int dim) {
        return new PatchEmbed(store, name, true, channels, tubelet, patch, dim);
    }

    public boolean isVideo() {
        return video;
    }

    public int channels() {
        return channels;
    }

    /** Temporal tubelet size (1 for images). */
    public int tubelet() {
        return tubelet;
    }

    public int patch() {
        return patch;
    }

    public int dim() {
        return dim;
    }

    /** Weight {@code [D, C, p, p]} (image) or {@code [D, C, tt, p, p]} (video). */
    public Param weight() {
        return weight;
    }

    public Param bias() {
        return bias;
    }

    /** Whether {@link #backward} computes dL/dx (default true); when false it returns null. */
    public PatchEmbed setInputGradient(boolean enabled) {
        this.inputGradient = enabled;
        return this;
    }

    /**
     * The token grid {@code {T/tt, H/p, W/p}} of an input of the given shape ({@code T/tt = 1}
     * for images), after validating rank, channels and divisibility.
     */
    public int[] grid(long[] inputShape) {
        int rank = video ? 5 : 4;
        String layout = video ? "[B, C, T, H, W]" : "[B, C, H, W]";
        if (inputShape.length != rank) {
            throw new IllegalArgumentException("PatchEmbed expects " + layout + ", got rank " + inputShape.length
                    + " " + Arrays.toString(inputShape));
        }
        if (inputShape[1] != channels) {
            throw new IllegalArgumentException("PatchEmbed expects " + channels + " channels, got " + inputShape[1]
                    + " in " + Arrays.toString(inputShape));
        }
        long t = video ? inputShape[2] : 1;
        long h = inputShape[rank - 2];
        long w = inputShape[rank - 1];
        if (t % tubelet != 0 || h % patch != 0 || w % patch != 0 || t == 0 || h == 0 || w == 0) {
            throw new IllegalArgumentException("PatchEmbed: input " + (video ? "T x H x W = " + t + " x " : "H x W = ")
                    + h + " x " + w + " is not divisible by the " + (video ? "tubelet " + tubelet + " x " : "patch ")
                    + patch + " x " + patch);
        }
        return new int[] {(int) (t / tubelet), (int) (h / patch), (int) (w / patch)};
    }

    @Override
    public INDArray forward(INDArray x) {
        int[] g = grid(x.shape());
        long b = x.size(0);
        long n = (long) g[0] * g[1] * g[2];
        var dt = x.dataType();
        inShape = x.shape();
        dims = new long[] {b, g[0], g[1], g[2]};
        long total = b * n * patchLength;
        // im2col: [B, C, gt, tt, gh, p, gw, p] -> [B, gt, gh, gw, C, tt, p, p] as two or three
        // rank-4 middle-axis swaps (see swap), ending in the COLS slot.
        INDArray a = scratch.get(tubelet > 1 ? COLS : TMP, dt, total);
        swap(x, b * channels * g[0] * tubelet * g[1], patch, g[2], patch, a);
        if (tubelet > 1) {
            INDArray t = scratch.get(TMP, dt, total);
            swap(a, b * channels * g[0], tubelet, (long) g[1] * g[2], (long) patch * patch, t);
            a = t;
        }
        INDArray c = scratch.get(COLS, dt, total);
        swap(a, b, channels, n, (long) tubelet * patch * patch, c);
        cols = c.reshape('c', b * n, patchLength);
        INDArray y = scratch.get(OUT, dt, b * n, dim);
        Gemm.affine(cols, weightMatrix(weight.value()), bias.value(), y);
        return y.reshape('c', b, n, dim);
    }

    @Override
    public INDArray backward(INDArray gradOut) {
        if (cols == null) {
            throw new IllegalStateException("backward before forward");
        }
        long rows = cols.size(0);
        if (gradOut.rank() != 3 || gradOut.size(0) != inShape[0] || gradOut.size(0) * gradOut.size(1) != rows
                || gradOut.size(2) != dim) {
            throw new IllegalArgumentException("PatchEmbed gradient must be [" + inShape[0] + ", " + rows / inShape[0]
                    + ", " + dim + "], got " + Arrays.toString(gradOut.shape()));
        }
        INDArray g = Layer.rows(gradOut);
        var dt = g.dataType();
        Gemm.mm(g, cols, weightMatrix(weight.grad()), true, false, 1.0, 1.0);
        Gemm.addColumnSums(g, bias.grad());
        if (!inputGradient) {
            return null;
        }
        INDArray dcols = scratch.get(DCOLS, dt, rows, patchLength);
        Gemm.mm(g, weightMatrix(weight.value()), dcols, false, false);
        // col2im: the forward swaps inverted, in reverse order (patches do not overlap).
        long b = dims[0], gt = dims[1], gh = dims[2], gw = dims[3];
        long total = rows * patchLength;
        INDArray a = scratch.get(TMP, dt, total);
        swap(dcols, b, gt * gh * gw, channels, (long) tubelet * patch * patch, a);
        if (tubelet > 1) {
            // dcols is consumed: reuse its memory (a long[] avoids the reshape(long, long) overload)
            INDArray t = dcols.reshape('c', new long[] {total});
            swap(a, b * channels * gt, gh * gw, tubelet, (long) patch * patch, t);
            a = t;
        }
        INDArray dx = scratch.get(DX, dt, inShape);
        swap(a, b * channels * gt * tubelet * gh, gw, patch, patch, dx);
        return dx;
    }

    /**
     * {@code dst[i, k, j, l] = src[i, j, k, l]} with {@code src} viewed as {@code [a, m, n, z]} and
     * {@code dst} (c-order, contiguous) as {@code [a, n, m, z]}. The im2col permutation is split
     * into such rank-4 swaps because libnd4j's strided assign at rank 4 was measured ~5x faster
     * than one rank-8 (or rank-6) permuted assign: 3-4 ms vs 14-17 ms for a 16x3x224x224 image
     * batch with p = 16, 7-8 ms vs 34-40 ms for a 2x3x16x224x224 clip with 2x16x16 tubelets.
     */
    private static void swap(INDArray src, long a, long m, long n, long z, INDArray dst) {
        dst.reshape('c', a, n, m, z).assign(src.reshape('c', a, m, n, z).permute(0, 2, 1, 3));
    }

    /** The conv weight (or its gradient) viewed as the {@code [D, C*tt*p*p]} matrix; a view, not a copy. */
    private INDArray weightMatrix(INDArray w) {
        return w.reshape('c', dim, patchLength);
    }

}
