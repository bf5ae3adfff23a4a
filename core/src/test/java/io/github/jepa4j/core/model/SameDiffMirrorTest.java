package io.github.jepa4j.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.core.nn.Param;
import io.github.jepa4j.core.nn.ParamStore;
import io.github.jepa4j.core.testing.Close;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The SameDiff export computes the same function as our {@link VisionTransformer}, and SameDiff's
 * autodiff gradients of it equal our hand-written backward: an independent oracle for the whole
 * encoder's parameter gradients (every parameter, not a finite-difference sample).
 */
class SameDiffMirrorTest {
    private static final String PREFIX = "encoder.";

    /** 1x8x8 images, patch 4 (4 tokens), D=8, depth 2, 2 heads, MLP 16. */
    private static VitConfig image() {
        return new VitConfig(1, 8, 8, 1, 4, 1, 8, 2, 2, 16, 1e-6);
    }

    /** 2x4x8x8 clips, tubelets 2x4x4 (8 tokens), D=8 (3-D sin-cos needs D % 8 == 0). */
    private static VitConfig video() {
        return new VitConfig(2, 8, 8, 4, 4, 2, 8, 2, 2, 16, 1e-6);
    }

    private record Model(ParamStore store, VisionTransformer encoder) {}

    /** An encoder with every parameter random (LN gains around 1, biases non-zero). */
    private static Model model(VitConfig cfg, long seed) {
        ParamStore store = new ParamStore(DataType.DOUBLE);
        VisionTransformer enc = new VisionTransformer(cfg, store, PREFIX);
        store.allocate(seed);
        Nd4j.getRandom().setSeed(seed);
        for (Param p : store.list()) {
            INDArray r = Nd4j.randn(DataType.DOUBLE, p.shape());
            boolean gain = p.name().matches(".*norm\\d?\\.weight");
            p.value().assign(gain ? r.muli(0.2).addi(1.0) : r.muli(0.3));
        }
        return new Model(store, enc);
    }

    private static INDArray input(VitConfig cfg, int batch, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return cfg.isVideo()
                ? Nd4j.randn(DataType.DOUBLE, batch, cfg.channels(), cfg.frames(), cfg.height(), cfg.width())
                : Nd4j.randn(DataType.DOUBLE, batch, cfg.channels(), cfg.height(), cfg.width());
    }

    private static INDArray run(SameDiff sd, INDArray x) {
        return sd.outputSingle(Map.of(SameDiffExport.INPUT, x), SameDiffExport.OUTPUT);
    }

    @Test
    void imageForwardMatches() {
        VitConfig cfg = image();
        Model m = model(cfg, 1);
        SameDiff sd = m.encoder().toSameDiff(m.store());
        for (int batch : new int[] {1, 3}) {
            INDArray x = input(cfg, batch, 10 + batch);
            INDArray ours = m.encoder().forward(x).dup();
            assertArrayEquals(new long[] {batch, cfg.numTokens(), cfg.dim()}, ours.shape());
            Close.assertClose("image forward, batch " + batch, ours, run(sd, x), 1e-9);
        }
    }

    @Test
    void imageGradientsMatch() {
        checkGradients(image(), 2);
    }

    @Test
    void videoForwardMatches() {
        VitConfig cfg = video();
        Model m = model(cfg, 3);
        SameDiff sd = SameDiffExport.toSameDiff(m.encoder(), m.store());
        INDArray x = input(cfg, 2, 30);
        Close.assertClose("video forward", m.encoder().forward(x).dup(), run(sd, x), 1e-9);
    }

    @Test
    void videoGradientsMatch() {
        checkGradients(video(), 2);
    }

    /** loss = sum(output * upstream): SameDiff's gradient of every variable vs store.grads(). */
    private static void checkGradients(VitConfig cfg, int batch) {
        Model m = model(cfg, 5);
        INDArray x = input(cfg, batch, 50);
        Nd4j.getRandom().setSeed(51);
        INDArray upstream = Nd4j.randn(DataType.DOUBLE, batch, cfg.numTokens(), cfg.dim());

        SameDiff sd = m.encoder().toSameDiff(m.store());
        SDVariable up = sd.constant("upstream", upstream);
        SDVariable loss = sd.getVariable(SameDiffExport.OUTPUT).mul(up).sum();
        sd.setLossVariables(loss);
        List<String> names = new ArrayList<>();
        for (Param p : m.store().list()) {
            names.add(p.name().substring(PREFIX.length()));
        }
        Map<String, INDArray> expected = sd.calculateGradients(Map.of(SameDiffExport.INPUT, x), names);

        m.store().zeroGrads();
        m.encoder().forward(x);
        m.encoder().backward(upstream);
        for (Param p : m.store().list()) {
            String name = p.name().substring(PREFIX.length());
            INDArray e = expected.get(name);
            assertTrue(e != null, "SameDiff gave no gradient for " + name);
            assertTrue(e.norm2Number().doubleValue() > 1e-6, "degenerate test: zero gradient for " + name);
            Close.assertClose("d loss / d " + name, e, p.grad(), 1e-8);
        }
    }

    @Test
    void variablesAreCopiesWithTimmNames() {
        VitConfig cfg = image();
        Model m = model(cfg, 7);
        SameDiff sd = m.encoder().toSameDiff(m.store());
        for (Param p : m.store().list()) {
            String name = p.name().substring(PREFIX.length());
            INDArray v = sd.getVariable(name).getArr();
            Close.assertClose(name, p.value(), v, 0);
        }
        long trainable = sd.variables().stream().filter(v -> v.getVariableType() == VariableType.VARIABLE).count();
        assertEquals(m.store().list().size(), trainable, "one trainable variable per parameter");
        // A copy: training our encoder afterwards leaves the exported graph unchanged.
        INDArray before = sd.getVariable("norm.bias").getArr().dup();
        m.store().params().addi(1.0);
        Close.assertClose("exported norm.bias after the store changed", before, sd.getVariable("norm.bias").getArr(), 0);
    }

    @Test
    void savedGraphLoadsAndGivesTheSameOutput(@TempDir Path dir) {
        for (VitConfig cfg : new VitConfig[] {image(), video()}) {
            Model m = model(cfg, 9);
            INDArray x = input(cfg, 2, 90);
            INDArray ours = m.encoder().forward(x).dup();
            File file = dir.resolve((cfg.isVideo() ? "video" : "image") + ".sd").toFile();
            m.encoder().toSameDiff(m.store()).save(file, true);
            SameDiff loaded = SameDiff.load(file, true);
            Close.assertClose("loaded graph output (" + (cfg.isVideo() ? "video" : "image") + ")", ours, run(loaded, x), 1e-9);
        }
    }

    @Test
    void refusesAStoreThatDoesNotHoldTheEncoder() {
        Model a = model(image(), 11);
        Model b = model(image(), 12);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SameDiffExport.toSameDiff(a.encoder(), b.store()));
        assertTrue(e.getMessage().contains("not in the given store"), e.getMessage());
        ParamStore unallocated = new ParamStore(DataType.DOUBLE);
        VisionTransformer c = new VisionTransformer(image(), unallocated, "");
        assertThrows(IllegalArgumentException.class, () -> SameDiffExport.toSameDiff(c, unallocated));
    }
}
