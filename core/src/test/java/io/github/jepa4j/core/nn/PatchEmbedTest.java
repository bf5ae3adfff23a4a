package io.github.jepa4j.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.core.testing.Close;
import io.github.jepa4j.core.testing.GradCheck;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class PatchEmbedTest {
    private static INDArray randn(long seed, long... shape) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.DOUBLE, shape);
    }

    private static PatchEmbed randomImage(ParamStore store, int c, int p, int d) {
        PatchEmbed pe = PatchEmbed.image(store, "patch_embed", c, p, d);
        store.allocate(3);
        pe.weight().value().assign(randn(11, d, c, p, p));
        pe.bias().value().assign(randn(12, d));
        return pe;
    }

    private static PatchEmbed randomVideo(ParamStore store, int c, int tt, int p, int d) {
        PatchEmbed pe = PatchEmbed.video(store, "patch_embed", c, tt, p, d);
        store.allocate(3);
        pe.weight().value().assign(randn(13, d, c, tt, p, p));
        pe.bias().value().assign(randn(14, d));
        return pe;
    }

    @Test
    void imageEqualsDirectConvolution() {
        int b = 2, c = 3, h = 6, w = 8, p = 2, d = 5;
        ParamStore store = new ParamStore(DataType.DOUBLE);
        PatchEmbed pe = randomImage(store, c, p, d);
        assertArrayEquals(new long[] {d, c, p, p}, store.get("patch_embed.proj.weight").shape());
        assertArrayEquals(new long[] {d}, store.get("patch_embed.proj.bias").shape());
        INDArray x = randn(1, b, c, h, w);
        INDArray y = pe.forward(x);
        int gh = h / p, gw = w / p;
        assertArrayEquals(new long[] {b, gh * gw, d}, y.shape());
        double[] wt = pe.weight().value().dup().data().asDouble();
        double[] bias = pe.bias().value().dup().data().asDouble();
        double[] xs = x.dup().data().asDouble();
        INDArray expected = Nd4j.create(DataType.DOUBLE, b, gh * gw, d);
        for (int bi = 0; bi < b; bi++) {
            for (int r = 0; r < gh; r++) {
                for (int col = 0; col < gw; col++) {
                    for (int o = 0; o < d; o++) {
                        double s = bias[o];
                        for (int ci = 0; ci < c; ci++) {
                            for (int i = 0; i < p; i++) {
                                for (int j = 0; j < p; j++) {
                                    s += wt[((o * c + ci) * p + i) * p + j]
                                            * xs[((bi * c + ci) * h + r * p + i) * w + col * p + j];
                                }
                            }
                        }
                        expected.putScalar(new long[] {bi, r * gw + col, o}, s);
                    }
                }
            }
        }
        Close.assertClose("patch embed vs conv2d", expected, y, 1e-12);
    }

    @Test
    void videoEqualsDirectConvolution() {
        int b = 2, c = 2, t = 4, h = 6, w = 4, tt = 2, p = 2, d = 3;
        ParamStore store = new ParamStore(DataType.DOUBLE);
        PatchEmbed pe = randomVideo(store, c, tt, p, d);
        assertArrayEquals(new long[] {d, c, tt, p, p}, store.get("patch_embed.proj.weight").shape());
        INDArray x = randn(2, b, c, t, h, w);
        INDArray y = pe.forward(x);
        int gt = t / tt, gh = h / p, gw = w / p;
        assertArrayEquals(new long[] {b, gt * gh * gw, d}, y.shape());
        double[] wt = pe.weight().value().dup().data().asDouble();
        double[] bias = pe.bias().value().dup().data().asDouble();
        double[] xs = x.dup().data().asDouble();
        INDArray expected = Nd4j.create(DataType.DOUBLE, b, gt * gh * gw, d);
        for (int bi = 0; bi < b; bi++) {
            for (int ti = 0; ti < gt; ti++) {
                for (int r = 0; r < gh; r++) {
                    for (int col = 0; col < gw; col++) {
                        for (int o = 0; o < d; o++) {
                            double s = bias[o];
                            for (int ci = 0; ci < c; ci++) {
                                for (int k = 0; k < tt; k++) {
                                    for (int i = 0; i < p; i++) {
                                        for (int j = 0; j < p; j++) {
                                            s += wt[(((o * c + ci) * tt + k) * p + i) * p + j]
                                                    * xs[(((bi * c + ci) * t + ti * tt + k) * h + r * p + i) * w + col * p + j];
                                        }
                                    }
                                }
                            }
                            expected.putScalar(new long[] {bi, (ti * gh + r) * gw + col, o}, s);
                        }
                    }
                }
            }
        }
        Close.assertClose("tubelet embed vs conv3d", expected, y, 1e-12);
    }

    @Test
    void imageGradients() {
        ParamStore store = new ParamStore(DataType.DOUBLE);
        PatchEmbed pe = randomImage(store, 2, 2, 3);
        GradCheck.checkLayer("patch embed 2d", pe, store, randn(4, 2, 2, 4, 6), randn(5, 2, 6, 3), 1e-7);
    }

    @Test
    void videoGradients() {
        ParamStore store = new ParamStore(DataType.DOUBLE);
        PatchEmbed pe = randomVideo(store, 2, 2, 2, 3);
        GradCheck.checkLayer("patch embed 3d", pe, store, randn(6, 1, 2, 4, 4, 2), randn(7, 1, 4, 3), 1e-7);
        // tubelet 1 takes the two-step rearrangement path
        ParamStore store1 = new ParamStore(DataType.DOUBLE);
        PatchEmbed pe1 = PatchEmbed.video(store1, "pe1", 2, 1, 2, 3);
        store1.allocate(4);
        GradCheck.checkLayer("patch embed 3d, tubelet 1", pe1, store1, randn(8, 2, 2, 2, 2, 4), randn(9, 2, 4, 3), 1e-7);
    }

    @Test
    void inputGradientCanBeSkipped() {
        ParamStore store = new ParamStore(DataType.DOUBLE);
        PatchEmbed pe = randomImage(store, 1, 2, 2).setInputGradient(false);
        pe.forward(randn(8, 1, 1, 2, 2));
        assertNull(pe.backward(Nd4j.ones(DataType.DOUBLE, 1, 1, 2)));
        // db = sum of upstream gradients over tokens, still accumulated.
        Close.assertClose("bias grad", new double[] {1, 1}, store.get("patch_embed.proj.bias").grad().toDoubleVector(), 1e-15);
    }

    @Test
    void floatMatchesDouble() {
        ParamStore sd = new ParamStore(DataType.DOUBLE);
        PatchEmbed ped = randomImage(sd, 3, 4, 8);
        ParamStore sf = new ParamStore(DataType.FLOAT);
        PatchEmbed pef = PatchEmbed.image(sf, "patch_embed", 3, 4, 8);
        sf.allocate(3);
        sf.params().assign(sd.params());
        INDArray x = randn(9, 2, 3, 8, 12);
        Close.assertClose("float forward", ped.forward(x), pef.forward(x.castTo(DataType.FLOAT)), 1e-5);
    }

    @Test
    void rejectsBadInputs() {
        ParamStore store = new ParamStore(DataType.DOUBLE);
        PatchEmbed img = PatchEmbed.image(store, "img", 3, 4, 8);
        PatchEmbed vid = PatchEmbed.video(store, "vid", 3, 2, 4, 8);
        store.allocate(1);
        assertMessage(() -> img.forward(Nd4j.zeros(DataType.DOUBLE, 3, 8, 8)), "rank 3");
        assertMessage(() -> img.forward(Nd4j.zeros(DataType.DOUBLE, 1, 2, 8, 8)), "3 channels, got 2");
        assertMessage(() -> img.forward(Nd4j.zeros(DataType.DOUBLE, 1, 3, 8, 10)), "8 x 10");
        assertMessage(() -> vid.forward(Nd4j.zeros(DataType.DOUBLE, 1, 3, 8, 8)), "rank 4");
        assertMessage(() -> vid.forward(Nd4j.zeros(DataType.DOUBLE, 1, 3, 3, 8, 8)), "3 x 8 x 8");
        assertMessage(() -> PatchEmbed.image(new ParamStore(DataType.DOUBLE), "bad", 3, 0, 8), "patch=0");
        img.forward(Nd4j.zeros(DataType.DOUBLE, 2, 3, 8, 8));
        assertMessage(() -> img.backward(Nd4j.zeros(DataType.DOUBLE, 2, 3, 8)), "[2, 4, 8]");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String part) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, call);
        assertTrue(ex.getMessage().contains(part), "message '" + ex.getMessage() + "' should contain '" + part + "'");
    }
}
