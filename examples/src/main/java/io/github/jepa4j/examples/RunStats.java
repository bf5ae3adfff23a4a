package io.github.jepa4j.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Process and parameter facts reported in a run's summary. */
public final class RunStats {
    private RunStats() {}

    /** Peak resident set size of this process in MB (VmHWM), or -1 where /proc is unavailable. */
    public static double peakRssMb() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmHWM:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** SHA-256 (hex) of the float32 little-endian bytes of {@code params}, for comparing runs bit for bit. */
    public static String sha256(INDArray params) {
        float[] f = params.castTo(DataType.FLOAT).dup().data().asFloat();
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate(f.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        bb.asFloatBuffer().put(f);
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(bb.array());
            StringBuilder sb = new StringBuilder();
            for (byte b : h) {
                sb.append(String.format("%02x", b));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
