package io.github.jepa4j.examples;

import io.github.jepa4j.core.model.PredictorConfig;
import io.github.jepa4j.core.model.VitConfig;
import io.github.jepa4j.core.task.MaskedBatch;
import io.github.jepa4j.core.task.MaskedJepaConfig;
import io.github.jepa4j.core.task.MaskedJepaTask;
import io.github.jepa4j.core.train.OptimConfig;
import io.github.jepa4j.core.train.Trainer;
import io.github.jepa4j.core.train.listeners.CheckpointSaver;
import io.github.jepa4j.core.train.listeners.NanGuard;
import io.github.jepa4j.core.train.listeners.ProgressLogger;
import io.github.jepa4j.image.data.ImageDataset;
import io.github.jepa4j.image.data.ShapesDataset;
import io.github.jepa4j.image.data.Split;
import io.github.jepa4j.image.mask.Masker;
import io.github.jepa4j.image.mask.MultiBlockMaskCollator;
import io.github.jepa4j.image.train.MaskedLoaderSource;
import java.nio.file.Path;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The README's library example, compiled so it cannot drift from the API: I-JEPA on the built-in
 * shapes data in twenty lines. Run: {@code java -cp "examples/target/lib/*:examples/target/jepa4j.jar"
 * io.github.jepa4j.examples.LibraryExample}.
 */
public final class LibraryExample {
    private LibraryExample() {}

    public static void main(String[] args) {
        ImageDataset data = ShapesDataset.builder().size(12_800).split(Split.TRAIN).build();
        VitConfig enc = VitConfig.preset("ref", 1, 28, 28);                       // ViT D=128, depth 4, patch 4
        MaskedJepaConfig cfg = MaskedJepaConfig.ijepa(enc, PredictorConfig.forEncoder(enc, 64, 2, 2));
        MaskedJepaTask task = new MaskedJepaTask(cfg, DataType.FLOAT, /*seed*/ 0);  // encoder + predictor + EMA target
        Masker masks = MultiBlockMaskCollator.builder(enc.gridH(), enc.gridW()).minKeep(4).build();

        try (Trainer<MaskedBatch> trainer = Trainer.builder(task, new MaskedLoaderSource(data, 64, masks, 2, 0))
                .totalSteps(100)
                .optim(OptimConfig.defaults().withLr(1e-3).withWarmupSteps(10))   // AdamW, warm-up + cosine, wd 0.04 -> 0.4
                .listener(new NanGuard())
                .listener(new ProgressLogger(10))
                .listener(new CheckpointSaver(Path.of("runs/library-example"), 50))
                .build()) {
            trainer.fit();
        }
        INDArray images = Nd4j.create(DataType.FLOAT, 8, 1, 28, 28);
        data.fill(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, images);
        INDArray tokens = task.targetEncoder().forward(images);                     // [8, 49, 128] representations
        System.out.println("representations " + java.util.Arrays.toString(tokens.shape()));
    }
}
