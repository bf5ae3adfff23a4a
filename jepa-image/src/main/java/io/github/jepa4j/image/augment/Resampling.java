package io.github.jepa4j.image.augment;

/**
 * Separable resampling of a crop box of a {@link FloatImage} with a triangle (bilinear) filter
 * widened by the downscale factor, i.e. bilinear interpolation with antialiasing (as PIL's and
 * torchvision's {@code antialias=True} bilinear resize).
 *
 * <p>Along an axis, output sample {@code o} of {@code out} covering input {@code [x0, x0 + len)}
 * sits at {@code t = x0 + (o + 1/2) s} with {@code s = len / out} (half-pixel centres); input
 * pixel {@code i} gets weight {@code max(0, 1 - |i + 1/2 - t| / max(s, 1))}, restricted to the box
 * and normalised to sum 1. For {@code s = 1} this is the identity; for {@code s < 1} it is plain
 * bilinear interpolation with clamped borders.
 */
final class Resampling {
    private Resampling() {}

    /** Per-output-sample taps along one axis. */
    private static final class Taps {
        final int[] start;
        final int[] count;
        final float[] weights;
        final int stride;

        Taps(int x0, int len, int out) {
            double s = (double) len / out;
            double support = Math.max(s, 1);
            stride = (int) Math.ceil(2 * support) + 2;
            start = new int[out];
            count = new int[out];
            weights = new float[out * stride];
            double[] w = new double[stride];
            for (int o = 0; o < out; o++) {
                double t = x0 + (o + 0.5) * s;
                int lo = Math.max(x0, (int) Math.floor(t - support));
                int hi = Math.min(x0 + len, (int) Math.ceil(t + support));
                double sum = 0;
                for (int i = lo; i < hi; i++) {
                    double v = Math.max(0, 1 - Math.abs(i + 0.5 - t) / support);
                    w[i - lo] = v;
                    sum += v;
                }
                start[o] = lo;
                count[o] = hi - lo;
                for (int k = 0; k < hi - lo; k++) {
                    weights[o * stride + k] = (float) (w[k] / sum);
                }
            }
        }
    }

    /**
     * Resamples the box rows {@code [y0, y0 + bh)}, columns {@code [x0, x0 + bw)} of {@code image}
     * to {@code outH x outW}, using {@code spare} as the intermediate. The result is written into
     * {@code image} (reshaped), which is returned.
     */
    static FloatImage resample(FloatImage image, FloatImage spare, int y0, int x0, int bh, int bw, int outH, int outW) {
        int c = image.channels();
        int h = image.height();
        int w = image.width();
        if (y0 < 0 || x0 < 0 || bh <= 0 || bw <= 0 || y0 + bh > h || x0 + bw > w || outH <= 0 || outW <= 0) {
            throw new IllegalArgumentException("resample box rows [" + y0 + ", " + (y0 + bh) + ") cols [" + x0 + ", "
                    + (x0 + bw) + ") to " + outH + "x" + outW + " does not fit a " + h + "x" + w + " image");
        }
        Taps tx = new Taps(x0, bw, outW);
        Taps ty = new Taps(y0, bh, outH);
        // Horizontal pass: box rows -> spare [c, bh, outW].
        float[] src = image.data();
        float[] mid = spare.reshape(c, bh, outW).data();
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < bh; y++) {
                int row = (ch * h + y0 + y) * w;
                int dst = (ch * bh + y) * outW;
                for (int o = 0; o < outW; o++) {
                    int s0 = row + tx.start[o];
                    int wo = o * tx.stride;
                    float acc = 0;
                    for (int k = 0, n = tx.count[o]; k < n; k++) {
                        acc += tx.weights[wo + k] * src[s0 + k];
                    }
                    mid[dst + o] = acc;
                }
            }
        }
        // Vertical pass: spare -> image [c, outH, outW] (the source is no longer needed).
        float[] out = image.reshape(c, outH, outW).data();
        for (int ch = 0; ch < c; ch++) {
            int plane = ch * bh * outW;
            for (int o = 0; o < outH; o++) {
                int r0 = plane + (ty.start[o] - y0) * outW;
                int wo = o * ty.stride;
                int n = ty.count[o];
                int dst = (ch * outH + o) * outW;
                for (int x = 0; x < outW; x++) {
                    float acc = 0;
                    for (int k = 0; k < n; k++) {
                        acc += ty.weights[wo + k] * mid[r0 + k * outW + x];
                    }
                    out[dst + x] = acc;
                }
            }
        }
        return image;
    }
}
