package io.github.jepa4j.regularizers.anticollapse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.jepa4j.core.task.AntiCollapse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class AntiCollapseRegistryTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    private static void assertRejects(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' should contain '" + f + "'");
        }
    }

    @Test
    void namesMapToTheirClassesWithPaperDefaults() {
        assertEquals(List.of("vicreg", "sigreg", "barlow", "ema"), AntiCollapseRegistry.names());
        assertInstanceOf(VicReg.class, AntiCollapseRegistry.create("vicreg"));
        assertInstanceOf(SigReg.class, AntiCollapseRegistry.create("SIGReg"));
        assertInstanceOf(BarlowTwins.class, AntiCollapseRegistry.create("barlow"));
        assertInstanceOf(EmaDistillation.class, AntiCollapseRegistry.create("ema"));
        VicRegConfig v = (VicRegConfig) AntiCollapseRegistry.create("vicreg").config();
        assertEquals(25.0, v.simCoeff());
        assertEquals(25.0, v.stdCoeff());
        assertEquals(1.0, v.covCoeff());
        assertEquals(1e-4, v.eps());
        assertEquals(false, v.expander());
        assertEquals(List.of(128, 128, 128), v.withExpander().expanderWidthsFor(32), "default expander: 4x the width, 3 layers");
        assertEquals(new SigRegConfig(0, 256, 17, 3.0), AntiCollapseRegistry.defaultConfig("sigreg"));
        assertEquals(new BarlowTwinsConfig(5e-3, 1e-5), AntiCollapseRegistry.defaultConfig("barlow"));
        assertEquals(128, ((EmaDistillationConfig) AntiCollapseRegistry.defaultConfig("ema")).hiddenFor(32));
    }

    @Test
    void jsonFieldsOverrideTheDefaults() throws Exception {
        AntiCollapse v = AntiCollapseRegistry.create("vicreg", json("{\"stdCoeff\": 10, \"expander\": true, \"expanderWidths\": [8, 4]}"));
        assertEquals(new VicRegConfig(25, 10, 1, 1e-4, true, List.of(8, 4)), v.config());
        assertEquals(VicRegConfig.defaults(), AntiCollapseRegistry.create("vicreg", (JsonNode) null).config());
        assertEquals(VicRegConfig.defaults(), AntiCollapseRegistry.create("vicreg", json("null")).config());
        assertEquals(new SigRegConfig(9, 256, 17, 3.0), AntiCollapseRegistry.create("sigreg", json("{\"seed\": 9}")).config());
        assertEquals(new EmaDistillationConfig(64, 1e-12), AntiCollapseRegistry.create("ema", json("{\"hidden\": 64}")).config());
        assertEquals(new BarlowTwinsConfig(0.01, 1e-5), AntiCollapseRegistry.create("barlow", (Object) new BarlowTwinsConfig(0.01, 1e-5)).config());
    }

    @Test
    void badNamesAndConfigsAreClearErrors() throws Exception {
        assertRejects(() -> AntiCollapseRegistry.create("simclr"), "unknown anti-collapse method 'simclr'", "[vicreg, sigreg, barlow, ema]");
        assertRejects(() -> AntiCollapseRegistry.create(null), "unknown anti-collapse method 'null'", "vicreg");
        assertRejects(() -> AntiCollapseRegistry.create("vicreg", json("{\"stdCoef\": 10}")), "no setting 'stdCoef'", "stdCoeff", "simCoeff");
        assertRejects(() -> AntiCollapseRegistry.create("vicreg", json("{\"stdCoeff\": -1}")), "invalid config", "stdCoeff", "-1");
        assertRejects(() -> AntiCollapseRegistry.create("vicreg", json("{\"expanderWidths\": [8]}")), "expander is off");
        assertRejects(() -> AntiCollapseRegistry.create("sigreg", json("{\"directions\": \"many\"}")), "invalid config for anti-collapse 'sigreg'");
        assertRejects(() -> AntiCollapseRegistry.create("sigreg", json("[1, 2]")), "must be a JSON object");
        assertRejects(() -> AntiCollapseRegistry.create("barlow", (Object) VicRegConfig.defaults()), "BarlowTwinsConfig", "VicRegConfig");
        assertRejects(() -> new EmaDistillationConfig(-1, 1e-12), "hidden", "-1");
        assertRejects(() -> new SigRegConfig(0, 0, 17, 3), "directions >= 1");
    }
}
