package io.github.jepa4j.image.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class IdxReaderTest {
    @TempDir
    Path dir;

    static byte[] idx(int magic, int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.putInt(magic);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(data);
        return b.array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(bo)) {
            g.write(raw);
        }
        return bo.toByteArray();
    }

    static byte[] pixels(int n) {
        byte[] p = new byte[n];
        for (int i = 0; i < n; i++) {
            p[i] = (byte) (i * 37 + 11);
        }
        return p;
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    private static void assertMessage(Throwable e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message lacks '" + p + "': " + e.getMessage());
        }
    }

    @Test
    void readsPlainAndGzippedFiles() throws IOException {
        byte[] px = pixels(3 * 4 * 5);
        byte[] raw = idx(2051, new int[] {3, 4, 5}, px);
        for (Path p : new Path[] {write("a-idx3-ubyte", raw), write("b-idx3-ubyte.gz", gzip(raw)), write("c.bin", gzip(raw))}) {
            IdxReader.Images im = IdxReader.readImages(p);
            assertEquals(3, im.count());
            assertEquals(4, im.rows());
            assertEquals(5, im.cols());
            assertArrayEquals(px, im.pixels());
        }
        byte[] lbl = {0, 9, 3, 3};
        assertArrayEquals(lbl, IdxReader.readLabels(write("l.gz", gzip(idx(2049, new int[] {4}, lbl)))));
    }

    @Test
    void wrongMagicNamesFileAndNumbers() throws IOException {
        Path p = write("labels.gz", gzip(idx(2049, new int[] {4}, new byte[4])));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IdxReader.readImages(p));
        assertMessage(e, p.toString(), "wrong magic number 2049", "expected 2051");
        Path q = write("junk", idx(0x12345678, new int[] {1}, new byte[1]));
        assertMessage(assertThrows(IllegalArgumentException.class, () -> IdxReader.readLabels(q)),
                q.toString(), "wrong magic number " + 0x12345678, "expected 2049");
    }

    @Test
    void truncatedAndOverlongFilesAreReported() throws IOException {
        byte[] raw = idx(2051, new int[] {3, 4, 5}, pixels(60));
        Path plain = write("t-images", Arrays.copyOf(raw, 16 + 17));
        assertMessage(assertThrows(IllegalArgumentException.class, () -> IdxReader.readImages(plain)),
                plain.toString() + ": truncated: header says 3 images of 4x5 (60 bytes) but only 17 bytes follow");

        Path gz = write("t-images.gz", Arrays.copyOf(gzip(raw), 30)); // gzip stream cut short
        assertMessage(assertThrows(IllegalArgumentException.class, () -> IdxReader.readImages(gz)),
                gz.toString(), "truncated");

        Path header = write("short", Arrays.copyOf(raw, 10));
        assertMessage(assertThrows(IllegalArgumentException.class, () -> IdxReader.readImages(header)),
                header.toString(), "truncated header", "16 bytes");

        byte[] longer = Arrays.copyOf(raw, raw.length + 5);
        Path over = write("long.gz", gzip(longer));
        assertMessage(assertThrows(IllegalArgumentException.class, () -> IdxReader.readImages(over)),
                over.toString(), "too long", "5 extra");

        Path labels = write("l", Arrays.copyOf(idx(2049, new int[] {10}, new byte[10]), 8 + 4));
        assertMessage(assertThrows(IllegalArgumentException.class, () -> IdxReader.readLabels(labels)),
                labels.toString(), "header says 10 labels (10 bytes) but only 4 bytes follow");

        Path dims = write("dims", idx(2051, new int[] {2, 0, 5}, new byte[0]));
        assertMessage(assertThrows(IllegalArgumentException.class, () -> IdxReader.readImages(dims)),
                dims.toString(), "bad dimensions", "2 images of 0x5");
    }

    @Test
    void missingFileIsNamed() {
        Path p = dir.resolve("nope.gz");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> IdxReader.readImages(p)), p.toString(), "not found");
    }

    private void writeFashion(Path d, String prefix, int n, int rows, int cols, int nLabels, byte[] labels) throws IOException {
        Files.createDirectories(d);
        Files.write(d.resolve(prefix + "-images-idx3-ubyte.gz"), gzip(idx(2051, new int[] {n, rows, cols}, pixels(n * rows * cols))));
        Files.write(d.resolve(prefix + "-labels-idx1-ubyte"), idx(2049, new int[] {nLabels}, labels));
    }

    @Test
    void fashionMnistOnSyntheticFiles() throws IOException {
        Path d = dir.resolve("fm");
        writeFashion(d, "t10k", 5, 3, 2, 5, new byte[] {0, 1, 9, 2, 2});
        FashionMnist fm = FashionMnist.load(d, Split.TEST, 0.5, 0.25);
        assertEquals(5, fm.size());
        assertEquals(3, fm.height());
        assertEquals(2, fm.width());
        assertEquals(9, fm.label(2));
        assertEquals("Ankle boot", fm.classNames()[9]);
        // Fill rows 1..2 of a bigger array through a view: images 4 and 0.
        INDArray big = Nd4j.zeros(DataType.FLOAT, 4, 1, 3, 2);
        fm.fill(new int[] {4, 0}, big.get(NDArrayIndex.interval(1, 3), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all()));
        byte[] px = pixels(30);
        for (int j = 0; j < 2; j++) {
            int img = j == 0 ? 4 : 0;
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 2; c++) {
                    int u = px[img * 6 + r * 2 + c] & 0xff;
                    assertEquals(u, fm.pixel(img, r, c));
                    assertEquals((u / 255.0 - 0.5) / 0.25, big.getDouble(j + 1, 0, r, c), 1e-5);
                }
            }
        }
        assertEquals(0.0, big.get(NDArrayIndex.point(0)).sumNumber().doubleValue(), "rows outside the view untouched");
        assertEquals(0.0, big.get(NDArrayIndex.point(3)).sumNumber().doubleValue());
        FashionMnist raw = fm.withNormalisation(0, 1);
        INDArray one = Nd4j.zeros(DataType.FLOAT, 1, 1, 3, 2);
        raw.fill(new int[] {1}, one);
        assertEquals((px[6] & 0xff) / 255.0, one.getDouble(0, 0, 0, 0), 1e-6);

        assertThrows(IllegalArgumentException.class, () -> fm.fill(new int[] {5}, Nd4j.zeros(DataType.FLOAT, 1, 1, 3, 2)));
        assertThrows(IllegalArgumentException.class, () -> fm.fill(new int[] {0}, Nd4j.zeros(DataType.FLOAT, 1, 1, 2, 3)));
        assertThrows(IllegalArgumentException.class, () -> fm.fill(new int[] {0}, Nd4j.zeros(DataType.DOUBLE, 1, 1, 3, 2)));
        assertThrows(IllegalArgumentException.class,
                () -> fm.fill(new int[] {0, 1}, Nd4j.zeros(DataType.FLOAT, 2, 1, 2, 3).permute(0, 1, 3, 2)));
    }

    @Test
    void fashionMnistErrorsNameFilesAndTheFix() throws IOException {
        Path missing = dir.resolve("absent");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> FashionMnist.load(missing, Split.TRAIN)),
                missing.toString(), "apt-get install dataset-fashion-mnist");

        Path d = dir.resolve("partial");
        writeFashion(d, "t10k", 2, 2, 2, 2, new byte[] {1, 2});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FashionMnist.load(d, Split.TRAIN));
        assertMessage(e, d.resolve("train-images-idx3-ubyte.gz").toString(), "not found", "apt-get install dataset-fashion-mnist");

        Path mism = dir.resolve("mismatch");
        writeFashion(mism, "train", 3, 2, 2, 2, new byte[] {1, 2});
        assertMessage(assertThrows(IllegalArgumentException.class, () -> FashionMnist.load(mism, Split.TRAIN)),
                "train-images-idx3-ubyte.gz holds 3 images", "train-labels-idx1-ubyte holds 2 labels");

        Path bad = dir.resolve("badlabel");
        writeFashion(bad, "train", 2, 2, 2, 2, new byte[] {1, 12});
        assertMessage(assertThrows(IllegalArgumentException.class, () -> FashionMnist.load(bad, Split.TRAIN)),
                "train-labels-idx1-ubyte", "label 12 of image 1");
    }
}
