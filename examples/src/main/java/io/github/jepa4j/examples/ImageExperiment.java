package io.github.jepa4j.examples;

import io.github.jepa4j.core.model.PredictorConfig;
import io.github.jepa4j.core.model.VitConfig;
import io.github.jepa4j.core.task.MaskedJepaConfig;
import io.github.jepa4j.core.task.JointEmbeddingConfig;
import io.github.jepa4j.core.task.JointEmbeddingTask;
import io.github.jepa4j.core.task.MaskedJepaTask;
import io.github.jepa4j.image.augment.Augmenter;
import io.github.jepa4j.image.augment.RandomResizedCrop;
import io.github.jepa4j.image.train.MaskedLoaderSource;
import io.github.jepa4j.image.train.TwoViewLoaderSource;
import io.github.jepa4j.regularizers.anticollapse.AntiCollapseRegistry;
import io.github.jepa4j.image.data.FashionMnist;
import io.github.jepa4j.image.data.ImageDataset;
import io.github.jepa4j.image.data.ImageFolderDataset;
import io.github.jepa4j.image.data.ShapesDataset;
import io.github.jepa4j.image.data.Split;
import io.github.jepa4j.image.mask.Masker;
import io.github.jepa4j.image.mask.MultiBlockMaskCollator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Builds the pieces of an image run from a {@link RunConfig}: datasets, encoder and predictor
 * configs, masks and the task. Shared by {@code train}, {@code eval} and the benchmarks, so
 * every entry point builds the same model from the same settings.
 */
public final class ImageExperiment {
    private ImageExperiment() {}

    /** Image-folder datasets are resized (shorter side) and centre-cropped to this size. */
    static final int FOLDER_SIZE = 32;
    static final double SHAPES_MEAN = 0.103;
    static final double SHAPES_STD = 0.259;

    /** Names accepted by {@code --data} besides a directory. */
    public static final List<String> DATASETS = List.of("shapes", "fashion-mnist");

    public static ImageDataset dataset(RunConfig c, Split split) {
        return switch (c.data()) {
            // Normalised to zero mean, unit variance (pixel mean 0.103, std 0.259 measured on 2,000 images).
            case "shapes" -> ShapesDataset.builder().size(split == Split.TRAIN ? c.trainSize() : c.evalTest())
                    .split(split).imageSize(28, 28).seed(1234).normalisation(SHAPES_MEAN, SHAPES_STD).build();
            case "fashion-mnist" -> c.dataDir() == null ? FashionMnist.load(split) : FashionMnist.load(Path.of(c.dataDir()), split);
            default -> {
                Path dir = Path.of(c.data());
                if (!Files.isDirectory(dir)) {
                    throw new IllegalArgumentException("unknown dataset '" + c.data() + "': not one of " + DATASETS
                            + " and not a directory");
                }
                // DIR/train and DIR/test when present (one subfolder per class in each), else DIR for both.
                Path sub = dir.resolve(split == Split.TRAIN ? "train" : "test");
                Path root = Files.isDirectory(sub) ? sub : dir;
                yield ImageFolderDataset.builder(root).channels(3).imageSize(FOLDER_SIZE, FOLDER_SIZE).build();
            }
        };
    }

    public static VitConfig encoder(RunConfig c, ImageDataset ds) {
        VitConfig v = VitConfig.preset(c.model(), ds.channels(), ds.height(), ds.width());
        return c.patch() > 0 ? v.withPatch(c.patch()) : v;
    }

    public static MaskedJepaConfig jepaConfig(RunConfig c, VitConfig enc) {
        int heads = Math.max(1, c.predictorDim() / 32);
        return MaskedJepaConfig.ijepa(enc, PredictorConfig.forEncoder(enc, c.predictorDim(), c.predictorDepth(), heads));
    }

    /**
     * I-JEPA multi-block masks; small grids keep at least 4 context tokens (the paper's 10 needs
     * 14x14); {@code raggedContext} keeps each image's whole context; block counts and scales from
     * the run's mask settings.
     */
    public static Masker masker(RunConfig c, VitConfig enc) {
        int tokens = enc.numTokens();
        return MultiBlockMaskCollator.builder(enc.gridH(), enc.gridW()).minKeep(tokens <= 64 ? 4 : 10)
                .targets(c.maskTargets())
                .targetScale(c.maskTargetScale().get(0), c.maskTargetScale().get(1))
                .contextScale(c.maskContextScale().get(0), c.maskContextScale().get(1))
                .raggedContext(c.raggedContext()).seed(c.seed() * 31 + 7).build();
    }

    public static MaskedJepaTask task(RunConfig c, VitConfig enc) {
        return new MaskedJepaTask(jepaConfig(c, enc), DataType.FLOAT, c.seed(), AntiCollapseChoice.modules(c));
    }

    /**
     * The standard two-view augmentations for {@code train}; datasets deliver normalised images and
     * colour jitter un-normalises them with the dataset's statistics.
     */
    public static java.util.function.Supplier<Augmenter> standardViews(RunConfig c, ImageDataset train) {
        double[] mean = new double[train.channels()];
        double[] std = new double[train.channels()];
        if (train instanceof ImageFolderDataset f) {
            mean = f.mean();
            std = f.std();
        } else {
            double[] ms = c.data().equals("shapes") ? new double[] {SHAPES_MEAN, SHAPES_STD}
                    : new double[] {FashionMnist.DEFAULT_MEAN, FashionMnist.DEFAULT_STD};
            java.util.Arrays.fill(mean, ms[0]);
            java.util.Arrays.fill(std, ms[1]);
        }
        return Augmenter.standardViews(train.height(), train.width(), mean, std);
    }

    /** The task and data of the configured method: I-JEPA on masks, or a joint-embedding objective on two views. */
    static Setup<?> setup(RunConfig c, ImageDataset train, VitConfig enc) {
        if (c.method().equals("ijepa")) {
            MaskedJepaTask t = task(c, enc);
            Supplier<Augmenter> crop = c.cropScale() > 0
                    ? Augmenter.factory(new RandomResizedCrop(train.height(), train.width(), c.cropScale(), 1.0, 3.0 / 4.0, 4.0 / 3.0))
                    : null;
            return Setup.masked(t, () -> new MaskedLoaderSource(train, c.batch(), masker(c, enc), c.workers(), c.seed(), crop), c);
        }
        JointEmbeddingConfig jc = c.method().equals("ema") ? JointEmbeddingConfig.emaTeacher(enc) : JointEmbeddingConfig.siamese(enc);
        JointEmbeddingTask t = new JointEmbeddingTask(jc, AntiCollapseRegistry.create(c.method()), 1.0, DataType.FLOAT, c.seed());
        var views = standardViews(c, train);
        return new Setup<>(t, () -> new TwoViewLoaderSource(train, views, c.batch(), c.workers(), c.seed()),
                t.evalEncoder(), t.encoderSize());
    }
}
