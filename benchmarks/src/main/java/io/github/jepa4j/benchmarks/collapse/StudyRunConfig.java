package io.github.jepa4j.benchmarks.collapse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.jepa4j.core.model.VitConfig;
import io.github.jepa4j.examples.RunConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The fully resolved settings of one run of the collapse study, saved as {@code config.json} in the
 * run's directory so that a row of the summary can be rerun exactly ({@link CollapseStudy} {@code --rerun FILE}).
 *
 * <p>Anti-collapse mechanisms per method:
 * <ul>
 *   <li>{@code ijepa}: {@code none} = target momentum 0 (the target copies the encoder every step);
 *       {@code ema} = the I-JEPA EMA target, momentum 0.996 -> 1 linear; {@code vicreg}/{@code sigreg} =
 *       momentum 0 plus that regulariser on the pooled context embeddings (weight 1); {@code barlow} =
 *       momentum 0 plus Barlow Twins between pooled context and (stop-gradient) target embeddings.</li>
 *   <li>{@code joint} (two augmented views, pooled embeddings): {@code none} = shared-weight siamese with
 *       invariance-only VICReg coefficients (25, 0, 0), which collapses; {@code ema} = BYOL EMA teacher
 *       (cosine 0.996 -> 1) with the {@code ema} distillation module; {@code vicreg}/{@code sigreg}/{@code barlow} =
 *       siamese with that module at its default settings.</li>
 * </ul>
 *
 * @param method        {@code ijepa} or {@code joint}
 * @param antiCollapse  {@code none}, {@code ema}, {@code vicreg}, {@code sigreg}, {@code barlow}
 * @param seed          initialisation, data order and mask seed
 * @param steps         training steps
 * @param batch         batch size
 * @param lr            peak learning rate (AdamW, cosine after linear warm-up)
 * @param warmupFraction fraction of steps of warm-up
 * @param data          {@code shapes}, {@code fashion-mnist} or a directory
 * @param dataDir       Fashion-MNIST directory override (null: default)
 * @param trainSize     shapes training images
 * @param encoder       the encoder
 * @param predictorDim  I-JEPA predictor width
 * @param predictorDepth I-JEPA predictor depth
 * @param every         metrics every this many steps (and at step 0 and the last step)
 * @param monitorImages held-out images the collapse metrics are computed on
 * @param knnTrain      training images the online kNN probe is fitted on
 * @param knnTest       held-out images it is scored on
 * @param workers       data-loading threads
 */
public record StudyRunConfig(String method, String antiCollapse, long seed, int steps, int batch, double lr,
                             double warmupFraction, String data, String dataDir, int trainSize, VitConfig encoder,
                             int predictorDim, int predictorDepth, int every, int monitorImages, int knnTrain,
                             int knnTest, int workers) {
    public static final List<String> METHODS = List.of("ijepa", "joint");
    public static final List<String> ANTI_COLLAPSE = List.of("none", "ema", "vicreg", "sigreg", "barlow");
    // Derived accessors of nested records (VitConfig.isVideo) are written but not read back.
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public StudyRunConfig {
        method = method.toLowerCase(Locale.ROOT);
        antiCollapse = antiCollapse.toLowerCase(Locale.ROOT);
        if (!METHODS.contains(method)) {
            throw new IllegalArgumentException("unknown method '" + method + "'; valid: " + METHODS);
        }
        if (!ANTI_COLLAPSE.contains(antiCollapse)) {
            throw new IllegalArgumentException("unknown anti-collapse '" + antiCollapse + "'; valid: " + ANTI_COLLAPSE);
        }
        if (steps <= 0 || batch <= 0 || !(lr > 0) || warmupFraction < 0 || warmupFraction > 1 || every <= 0
                || monitorImages < 2 || knnTrain <= 0 || knnTest <= 0 || workers <= 0 || trainSize <= 0
                || predictorDim <= 0 || predictorDepth < 0 || encoder == null) {
            throw new IllegalArgumentException("invalid collapse-study run settings: " + this);
        }
    }

    /** The configuration's name, shared by its seeds: {@code method+anti}. */
    public String configuration() {
        return method + "+" + antiCollapse;
    }

    /** The run's directory name: {@code method-anti-sSEED}. */
    public String id() {
        return method + "-" + antiCollapse + "-s" + seed;
    }

    /** The examples' run config for the dataset helpers (data, sizes, seed, batch). */
    RunConfig dataConfig() {
        RunConfig d = RunConfig.defaults();
        return new RunConfig("ijepa", "none", 1.0, data, dataDir, trainSize, d.model(), 0, predictorDim, predictorDepth,
                1, steps, batch, lr, warmupFraction, seed, workers, d.out(), d.logEvery(), d.checkpointEvery(), every,
                knnTrain, Math.max(knnTest, monitorImages));
    }

    public void save(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        JSON.writeValue(file.toFile(), this);
    }

    public static StudyRunConfig load(Path file) throws IOException {
        return JSON.readValue(file.toFile(), StudyRunConfig.class);
    }
}
