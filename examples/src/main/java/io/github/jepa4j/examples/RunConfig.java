package io.github.jepa4j.examples;

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
 *                    views: {@code vicreg}, {@code sigreg}, {@code barlow}, {@code ema} (BYOL-style EMA teacher)
 * @param antiCollapse optional extra anti-collapse term for I-JEPA: {@code none}, {@code vicreg}, {@code sigreg}
 *                    (on the pooled context embeddings), {@code barlow}, {@code ema} (context vs EMA target)
 * @param antiCollapseWeight its weight
 * @param data        {@code shapes} (built-in), {@code fashion-mnist}, or a directory
 * @param dataDir     override for the Fashion-MNIST directory
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
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record RunConfig(String method, String antiCollapse, double antiCollapseWeight, String data, String dataDir,
                        int trainSize, String model, int patch, int predictorDim, int predictorDepth,
                        int epochs, long maxSteps, int batch, double lr, double warmupFraction, long seed,
                        int workers, String out, int logEvery, int checkpointEvery, int monitorEvery,
                        int evalTrain, int evalTest) {
    /** {@code ijepa}: masked prediction; the others: joint-embedding on two augmented views with that objective. */
    public static final List<String> METHODS = List.of("ijepa", "vicreg", "sigreg", "barlow", "ema");
    /** Extra anti-collapse terms for I-JEPA ({@code barlow} and {@code ema} compare context and EMA target). */
    public static final List<String> ANTI_COLLAPSE = List.of("none", "vicreg", "sigreg", "barlow", "ema");
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    public RunConfig {
        method = method.toLowerCase(Locale.ROOT);
        if (!METHODS.contains(method)) {
            throw new IllegalArgumentException("unknown method '" + method + "'; valid: " + METHODS);
        }
        antiCollapse = antiCollapse.toLowerCase(Locale.ROOT);
        if (!ANTI_COLLAPSE.contains(antiCollapse)) {
            throw new IllegalArgumentException("unknown anti-collapse term '" + antiCollapse + "'; valid: " + ANTI_COLLAPSE);
        }
        if (epochs < 0 || maxSteps < 0 || batch <= 0 || !(lr > 0) || warmupFraction < 0 || warmupFraction > 1
                || workers <= 0 || logEvery <= 0 || checkpointEvery <= 0 || monitorEvery <= 0 || evalTrain <= 0 || evalTest <= 0
                || trainSize <= 0 || predictorDim <= 0 || predictorDepth < 0 || patch < 0) {
            throw new IllegalArgumentException("invalid run settings: " + this);
        }
    }

    /** Defaults: a small I-JEPA on the built-in shapes data, a few minutes on 2 CPU cores. */
    public static RunConfig defaults() {
        return new RunConfig("ijepa", "none", 1.0, "shapes", null, 12800, "ref", 0, 64, 2,
                1, 0, 64, 1e-3, 0.1, 0, 2, "runs/latest", 10, 100, 50, 4000, 2000);
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

    public void save(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        JSON.writeValue(file.toFile(), this);
    }

    public static RunConfig load(Path file) throws IOException {
        return JSON.readValue(file.toFile(), RunConfig.class);
    }
}
