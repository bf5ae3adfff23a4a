package io.github.jepa4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunConfigTest {
    @Test
    void evaluationEpochsAreSortedAndDistinct() throws Exception {
        RunConfig c = RunConfig.defaults().with(Map.of("evalEpochs", List.of(10, 1, 3, 10)));
        assertEquals(List.of(1, 3, 10), c.evalEpochs());
    }

    @Test
    void evaluationEpochBelowOneIsRejectedWithTheValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RunConfig.defaults().with(Map.of("evalEpochs", Arrays.asList(3, 0))));
        assertTrue(e.getMessage().contains("evaluation epochs must be >= 1") && e.getMessage().contains("[3, 0]"),
                e.getMessage());
    }

    @Test
    void antiCollapseInputDefaultsAndValidation() throws Exception {
        assertEquals("pooled", RunConfig.defaults().antiCollapseOn());
        assertEquals("tokens", RunConfig.videoDefaults().antiCollapseOn());
        // A config saved before the setting existed (no field) keeps the pooled term it was trained with.
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) RunConfig.JSON.valueToTree(RunConfig.videoDefaults());
        tree.remove("antiCollapseOn");
        assertEquals("pooled", RunConfig.JSON.treeToValue(tree, RunConfig.class).antiCollapseOn());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> RunConfig.defaults().with(Map.of("antiCollapseOn", "patches")));
        assertTrue(unknown.getMessage().contains("patches") && unknown.getMessage().contains("[pooled, tokens]"),
                unknown.getMessage());
        IllegalArgumentException twoBranch = assertThrows(IllegalArgumentException.class,
                () -> RunConfig.defaults().with(Map.of("antiCollapse", "barlow", "antiCollapseOn", "tokens")));
        assertTrue(twoBranch.getMessage().contains("barlow"), twoBranch.getMessage());
    }

    @Test
    void raggedContextDefaultsOffAndReachesTheMasker() throws Exception {
        assertFalse(RunConfig.defaults().raggedContext());
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) RunConfig.JSON.valueToTree(RunConfig.defaults());
        tree.remove("raggedContext");
        assertFalse(RunConfig.JSON.treeToValue(tree, RunConfig.class).raggedContext(), "configs saved before the setting");
        RunConfig on = RunConfig.defaults().with(Map.of("raggedContext", true));
        var enc = io.github.jepa4j.core.model.VitConfig.preset("ref", 1, 28, 28);
        var masker = (io.github.jepa4j.image.mask.MultiBlockMaskCollator) ImageExperiment.masker(on, enc);
        assertTrue(masker.raggedContext());
        assertTrue(masker.sample(32).raggedContext());
        IllegalArgumentException term = assertThrows(IllegalArgumentException.class,
                () -> RunConfig.defaults().with(Map.of("raggedContext", true, "antiCollapse", "vicreg")));
        assertTrue(term.getMessage().contains("ragged") && term.getMessage().contains("vicreg"), term.getMessage());
        IllegalArgumentException method = assertThrows(IllegalArgumentException.class,
                () -> RunConfig.defaults().with(Map.of("raggedContext", true, "method", "vicreg")));
        assertTrue(method.getMessage().contains("ijepa"), method.getMessage());
    }

    @Test
    void maskSettingsDefaultToIJepasAndReachTheMasker() throws Exception {
        RunConfig d = RunConfig.defaults();
        assertEquals(4, d.maskTargets());
        assertEquals(List.of(0.15, 0.2), d.maskTargetScale());
        assertEquals(List.of(0.85, 1.0), d.maskContextScale());
        // A config saved before the settings existed keeps I-JEPA's masks.
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) RunConfig.JSON.valueToTree(d);
        tree.remove(List.of("maskTargets", "maskTargetScale", "maskContextScale"));
        RunConfig old = RunConfig.JSON.treeToValue(tree, RunConfig.class);
        assertEquals(d, old);

        var enc = io.github.jepa4j.core.model.VitConfig.preset("ref", 1, 28, 28); // 7x7 grid
        RunConfig c = d.with(Map.of("maskTargets", 2, "maskTargetScale", List.of(0.4, 0.4),
                "maskContextScale", List.of(1.0, 1.0)));
        var masker = (io.github.jepa4j.image.mask.MultiBlockMaskCollator) ImageExperiment.masker(c, enc);
        var set = masker.sample(16);
        assertEquals(2, set.numTargetBlocks());
        // 0.4 of 49 cells: blocks of about 20 tokens, where the defaults give at most 10.
        assertTrue(set.targetBlockSize(0) >= 16, "target block of " + set.targetBlockSize(0));
        var dflt = ((io.github.jepa4j.image.mask.MultiBlockMaskCollator) ImageExperiment.masker(d, enc)).sample(16);
        assertEquals(4, dflt.numTargetBlocks());
        assertTrue(dflt.targetBlockSize(0) <= 10, "default target block of " + dflt.targetBlockSize(0));

        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("maskTargets", -1),
                Map.of("maskTargetScale", List.of(0.3, 0.2)), Map.of("maskContextScale", List.of(0.5)),
                Map.of("maskContextScale", List.of(0.5, 1.5)))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.with(bad));
            assertTrue(e.getMessage().contains("mask"), e.getMessage());
        }
    }
}
