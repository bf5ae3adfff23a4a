package io.github.jepa4j.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.core.model.EncoderRegistry.Factory;
import io.github.jepa4j.core.model.EncoderRegistry.InputSpec;
import io.github.jepa4j.core.nn.ParamStore;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/** Names, lookups, the free-configuration path and the errors of {@link EncoderRegistry}. */
class EncoderRegistryTest {
    private final EncoderRegistry reg = EncoderRegistry.standard();

    @Test
    void standardNamesCoverEveryPresetAsImageAndVideo() {
        assertEquals(List.of("vit_ref", "vit_tiny", "vit_small", "vit_base",
                "vit_ref_video", "vit_tiny_video", "vit_small_video", "vit_base_video"), reg.names());
        for (String p : VitConfig.PRESETS) {
            assertEquals(VitConfig.preset(p, 3, 224, 224), reg.config("vit_" + p, 3, 224, 224));
            VitConfig v = reg.config("vit_" + p + "_video", InputSpec.video(3, 16, 224, 224));
            assertEquals(VitConfig.preset(p, 3, 224, 224).withVideo(16, 2), v);
            assertTrue(v.isVideo() && reg.entry("vit_" + p + "_video").video());
        }
    }

    @Test
    void createBuildsTheConfiguredEncoder() {
        ParamStore store = new ParamStore(DataType.FLOAT);
        VisionTransformer enc = reg.create("vit_ref", InputSpec.image(1, 28, 28), store, "encoder.");
        assertEquals(VitConfig.preset("ref", 1, 28, 28), enc.config());
        assertEquals(49, enc.config().numTokens());
        assertTrue(store.list().get(0).name().startsWith("encoder.patch_embed"));
    }

    @Test
    void unknownNameListsTheValidOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> reg.config("vit_huge", 3, 224, 224));
        assertTrue(e.getMessage().contains("vit_huge") && e.getMessage().contains("vit_small_video"), e.getMessage());
    }

    @Test
    void badInputsAreRefused() {
        IllegalArgumentException frames = assertThrows(IllegalArgumentException.class,
                () -> reg.config("vit_tiny", InputSpec.video(3, 4, 224, 224)));
        assertTrue(frames.getMessage().contains("4 frames") && frames.getMessage().contains("vit_tiny_video"), frames.getMessage());
        IllegalArgumentException patch = assertThrows(IllegalArgumentException.class, () -> reg.config("vit_small", 3, 100, 100));
        assertTrue(patch.getMessage().contains("16") && patch.getMessage().contains("100"), patch.getMessage());
        IllegalArgumentException tubelet = assertThrows(IllegalArgumentException.class,
                () -> reg.config("vit_ref_video", InputSpec.video(1, 3, 28, 28)));
        assertTrue(tubelet.getMessage().contains("tubelet 2"), tubelet.getMessage());
        assertThrows(IllegalArgumentException.class, () -> InputSpec.image(0, 28, 28));
    }

    @Test
    void freeConfigurationPath() {
        VitConfig mine = new VitConfig(1, 28, 28, 1, 7, 1, 32, 2, 2, 64, 1e-6);
        EncoderRegistry ext = reg.with("vit_mine", false, Factory.of(mine))
                .with("vit_wide", false, in -> VitConfig.preset("ref", in.channels(), in.height(), in.width()).withSize(256, 2, 8, 512));
        assertEquals(reg.names().size() + 2, ext.names().size());
        assertEquals(mine, ext.config("vit_mine", 1, 28, 28));
        assertEquals(256, ext.config("vit_wide", 3, 32, 32).dim());
        assertThrows(IllegalArgumentException.class, () -> ext.config("vit_mine", 1, 32, 32));
        assertThrows(IllegalArgumentException.class, () -> reg.config("vit_mine", 1, 28, 28), "the standard registry is unchanged");
        assertThrows(IllegalArgumentException.class, () -> ext.with("vit_ref", false, Factory.of(mine)));
        assertThrows(IllegalArgumentException.class, () -> ext.with(" ", false, Factory.of(mine)));
    }
}
