package io.github.jepa4j.examples;

import io.github.jepa4j.core.model.VisionTransformer;
import io.github.jepa4j.core.task.MaskedBatch;
import io.github.jepa4j.core.task.MaskedJepaTask;
import io.github.jepa4j.core.train.BatchSource;
import io.github.jepa4j.core.train.Task;
import java.util.function.Supplier;

/**
 * A method ready to train: its task, a factory for its batch source (opened only when training),
 * the encoder that is evaluated (the EMA target/teacher where there is one), the size of the
 * trainable encoder slice (hashed into the summary's checksum) and, for masked JEPAs, which of
 * their two encoders is evaluated ({@code target} or {@code context}; null for other methods).
 */
record Setup<B>(Task<B> task, Supplier<BatchSource<B>> source, VisionTransformer evalEncoder, long encoderSize,
                String probeEncoder) {
    /** A method with one evaluated encoder (no choice: {@link #probeEncoder()} is null). */
    Setup(Task<B> task, Supplier<BatchSource<B>> source, VisionTransformer evalEncoder, long encoderSize) {
        this(task, source, evalEncoder, encoderSize, null);
    }

    /** A masked JEPA, evaluated on the encoder {@code c.probeEncoder()} names: the EMA target or the context encoder. */
    static Setup<MaskedBatch> masked(MaskedJepaTask t, Supplier<BatchSource<MaskedBatch>> source, RunConfig c) {
        boolean context = c.probeEncoder().equals("context");
        return new Setup<>(t, source, context ? t.encoder() : t.targetEncoder(), t.encoderSize(), c.probeEncoder());
    }
}
