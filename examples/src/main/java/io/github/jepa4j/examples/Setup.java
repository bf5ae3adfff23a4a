package io.github.jepa4j.examples;

import io.github.jepa4j.core.model.VisionTransformer;
import io.github.jepa4j.core.train.BatchSource;
import io.github.jepa4j.core.train.Task;
import java.util.function.Supplier;

/**
 * A method ready to train: its task, a factory for its batch source (opened only when training),
 * the encoder that is evaluated (the EMA target/teacher where there is one) and the size of the
 * trainable encoder slice (hashed into the summary's checksum).
 */
record Setup<B>(Task<B> task, Supplier<BatchSource<B>> source, VisionTransformer evalEncoder, long encoderSize) {}
