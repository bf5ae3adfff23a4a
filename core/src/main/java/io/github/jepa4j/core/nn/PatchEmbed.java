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
 * row and column, which is the order of the convolution weight. Computed as im2col (one strided
 * {@code assign} of a permuted view of the input into a scratch matrix {@code [B*N, C*tt*p*p]})
 * followed by one GEMM. Backward: {@code dW += g^T cols}, {@code db += sum_rows g},
 * {@code dx = col2im(g W')}; patches do not overlap, so col2im is the inverse permutation, again
 * one {@code assign}. Images are handled as videos with {@code T = tt = 1}.
 *
 * <p>Unlike other layers the input is channel-first, not features-last; otherwise the
 * {@link Layer} contract holds. The input should be c-order and contiguous (else its reshape
 * copies). The gradient w.r.t. the pixels is rarely needed (this is the first layer), so it can
 * be switched off with {@link #setInputGradient}. Weight init truncated normal (std 0.02), bias
 * zero, as I-JEPA; the weight is decayed, the bias not.
 */
public final class PatchEmbed implements Layer {
    private static final int COLS = 0, OUT = 1, DCOLS = 2, DX = 3, BIAS_SUM = 4;
    // im2col axis order over [B, C, gt, tt, gh, p, gw, p]: patch grid first, then the kernel.
    private static final int[] TO_COLS = {0, 2, 4, 6, 1, 3, 5, 7};

    private final boolean video;
    private final int channels;
    private final int tubelet;
    private final int patch;
    private final int dim;
    private final int patchLength;
    private final Param weight;
    private final Param bias;
    private final Scratch scratch = new Scratch(5);
    private boolean inputGradient = true;
    private INDArray cols;
    private long[] inShape;
    private long[] grid8;

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
        this.weight = store.add(name + ".proj.weight", wShape, true, Init.truncNormal(0.02));
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
        grid8 = new long[] {b, channels, g[0], tubelet, g[1], patch, g[2], patch};
        long[] colsShape = permuted(grid8);
        INDArray c = scratch.get(COLS, dt, colsShape);
        c.assign(x.reshape('c', grid8).permute(TO_COLS));
        cols = c.reshape('c', b * n, patchLength);
        INDArray y = scratch.get(OUT, dt, b * n, dim);
        Gemm.mm(cols, weightMatrix(weight.value()), y, false, true);
        y.addiRowVector(bias.value());
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
        INDArray colSum = scratch.get(BIAS_SUM, dt, dim);
        g.sum(colSum, 0);
        bias.grad().addi(colSum);
        if (!inputGradient) {
            return null;
        }
        INDArray dcols = scratch.get(DCOLS, dt, rows, patchLength);
        Gemm.mm(g, weightMatrix(weight.value()), dcols, false, false);
        INDArray dx = scratch.get(DX, dt, inShape);
        dx.reshape('c', grid8).permute(TO_COLS).assign(dcols.reshape('c', permuted(grid8)));
        return dx;
    }

    /** The conv weight (or its gradient) viewed as the {@code [D, C*tt*p*p]} matrix; a view, not a copy. */
    private INDArray weightMatrix(INDArray w) {
        return w.reshape('c', dim, patchLength);
    }

    private static long[] permuted(long[] shape) {
        long[] out = new long[TO_COLS.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = shape[TO_COLS[i]];
        }
        return out;
    }
}
