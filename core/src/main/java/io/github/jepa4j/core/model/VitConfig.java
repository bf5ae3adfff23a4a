package io.github.jepa4j.core.model;

import java.util.Locale;

/**
 * Configuration of a {@link VisionTransformer}: input geometry, patching and transformer size.
 *
 * <p>Images use {@code frames = tubelet = 1}; video uses tubelets of {@code tubelet} frames by
 * {@code patch x patch} pixels. Presets: {@code ref} (the 28x28 reference model: D=128, depth 4,
 * 4 heads, MLP 512, patch 4), {@code tiny} (ViT-Ti: 192/12/3), {@code small} (ViT-S: 384/12/6),
 * {@code base} (ViT-B: 768/12/12), all with MLP ratio 4 and LayerNorm eps 1e-6 as timm.
 *
 * @param channels  input channels C
 * @param height    input height H (divisible by patch)
 * @param width     input width W (divisible by patch)
 * @param frames    input frames T (1 for images; divisible by tubelet)
 * @param patch     spatial patch size p
 * @param tubelet   temporal tubelet size (1 for images)
 * @param dim       token width D (divisible by heads; by 4 for 2D, by 6... see PosEmbed for 3D)
 * @param depth     number of transformer blocks
 * @param heads     attention heads
 * @param mlpHidden MLP hidden width
 * @param lnEps     LayerNorm epsilon
 */
public record VitConfig(int channels, int height, int width, int frames, int patch, int tubelet,
                        int dim, int depth, int heads, int mlpHidden, double lnEps) {
    public VitConfig {
        req(channels > 0 && height > 0 && width > 0 && frames > 0, "input sizes must be positive, got C=" + channels
                + " H=" + height + " W=" + width + " T=" + frames);
        req(patch > 0 && tubelet > 0, "patch and tubelet must be positive, got " + patch + ", " + tubelet);
        req(height % patch == 0 && width % patch == 0, "patch size " + patch + " does not divide the image "
                + height + "x" + width);
        req(frames % tubelet == 0, "tubelet " + tubelet + " does not divide the " + frames + " frames");
        req(dim > 0 && depth >= 0 && heads > 0 && mlpHidden > 0, "dim, heads and mlpHidden must be positive and depth >= 0, got dim="
                + dim + " depth=" + depth + " heads=" + heads + " mlpHidden=" + mlpHidden);
        req(dim % heads == 0, heads + " heads do not divide the width " + dim);
        req(isVideo() || dim % 4 == 0, "2D sin-cos position embedding needs dim divisible by 4, got " + dim);
        req(lnEps > 0, "lnEps must be > 0, got " + lnEps);
    }

    private static void req(boolean ok, String msg) {
        if (!ok) {
            throw new IllegalArgumentException("VitConfig: " + msg);
        }
    }

    /** Video models tokenise time; images do not. */
    public boolean isVideo() {
        return frames > 1 || tubelet > 1;
    }

    public int gridT() {
        return frames / tubelet;
    }

    public int gridH() {
        return height / patch;
    }

    public int gridW() {
        return width / patch;
    }

    /** Tokens per input. */
    public int numTokens() {
        return gridT() * gridH() * gridW();
    }

    /** Names accepted by {@link #preset}. */
    public static final java.util.List<String> PRESETS = java.util.List.of("ref", "tiny", "small", "base");

    /**
     * A named size for images of {@code channels x height x width}. {@code ref} uses patch 4; the
     * others patch 16 (as ViT-Ti/16, ViT-S/16, ViT-B/16).
     */
    public static VitConfig preset(String name, int channels, int height, int width) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "ref" -> new VitConfig(channels, height, width, 1, 4, 1, 128, 4, 4, 512, 1e-6);
            case "tiny" -> new VitConfig(channels, height, width, 1, 16, 1, 192, 12, 3, 768, 1e-6);
            case "small" -> new VitConfig(channels, height, width, 1, 16, 1, 384, 12, 6, 1536, 1e-6);
            case "base" -> new VitConfig(channels, height, width, 1, 16, 1, 768, 12, 12, 3072, 1e-6);
            default -> throw new IllegalArgumentException("unknown ViT preset '" + name + "'; valid: " + PRESETS);
        };
    }

    public VitConfig withPatch(int p) {
        return new VitConfig(channels, height, width, frames, p, tubelet, dim, depth, heads, mlpHidden, lnEps);
    }

    public VitConfig withVideo(int frames, int tubelet) {
        return new VitConfig(channels, height, width, frames, patch, tubelet, dim, depth, heads, mlpHidden, lnEps);
    }

    public VitConfig withSize(int dim, int depth, int heads, int mlpHidden) {
        return new VitConfig(channels, height, width, frames, patch, tubelet, dim, depth, heads, mlpHidden, lnEps);
    }
}
