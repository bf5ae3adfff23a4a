package io.github.jepa4j.video.decode;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Raw access to float batch memory for bulk copies. */
final class Batches {
    private Batches() {}

    /** A pointer to element 0 of {@code a} (a float array or view); it does not own the memory. */
    static FloatPointer pointer(INDArray a) {
        return new FloatPointer(a.data().addressPointer());
    }
}
