package io.github.jepa4j.benchmarks.speed;

import io.github.jepa4j.core.model.PredictorConfig;
import io.github.jepa4j.core.model.VitConfig;
import io.github.jepa4j.core.task.MaskedBatch;
import io.github.jepa4j.core.task.MaskedJepaConfig;
import io.github.jepa4j.image.mask.MaskSet;
import io.github.jepa4j.image.mask.MultiBlockMaskCollator;
import io.github.jepa4j.video.mask.MultiBlock3dMasker;
import io.github.jepa4j.video.mask.VideoMaskSet;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An encoder + predictor configuration of the speed table, with its masking and default batch.
 *
 * <ul>
 *   <li>{@code ref}: the 28x28x1 reference model (patch 4, 49 tokens; D=128, depth 4, 4 heads,
 *       MLP 512), predictor 64x2 (2 heads), I-JEPA masks (4 target blocks, minKeep 4); batch 64.
 *   <li>{@code vit-tiny}: ViT-Ti/16 (192/12/3) at 224x224x3 (196 tokens), predictor 96x6 (3 heads);
 *       I-JEPA masks (minKeep 10); batch 8.
 *   <li>{@code vit-small}: ViT-S/16 (384/12/6) at 224x224x3, predictor 192x6 (6 heads); batch 4.
 *   <li>{@code video-tiny}: V-JEPA on 16x224x224x3 clips, tubelet 2, patch 16 (8x14x14 = 1,568
 *       tokens), ViT-Ti width (192/12/3), predictor 96x6 (3 heads); V-JEPA 3D multi-block masks with
 *       per-generator contexts, the generator alternating over steps (short-range on even steps,
 *       long-range on odd ones; see {@code VideoMaskSet}); batch 1.
 * </ul>
 *
 * <p>Predictor widths follow the library's default of half the encoder width; the depth (6) is
 * between I-JEPA's ViT-H predictor (12) and the reference model's (2).
 */
public record SpeedPreset(String name, String description, MaskedJepaConfig config, int defaultBatch) {

    /** Names accepted by {@link #of}, in the default order of the table. */
    public static final List<String> NAMES = List.of("ref", "vit-tiny", "vit-small", "video-tiny");

    public static SpeedPreset of(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "ref" -> {
                VitConfig e = VitConfig.preset("ref", 1, 28, 28);
                yield new SpeedPreset("ref", "ViT ref D128 d4 28x28 p4 (49 tok) + pred 64x2",
                        MaskedJepaConfig.ijepa(e, PredictorConfig.forEncoder(e, 64, 2, 2)), 64);
            }
            case "vit-tiny" -> {
                VitConfig e = VitConfig.preset("tiny", 3, 224, 224);
                yield new SpeedPreset("vit-tiny", "ViT-Ti/16 224x224 (196 tok) + pred 96x6",
                        MaskedJepaConfig.ijepa(e, PredictorConfig.forEncoder(e, 96, 6, 3)), 8);
            }
            case "vit-small" -> {
                VitConfig e = VitConfig.preset("small", 3, 224, 224);
                yield new SpeedPreset("vit-small", "ViT-S/16 224x224 (196 tok) + pred 192x6",
                        MaskedJepaConfig.ijepa(e, PredictorConfig.forEncoder(e, 192, 6, 6)), 4);
            }
            case "video-tiny" -> {
                VitConfig e = VitConfig.preset("tiny", 3, 224, 224).withVideo(16, 2);
                yield new SpeedPreset("video-tiny", "V-JEPA ViT-Ti 16x224x224 t2 p16 (1568 tok) + pred 96x6",
                        MaskedJepaConfig.vjepa(e, PredictorConfig.forEncoder(e, 96, 6, 3)), 1);
            }
            default -> throw new IllegalArgumentException("unknown speed preset '" + name + "'; valid: " + NAMES);
        };
    }

    public VitConfig encoder() {
        return config.encoder();
    }

    public boolean video() {
        return config.encoder().isVideo();
    }

    /** "images" or "clips". */
    public String unit() {
        return video() ? "clips" : "images";
    }

    /** Input shape of a batch: {@code [B, C, H, W]} or {@code [B, C, T, H, W]}. */
    public long[] inputShape(int batch) {
        VitConfig e = encoder();
        return video() ? new long[] {batch, e.channels(), e.frames(), e.height(), e.width()}
                : new long[] {batch, e.channels(), e.height(), e.width()};
    }

    /** Draws the masks of step {@code step} and pairs them with {@code inputs}. */
    public Masks masks(long seed) {
        VitConfig e = encoder();
        if (video()) {
            MultiBlock3dMasker m = MultiBlock3dMasker.builder(e.gridT(), e.gridH(), e.gridW()).seed(seed).build();
            return (inputs, step) -> {
                VideoMaskSet s = m.sample((int) inputs.size(0), step);
                return s.toMaskedBatch(inputs, null, (int) (step % s.numGenerators()));
            };
        }
        int tokens = e.gridH() * e.gridW();
        MultiBlockMaskCollator c = MultiBlockMaskCollator.builder(e.gridH(), e.gridW())
                .minKeep(tokens <= 64 ? 4 : 10).seed(seed).build();
        return (inputs, step) -> {
            MaskSet s = c.sample((int) inputs.size(0), step);
            return new MaskedBatch(inputs, s.context(), s.targetBlocks(), null);
        };
    }

    /** The masking of a preset: the batch of one step. */
    @FunctionalInterface
    public interface Masks {
        MaskedBatch batch(INDArray inputs, long step);
    }
}
