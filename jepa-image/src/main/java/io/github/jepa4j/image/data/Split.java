package io.github.jepa4j.image.data;

/** Which part of a dataset: the training images or the held-out test images. */
public enum Split {
    TRAIN,
    TEST
}
