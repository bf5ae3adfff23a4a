package io.github.jepa4j.image.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reader for the IDX format of MNIST and Fashion-MNIST (LeCun et al.), plain or gzipped (detected
 * from the gzip magic bytes, not the file name).
 *
 * <p>Layout, big-endian: image files {@code int32 2051, int32 count, int32 rows, int32 cols},
 * then {@code count * rows * cols} uint8 pixels in row-major order; label files {@code int32
 * 2049, int32 count}, then {@code count} uint8 labels. Every defect (missing file, wrong magic
 * number, bad dimensions, truncated or over-long data, corrupt gzip stream) is an {@link
 * IllegalArgumentException} whose message starts with the file path and names the defect; other
 * I/O failures are {@link UncheckedIOException}s naming the path.
 */
public final class IdxReader {
    /** Magic number of an IDX file of unsigned bytes with 3 dimensions (images). */
    public static final int IMAGES_MAGIC = 2051;
    /** Magic number of an IDX file of unsigned bytes with 1 dimension (labels). */
    public static final int LABELS_MAGIC = 2049;

    private IdxReader() {}

    /** The pixels of an image file: {@code count} images of {@code rows x cols}, uint8, row-major. */
    public record Images(int count, int rows, int cols, byte[] pixels) {}

    public static Images readImages(Path path) {
        try (InputStream in = open(path)) {
            int[] h = header(path, in, 4, IMAGES_MAGIC, "image (IDX3)");
            int count = h[1], rows = h[2], cols = h[3];
            if (count < 0 || rows <= 0 || cols <= 0) {
                throw defect(path, "bad dimensions in header: " + count + " images of " + rows + "x" + cols);
            }
            long bytes = (long) count * rows * cols;
            if (bytes > Integer.MAX_VALUE - 16) {
                throw defect(path, "header says " + count + " images of " + rows + "x" + cols + " (" + bytes
                        + " bytes), more than this reader supports");
            }
            String what = "header says " + count + " images of " + rows + "x" + cols + " (" + bytes + " bytes)";
            byte[] px = body(path, in, (int) bytes, what);
            return new Images(count, rows, cols, px);
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot read: " + e.getMessage(), e);
        }
    }

    public static byte[] readLabels(Path path) {
        try (InputStream in = open(path)) {
            int[] h = header(path, in, 2, LABELS_MAGIC, "label (IDX1)");
            int count = h[1];
            if (count < 0) {
                throw defect(path, "bad dimensions in header: " + count + " labels");
            }
            return body(path, in, count, "header says " + count + " labels (" + count + " bytes)");
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static IllegalArgumentException defect(Path path, String what) {
        return new IllegalArgumentException(path + ": " + what);
    }

    private static InputStream open(Path path) throws IOException {
        InputStream raw;
        try {
            raw = Files.newInputStream(path);
        } catch (NoSuchFileException e) {
            throw defect(path, "file not found");
        }
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            try {
                return new GZIPInputStream(in, 1 << 16);
            } catch (EOFException | ZipException e) {
                in.close();
                throw defect(path, "corrupt gzip header (" + e.getMessage() + ")");
            }
        }
        return in;
    }

    /** Reads {@code ints} big-endian int32s, checking the first (read alone) is {@code magic}. */
    private static int[] header(Path path, InputStream in, int ints, int magic, String kind) throws IOException {
        int[] h = new int[ints];
        byte[] b = new byte[4];
        for (int i = 0; i < ints; i++) {
            int got = readFully(path, in, b, "expected a " + 4 * ints + "-byte header");
            if (got < 4) {
                throw defect(path, "truncated header: expected " + 4 * ints + " bytes, file has " + (4 * i + got));
            }
            h[i] = ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
            if (i == 0 && h[0] != magic) {
                String hint = h[0] == IMAGES_MAGIC ? " (2051 is an image file)"
                        : h[0] == LABELS_MAGIC ? " (2049 is a label file)" : "";
                throw defect(path, "wrong magic number " + h[0] + hint + ", expected " + magic + " for an IDX " + kind + " file");
            }
        }
        return h;
    }

    private static byte[] body(Path path, InputStream in, int n, String what) throws IOException {
        byte[] data = new byte[n];
        int got = readFully(path, in, data, what);
        if (got < n) {
            throw defect(path, "truncated: " + what + " but only " + got + " bytes follow");
        }
        long extra = 0;
        byte[] skip = new byte[8192];
        int r;
        try {
            while ((r = in.read(skip)) > 0) {
                extra += r;
            }
        } catch (EOFException | ZipException e) {
            throw defect(path, "truncated or corrupt gzip stream after the " + n + " data bytes (" + reason(e) + ")");
        }
        if (extra > 0) {
            throw defect(path, "too long: " + what + " but " + (n + extra) + " bytes follow (" + extra + " extra)");
        }
        return data;
    }

    /** Reads until {@code b} is full or the stream ends; returns the byte count. */
    private static int readFully(Path path, InputStream in, byte[] b, String what) throws IOException {
        int off = 0;
        try {
            while (off < b.length) {
                int r = in.read(b, off, b.length - off);
                if (r < 0) {
                    break;
                }
                off += r;
            }
        } catch (EOFException | ZipException e) {
            // A gzip stream cut short or damaged: the uncompressed data stops early.
            throw defect(path, "truncated or corrupt gzip stream: " + what + " but it breaks off after "
                    + off + " bytes (" + reason(e) + ")");
        }
        return off;
    }

    private static String reason(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
