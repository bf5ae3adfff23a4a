package io.github.jepa4j.core.model;

import io.github.jepa4j.core.nn.ParamStore;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named encoder architectures: each name maps the input geometry to a {@link VitConfig}, so a run
 * configuration can say {@code encoder: vit_small} and the data decides channels and sizes.
 *
 * <p>{@link #standard()} holds, for each {@link VitConfig#PRESETS preset} {@code P}:
 * <ul>
 *   <li>{@code vit_P}: an image encoder, {@link VitConfig#preset(String, int, int, int)}
 *       ({@code ref}: D=128, depth 4, patch 4; {@code tiny}/{@code small}/{@code base}: ViT-Ti/S/B
 *       with patch 16);</li>
 *   <li>{@code vit_P_video}: the same transformer over {@code 2 x p x p} tubelets of a clip
 *       (V-JEPA's tubelet size), with 3-D sin-cos position embeddings.</li>
 * </ul>
 * Any other architecture (the free-configuration path) is added with {@link #with}, e.g.
 * {@code standard().with("my_vit", false, in -> new VitConfig(in.channels(), ...))}, or, for one
 * fixed geometry, {@code with("my_vit", cfg.isVideo(), Factory.of(cfg))}. Registries are
 * immutable; {@code with} returns a new one.
 */
public final class EncoderRegistry {
    /** Tubelet length of the standard video entries (V-JEPA). */
    public static final int VIDEO_TUBELET = 2;

    /**
     * Input geometry an encoder is built for: {@code channels x frames x height x width}, with
     * {@code frames = 1} for images.
     */
    public record InputSpec(int channels, int frames, int height, int width) {
        public InputSpec {
            if (channels <= 0 || frames <= 0 || height <= 0 || width <= 0) {
                throw new IllegalArgumentException("input sizes must be positive, got C=" + channels + " T=" + frames
                        + " H=" + height + " W=" + width);
            }
        }

        public static InputSpec image(int channels, int height, int width) {
            return new InputSpec(channels, 1, height, width);
        }

        public static InputSpec video(int channels, int frames, int height, int width) {
            return new InputSpec(channels, frames, height, width);
        }
    }

    /** Maps an input geometry to an encoder configuration. */
    @FunctionalInterface
    public interface Factory {
        VitConfig config(InputSpec input);

        /** A fixed configuration, refusing inputs of any other geometry. */
        static Factory of(VitConfig cfg) {
            return in -> {
                if (in.channels() != cfg.channels() || in.frames() != cfg.frames() || in.height() != cfg.height()
                        || in.width() != cfg.width()) {
                    throw new IllegalArgumentException("this encoder is fixed to C x T x H x W = " + cfg.channels() + " x "
                            + cfg.frames() + " x " + cfg.height() + " x " + cfg.width() + ", got " + in);
                }
                return cfg;
            };
        }
    }

    /** One named architecture; {@code video} says whether it takes clips {@code [B, C, T, H, W]}. */
    public record Entry(String name, boolean video, Factory factory) {}

    private static final EncoderRegistry STANDARD = buildStandard();

    private final Map<String, Entry> entries;

    private EncoderRegistry(Map<String, Entry> entries) {
        this.entries = Collections.unmodifiableMap(entries);
    }

    /** The built-in entries (see the class comment). */
    public static EncoderRegistry standard() {
        return STANDARD;
    }

    private static EncoderRegistry buildStandard() {
        Map<String, Entry> m = new LinkedHashMap<>();
        for (String p : VitConfig.PRESETS) {
            m.put("vit_" + p, new Entry("vit_" + p, false,
                    in -> VitConfig.preset(p, in.channels(), in.height(), in.width())));
        }
        for (String p : VitConfig.PRESETS) {
            String name = "vit_" + p + "_video";
            m.put(name, new Entry(name, true,
                    in -> VitConfig.preset(p, in.channels(), in.height(), in.width()).withVideo(in.frames(), VIDEO_TUBELET)));
        }
        return new EncoderRegistry(m);
    }

    /** A registry with one more entry. */
    public EncoderRegistry with(String name, boolean video, Factory factory) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("encoder name must be non-blank, got '" + name + "'");
        }
        if (factory == null) {
            throw new IllegalArgumentException("encoder '" + name + "' needs a factory");
        }
        if (entries.containsKey(name)) {
            throw new IllegalArgumentException("encoder '" + name + "' is already registered; names: " + names());
        }
        Map<String, Entry> m = new LinkedHashMap<>(entries);
        m.put(name, new Entry(name, video, factory));
        return new EncoderRegistry(m);
    }

    /** Registered names, in registration order. */
    public List<String> names() {
        return List.copyOf(entries.keySet());
    }

    /** The entry named {@code name}; unknown names raise an error listing the valid ones. */
    public Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new IllegalArgumentException("unknown encoder '" + name + "'; valid: " + names());
        }
        return e;
    }

    /**
     * The configuration of {@code name} for inputs of geometry {@code input}. Image entries need
     * {@code frames = 1}; sizes must suit the entry's patch (and tubelet), else
     * IllegalArgumentException.
     */
    public VitConfig config(String name, InputSpec input) {
        Entry e = entry(name);
        if (!e.video() && input.frames() != 1) {
            throw new IllegalArgumentException("encoder '" + name + "' takes images but the input has " + input.frames()
                    + " frames; video encoders: " + entries.values().stream().filter(Entry::video).map(Entry::name).toList());
        }
        VitConfig cfg = e.factory().config(input);
        if (cfg.channels() != input.channels() || cfg.frames() != input.frames() || cfg.height() != input.height()
                || cfg.width() != input.width()) {
            throw new IllegalStateException("encoder '" + name + "' built " + cfg + " for the input " + input);
        }
        return cfg;
    }

    /** {@link #config(String, InputSpec)} for images {@code channels x height x width}. */
    public VitConfig config(String name, int channels, int height, int width) {
        return config(name, InputSpec.image(channels, height, width));
    }

    /**
     * Builds the encoder {@code name} for {@code input}, registering its parameters under
     * {@code prefix} in {@code store} (allocate the store afterwards).
     */
    public VisionTransformer create(String name, InputSpec input, ParamStore store, String prefix) {
        return new VisionTransformer(config(name, input), store, prefix);
    }
}
