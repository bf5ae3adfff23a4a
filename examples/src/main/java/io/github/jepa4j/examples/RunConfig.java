package io.github.jepa4j.examples;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The resolved settings of one command-line run: defaults, overridden by a YAML/JSON config file,
 * overridden by command-line flags. Parsed once at the edge; everything inward gets typed
 * configs built from it. Saved as {@code OUT/config.json} and inside every checkpoint.
 *
 * @param method      {@code ijepa} (masked prediction), or a joint-embedding objective on two augmented
 *                    views: {@code vicreg}, {@code sigreg}, {@code barlow}, {@code ema} (BYOL-style EMA teacher);
 *                    video: {@code vjepa} (masked prediction on clips)
 * @param antiCollapse optional extra anti-collapse term for I-JEPA and V-JEPA: {@code none}, {@code vicreg}, {@code sigreg}
 *                    (on the pooled context embeddings), {@code barlow}, {@code ema} (context vs EMA target)
 * @param antiCollapseWeight its weight
 * @param data        {@code shapes} (built-in), {@code fashion-mnist}, or a directory; video:
 *                    {@code balls} (built-in bouncing balls) or a video folder
 * @param dataDir     override for the Fashion-MNIST directory; video: where the built-in videos go
 * @param trainSize   images in the built-in shapes training split
 * @param model       encoder preset: ref, tiny, small, base
 * @param patch       patch size override (0 = the preset's)
 * @param predictorDim predictor width
 * @param predictorDepth predictor depth
 * @param epochs      passes over the training data (0: evaluate the untrained encoder)
 * @param maxSteps    stop after this many steps (0: no limit)
 * @param batch       batch size
 * @param lr          peak learning rate
 * @param warmupFraction fraction of steps of linear warm-up
 * @param seed        seed for initialisation, data order and masks
 * @param workers     data-loading threads
 * @param out         output directory
 * @param logEvery    progress line every N steps
 * @param checkpointEvery checkpoint every N steps
 * @param monitorEvery collapse metrics every N steps
 * @param evalTrain   training images used to fit the probes
 * @param evalTest    test images the probes are scored on
 * @param modality    {@code image} (default) or {@code video}; settings below are for video and
 *                    ignored by image runs (missing in older files: image)
 * @param frames      frames per clip T
 * @param stride      frame stride within a clip
 * @param tubelet     frames per tubelet (token depth)
 * @param clipSize    clips are resized to {@code clipSize x clipSize} pixels
 * @param videos      number of built-in bouncing-ball videos
 * @param videoFrames frames per built-in video
 * @param cacheMb     decoded-clip cache budget in MB (0: decode every clip every time)
 * @param onBadInput  unreadable videos, clips that fail to decode, label rows naming missing files
 *                    or frames: {@code skip} (logged warning naming the file) or {@code fail}
 * @param emaStart    video: EMA-target momentum at step 0, rising linearly to 1 (V-JEPA: 0.998;
 *                    image runs keep I-JEPA's 0.996)
 * @param probeEncoder the encoder the probes read, {@code target} (EMA teacher, default) or
 *                    {@code context} (masked-jepa image runs and video; joint-embedding runs read their eval encoder)
 * @param futureMask  video: a third mask generator besides V-JEPA's short- and long-range ones,
 *                    masking the last {@code futureMask} of the clip's time steps over the whole
 *                    frame (predict the future from the past; 0: off, V-JEPA's two generators only)
 * @param cropScale   I-JEPA on images: random resized crop of area fraction in {@code [cropScale, 1]}
 *                    (aspect 3/4..4/3) back to the input size before masking, as I-JEPA's
 *                    {@code crop_scale (0.3, 1.0)}; 0: no augmentation
 * @param evalEpochs  image runs: also evaluate the frozen encoder at the end of these epochs
 *                    (rows of {@code OUT/evals.csv} and {@code evaluations} in the summary; empty: only at the end)
 * @param antiCollapseOn what a single-branch anti-collapse term ({@code vicreg}, {@code sigreg}) sees:
 *                    {@code pooled} (each input's mean context embedding, default; missing in older
 *                    files: pooled) or {@code tokens} (every context token as a sample)
 * @param raggedContext I-JEPA on images: every image keeps its whole context, padded to the
 *                    batch's longest and masked out of attention, instead of cutting every context
 *                    to the batch's shortest (I-JEPA's choice and the default, false)
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record RunConfig(String method, String antiCollapse, double antiCollapseWeight, String data, String dataDir,
                        int trainSize, String model, int patch, int predictorDim, int predictorDepth,
                        int epochs, long maxSteps, int batch, double lr, double warmupFraction, long seed,
                        int workers, String out, int logEvery, int checkpointEvery, int monitorEvery,
                        int evalTrain, int evalTest, String modality, int frames, int stride, int tubelet,
                        int clipSize, int videos, int videoFrames, int cacheMb, String onBadInput, double emaStart,
                        String probeEncoder, List<Integer> evalEpochs, double futureMask,
                        double cropScale, String antiCollapseOn, boolean raggedContext, int maskTargets,
                        List<Double> maskTargetScale, List<Double> maskContextScale) {
    /** {@code ijepa}: masked prediction; the others: joint-embedding on two augmented views with that objective. */
    public static final List<String> METHODS = List.of("ijepa", "vicreg", "sigreg", "barlow", "ema");
    /** Methods of video runs: {@code vjepa}, masked prediction on clips. */
    public static final List<String> VIDEO_METHODS = List.of("vjepa");
    /** Input kinds. */
    public static final List<String> MODALITIES = List.of("image", "video");
    /** Bad-input policies. */
    public static final List<String> ON_BAD_INPUT = List.of("skip", "fail");
    /** Extra anti-collapse terms for I-JEPA ({@code barlow} and {@code ema} compare context and EMA target). */
    public static final List<String> ANTI_COLLAPSE = List.of("none", "vicreg", "sigreg", "barlow", "ema");
    /** Anti-collapse terms that compare the pooled context with the EMA target's pooled embeddings (two branches). */
    static final List<String> TWO_BRANCH_ANTI_COLLAPSE = List.of("barlow", "ema");
    /** What a single-branch anti-collapse term sees. */
    public static final List<String> ANTI_COLLAPSE_ON = List.of("pooled", "tokens");
    /** I-JEPA's multi-block mask defaults: 4 target blocks of 0.15-0.2 of the grid, a context block of 0.85-1. */
    static final int MASK_TARGETS = 4;
    static final List<Double> MASK_TARGET_SCALE = List.of(0.15, 0.2);
    static final List<Double> MASK_CONTEXT_SCALE = List.of(0.85, 1.0);
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @JsonCreator
    public RunConfig {
        method = method.toLowerCase(Locale.ROOT);
        modality = modality == null ? "image" : modality.toLowerCase(Locale.ROOT);
        if (!MODALITIES.contains(modality)) {
            throw new IllegalArgumentException("unknown modality '" + modality + "'; valid: " + MODALITIES);
        }
        if (modality.equals("image") && VIDEO_METHODS.contains(method)) {
            throw new IllegalArgumentException("method '" + method + "' trains on video: pass --modality video");
        }
        if (modality.equals("video") && !VIDEO_METHODS.contains(method)) {
            throw new IllegalArgumentException("method '" + method + "' does not train on video; video methods: "
                    + VIDEO_METHODS);
        }
        onBadInput = onBadInput == null ? "skip" : onBadInput.toLowerCase(Locale.ROOT);
        if (!ON_BAD_INPUT.contains(onBadInput)) {
            throw new IllegalArgumentException("unknown bad-input policy '" + onBadInput + "'; valid: " + ON_BAD_INPUT);
        }
        if (modality.equals("image") && !METHODS.contains(method)) {
            throw new IllegalArgumentException("unknown method '" + method + "'; valid: " + METHODS);
        }
        antiCollapse = antiCollapse.toLowerCase(Locale.ROOT);
        if (!ANTI_COLLAPSE.contains(antiCollapse)) {
            throw new IllegalArgumentException("unknown anti-collapse term '" + antiCollapse + "'; valid: " + ANTI_COLLAPSE);
        }
        antiCollapseOn = antiCollapseOn == null ? "pooled" : antiCollapseOn.toLowerCase(Locale.ROOT);
        if (!ANTI_COLLAPSE_ON.contains(antiCollapseOn)) {
            throw new IllegalArgumentException("unknown anti-collapse input '" + antiCollapseOn + "'; valid: " + ANTI_COLLAPSE_ON);
        }
        if (antiCollapseOn.equals("tokens") && TWO_BRANCH_ANTI_COLLAPSE.contains(antiCollapse)) {
            throw new IllegalArgumentException("anti-collapse term '" + antiCollapse
                    + "' compares pooled context and EMA-target embeddings; it cannot run on tokens");
        }
        if (epochs < 0 || maxSteps < 0 || batch <= 0 || !(lr > 0) || warmupFraction < 0 || warmupFraction > 1
                || workers <= 0 || logEvery <= 0 || checkpointEvery <= 0 || monitorEvery <= 0 || evalTrain <= 0 || evalTest <= 0
                || trainSize <= 0 || predictorDim <= 0 || predictorDepth < 0 || patch < 0) {
            throw new IllegalArgumentException("invalid run settings: " + this);
        }
        if (modality.equals("video") && (frames <= 0 || stride <= 0 || tubelet <= 0 || clipSize <= 0 || videos <= 0
                || videoFrames <= 0 || cacheMb < 0)) {
            throw new IllegalArgumentException("invalid video settings: frames " + frames + ", stride " + stride
                    + ", tubelet " + tubelet + ", clipSize " + clipSize + ", videos " + videos + ", videoFrames "
                    + videoFrames + ", cacheMb " + cacheMb + " (all must be positive, cacheMb >= 0)");
        }
        probeEncoder = probeEncoder == null ? "target" : probeEncoder.toLowerCase(Locale.ROOT);
        if (!List.of("target", "context").contains(probeEncoder)) {
            throw new IllegalArgumentException("unknown probe encoder '" + probeEncoder + "'; valid: [target, context]");
        }
        if (emaStart == 0) {
            emaStart = 0.998; // absent in files written before the setting existed
        }
        if (!(emaStart > 0 && emaStart <= 1)) {
            throw new IllegalArgumentException("EMA start momentum must be in (0, 1], got " + emaStart);
        }
        evalEpochs = evalEpochs == null ? List.of() : evalEpochs;
        if (evalEpochs.stream().anyMatch(e -> e == null || e < 1)) {
            throw new IllegalArgumentException("evaluation epochs must be >= 1, got " + evalEpochs);
        }
        // Sorted and distinct, so the saved config says what runs (a repeated option appends).
        evalEpochs = List.copyOf(new java.util.TreeSet<>(evalEpochs));
        if (!(cropScale >= 0 && cropScale <= 1)) {
            throw new IllegalArgumentException("crop scale must be in [0, 1] (0: no crop), got " + cropScale);
        }
        if (!(futureMask >= 0 && futureMask < 1)) {
            throw new IllegalArgumentException("future mask fraction must be in [0, 1) (0: off), got " + futureMask);
        }
        if (raggedContext && !method.equals("ijepa")) {
            throw new IllegalArgumentException("ragged contexts are for I-JEPA's multi-block masks (method ijepa), not " + method);
        }
        if (raggedContext && !antiCollapse.equals("none")) {
            throw new IllegalArgumentException("ragged contexts do not support an anti-collapse term on the context ("
                    + antiCollapse + "): padding would count as context; use --anti-collapse none");
        }
        maskTargets = maskTargets == 0 ? MASK_TARGETS : maskTargets; // 0: absent in files written before the setting
        if (maskTargets < 1) {
            throw new IllegalArgumentException("mask target blocks must be >= 1, got " + maskTargets);
        }
        maskTargetScale = scaleRange("mask target scale", maskTargetScale, MASK_TARGET_SCALE);
        maskContextScale = scaleRange("mask context scale", maskContextScale, MASK_CONTEXT_SCALE);
        if (modality.equals("video") && frames % tubelet != 0) {
            throw new IllegalArgumentException("tubelet " + tubelet + " does not divide the " + frames + " frames of a clip");
        }
    }

    /** A {@code [min, max]} area fraction with {@code 0 < min <= max <= 1}; null (absent): {@code dflt}. */
    private static List<Double> scaleRange(String what, List<Double> range, List<Double> dflt) {
        if (range == null) {
            return dflt;
        }
        if (range.size() != 2 || range.get(0) == null || range.get(1) == null
                || !(range.get(0) > 0 && range.get(0) <= range.get(1) && range.get(1) <= 1)) {
            throw new IllegalArgumentException(what + " must be MIN,MAX with 0 < MIN <= MAX <= 1, got " + range);
        }
        return List.copyOf(range);
    }

    @JsonIgnore
    public boolean isVideo() {
        return modality.equals("video");
    }

    /** Defaults: a small I-JEPA on the built-in shapes data, a few minutes on 2 CPU cores. */
    public static RunConfig defaults() {
        return new RunConfig("ijepa", "none", 1.0, "shapes", null, 12800, "ref", 0, 64, 2,
                1, 0, 64, 1e-3, 0.1, 0, 2, "runs/latest", 10, 100, 50, 4000, 2000,
                "image", 8, 1, 2, 32, 256, 64, 256, "skip", 0.998, "target", List.of(), 0, 0, "pooled", false,
                MASK_TARGETS, MASK_TARGET_SCALE, MASK_CONTEXT_SCALE);
    }

    /**
     * Video defaults: V-JEPA on the built-in bouncing-ball videos (256 videos of 64 frames; clips of
     * 8 consecutive frames at 32 x 32, tubelet 2, patch 8: 64 tokens), the {@code ref} encoder, 480
     * steps of 16 clips, a few minutes on 2 CPU cores; probes on 2,048 / 512 clips (with 1,024 the
     * pixel baseline's ridge fit on 512 pixels is unstable).
     *
     * <p>Two choices were measured (R² of the ridge probe on pooled features, held-out videos):
     * <ul>
     *   <li>A VICReg term on the pooled context embeddings: plain V-JEPA collapses on these sparse
     *       scenes (a small ball on black: after 480 steps RankMe 1.5 of 128, the collapse alarm
     *       fires, and the probe reads position no better than the untrained encoder, x 0.42 vs
     *       0.33); with VICReg RankMe stays at 7 and x rises to 0.63 ({@code --anti-collapse none}
     *       gives plain V-JEPA).</li>
     *   <li>Stride 1 rather than 2: with consecutive frames the trained encoder's pooled features
     *       give x 0.89 and vx 0.48, against 0.76 and 0.31 untrained (stride 2: 0.63 and 0.31
     *       against 0.33 and 0.22).</li>
     *   <li>The VICReg term on every context token ({@code antiCollapseOn = tokens}) rather than on
     *       each clip's pooled embedding: over seeds 0-2 the pooled-feature probe reads position at
     *       R² 0.94 instead of 0.90 and velocity at 0.50 / 0.56 instead of 0.46 / 0.51
     *       ({@code --anti-collapse-on pooled} gives the earlier recipe).</li>
     * </ul>
     */
    public static RunConfig videoDefaults() {
        return new RunConfig("vjepa", "vicreg", 1.0, VideoExperiment.BUILT_IN, null, 12800, "ref", 0, 64, 2,
                30, 0, 16, 1e-3, 0.1, 0, 2, "runs/latest", 10, 100, 50, 2048, 512,
                "video", 8, 1, 2, 32, 256, 64, 256, "skip", 0.998, "target", List.of(), 0, 0, "tokens", false,
                MASK_TARGETS, MASK_TARGET_SCALE, MASK_CONTEXT_SCALE);
    }

    /** The defaults of {@code modality} ({@code image} or {@code video}). */
    public static RunConfig defaults(String modality) {
        String m = modality == null ? "image" : modality.toLowerCase(Locale.ROOT);
        return switch (m) {
            case "image" -> defaults();
            case "video" -> videoDefaults();
            default -> throw new IllegalArgumentException("unknown modality '" + modality + "'; valid: " + MODALITIES);
        };
    }

    /** The {@code modality} a YAML/JSON settings file sets, or null. */
    public static String modalityIn(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        var tree = (file.toString().endsWith(".json") ? JSON : YAML).readTree(file.toFile());
        return tree != null && tree.hasNonNull("modality") ? tree.get("modality").asText() : null;
    }

    /** Reads a YAML or JSON file of any subset of the fields, over {@code base}. */
    public static RunConfig overlay(RunConfig base, Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString(), null, "config file does not exist");
        }
        ObjectMapper m = file.toString().endsWith(".json") ? JSON : YAML;
        var tree = JSON.valueToTree(base);
        var over = m.readTree(file.toFile());
        if (over == null || !over.isObject()) {
            throw new IllegalArgumentException("config file " + file + " must hold a mapping of settings");
        }
        over.fields().forEachRemaining(e -> {
            if (!tree.has(e.getKey())) {
                throw new IllegalArgumentException("config file " + file + ": unknown setting '" + e.getKey()
                        + "'; valid: " + iterable(tree.fieldNames()));
            }
            ((com.fasterxml.jackson.databind.node.ObjectNode) tree).set(e.getKey(), e.getValue());
        });
        return JSON.treeToValue(tree, RunConfig.class);
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> l = new java.util.ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }

    /**
     * The 23 image settings of the first version, video settings at their defaults (for callers
     * written before video runs existed).
     */
    public RunConfig(String method, String antiCollapse, double antiCollapseWeight, String data, String dataDir,
                     int trainSize, String model, int patch, int predictorDim, int predictorDepth,
                     int epochs, long maxSteps, int batch, double lr, double warmupFraction, long seed,
                     int workers, String out, int logEvery, int checkpointEvery, int monitorEvery,
                     int evalTrain, int evalTest) {
        this(method, antiCollapse, antiCollapseWeight, data, dataDir, trainSize, model, patch, predictorDim, predictorDepth,
                epochs, maxSteps, batch, lr, warmupFraction, seed, workers, out, logEvery, checkpointEvery, monitorEvery,
                evalTrain, evalTest, "image", 8, 1, 2, 32, 256, 64, 256, "skip", 0.998, "target", List.of(), 0, 0, "pooled", false,
                MASK_TARGETS, MASK_TARGET_SCALE, MASK_CONTEXT_SCALE);
    }

    /**
     * This config with the named settings replaced (camelCase record names), validated like any
     * config: used for command-line flags over defaults, and for flags over a checkpoint's config.
     */
    public RunConfig with(java.util.Map<String, ?> settings) throws IOException {
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.valueToTree(this);
        tree.setAll((com.fasterxml.jackson.databind.node.ObjectNode) JSON.valueToTree(settings));
        try {
            return JSON.treeToValue(tree, RunConfig.class);
        } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            if (root instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw e;
        }
    }

    public void save(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        JSON.writeValue(file.toFile(), this);
    }

    public static RunConfig load(Path file) throws IOException {
        return JSON.readValue(file.toFile(), RunConfig.class);
    }
}
