package io.github.jepa4j.image.data;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ImageFolderDatasetTest {
    private static final double[] IN_MEAN = {0.485, 0.456, 0.406};
    private static final double[] IN_STD = {0.229, 0.224, 0.225};

    @TempDir
    Path tmp;

    /** Writes a solid BGR image of {@code h x w}. */
    private static Path solid(Path file, int h, int w, int b, int g, int r) throws IOException {
        Files.createDirectories(file.getParent());
        try (Scalar s = new Scalar(b, g, r, 0); Mat m = new Mat(h, w, CV_8UC3, s)) {
            assertTrue(imwrite(file.toString(), m), "imwrite " + file);
        }
        return file;
    }

    /** Writes a grey image whose pixel (y, x) is {@code px[y][x]}. */
    private static Path grey(Path file, int[][] px) throws IOException {
        Files.createDirectories(file.getParent());
        int h = px.length, w = px[0].length;
        byte[] data = new byte[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                data[y * w + x] = (byte) px[y][x];
            }
        }
        try (BytePointer bp = new BytePointer(data); Mat m = new Mat(h, w, CV_8UC1, bp)) {
            assertTrue(imwrite(file.toString(), m), "imwrite " + file);
        }
        return file;
    }

    private static float[] fill(ImageDataset d, int... indices) {
        INDArray out = Nd4j.create(DataType.FLOAT, indices.length, d.channels(), d.height(), d.width());
        d.fill(indices, out);
        return out.data().asFloat();
    }

    /** Three classes with differently coloured images, some decoys that are not images. */
    private Path threeClasses() throws IOException {
        Path root = tmp.resolve("colours");
        solid(root.resolve("red/a.png"), 6, 8, 0, 0, 255);
        solid(root.resolve("red/b.PNG"), 9, 5, 0, 0, 255);
        solid(root.resolve("green/x.bmp"), 4, 4, 0, 255, 0);
        solid(root.resolve("green/nested/y.jpg"), 10, 12, 0, 255, 0);
        solid(root.resolve("blue/z.JPEG"), 7, 7, 255, 0, 0);
        Files.writeString(root.resolve("blue/notes.txt"), "not an image");
        solid(root.resolve("blue/.hidden.png"), 3, 3, 0, 0, 0);
        solid(root.resolve(".cache/ignored.png"), 3, 3, 0, 0, 0);
        Files.writeString(root.resolve("README"), "loose file");
        return root;
    }

    @Test
    void classesLabelsAndFileOrder() throws IOException {
        Path root = threeClasses();
        ImageFolderDataset d = ImageFolderDataset.builder(root).imageSize(4, 4).build();
        assertArrayEquals(new String[] {"blue", "green", "red"}, d.classNames(), "sorted subfolders, hidden skipped");
        assertEquals(3, d.numClasses());
        assertEquals(5, d.size(), "txt, hidden files and loose files are not images");
        assertArrayEquals(new int[] {1, 2, 2}, d.classCounts());
        int[] labels = new int[5];
        d.labels(new int[] {0, 1, 2, 3, 4}, labels);
        assertArrayEquals(new int[] {0, 1, 1, 2, 2}, labels);
        assertEquals(root.resolve("blue/z.JPEG"), d.path(0));
        assertEquals(root.resolve("green/nested/y.jpg"), d.path(1), "nested/y.jpg sorts before x.bmp");
        assertEquals(root.resolve("red/b.PNG"), d.path(4));
        assertEquals("imagefolder/colours", d.name());
        assertEquals(3, d.channels());
        assertThrows(IllegalArgumentException.class, () -> d.label(5));
    }

    @Test
    void solidColoursAreNormalisedPerChannelInRgbOrder() throws IOException {
        Path root = threeClasses();
        ImageFolderDataset d = ImageFolderDataset.builder(root).imageSize(4, 5).build();
        float[] px = fill(d, 4, 3, 2, 0); // red (upscaled), red, green bmp, blue jpeg
        int plane = 4 * 5;
        double[][] rgb = {{1, 0, 0}, {1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        double[] tol = {1e-6, 1e-6, 1e-6, 3.0 / 255 / 0.224}; // JPEG is lossy
        for (int j = 0; j < 4; j++) {
            for (int c = 0; c < 3; c++) {
                double want = (rgb[j][c] - IN_MEAN[c]) / IN_STD[c];
                for (int k = 0; k < plane; k++) {
                    assertEquals(want, px[(j * 3 + c) * plane + k], tol[j], "image " + j + " channel " + c + " pixel " + k);
                }
            }
        }
    }

    @Test
    void grayscaleUsesLumaAndCustomNormalisation() throws IOException {
        Path root = threeClasses();
        ImageFolderDataset d = ImageFolderDataset.builder(root).channels(1).imageSize(3, 3)
                .normalisation(new double[] {0.5}, new double[] {0.25}).build();
        assertEquals(1, d.channels());
        float[] red = fill(d, 3);
        float[] green = fill(d, 2);
        for (int k = 0; k < 9; k++) {
            assertEquals((0.299 - 0.5) / 0.25, red[k], 1.0 / 255 / 0.25, "grey of pure red = 0.299");
            assertEquals((0.587 - 0.5) / 0.25, green[k], 1.0 / 255 / 0.25, "grey of pure green = 0.587");
        }
        ImageFolderDataset raw = ImageFolderDataset.builder(root).channels(1).imageSize(3, 3).build();
        assertArrayEquals(new double[] {0}, raw.mean());
        assertArrayEquals(new double[] {1}, raw.std());
        assertEquals(0.299, fill(raw, 3)[0], 1.0 / 255);
    }

    /** A 20 x 40 image whose columns [0, blackCols) are 0 and the rest 255; a second class makes it valid. */
    private Path wide(int blackCols) throws IOException {
        Path root = tmp.resolve("wide" + blackCols);
        int[][] px = new int[20][40];
        for (int[] row : px) {
            for (int x = 0; x < 40; x++) {
                row[x] = x < blackCols ? 0 : 255;
            }
        }
        grey(root.resolve("a/wide.png"), px);
        solid(root.resolve("b/other.png"), 4, 4, 9, 9, 9);
        return root;
    }

    @Test
    void shorterSideResizeThenCentreCrop() throws IOException {
        // 20 x 40 -> 10 x 20 (area averaging by exactly 2) -> columns [5, 15): 5 black then 5 white.
        ImageFolderDataset d = ImageFolderDataset.builder(wide(20)).channels(1).imageSize(10, 10).build();
        float[] px = fill(d, 0);
        for (int y = 0; y < 10; y++) {
            for (int x = 0; x < 10; x++) {
                assertEquals(x < 5 ? 0f : 1f, px[y * 10 + x], 1e-6, "pixel (" + y + ", " + x + ")");
            }
        }
        // RGB output of a grey file: three equal channels.
        ImageFolderDataset rgb = ImageFolderDataset.builder(wide(20)).imageSize(10, 10)
                .normalisation(new double[] {0, 0, 0}, new double[] {1, 1, 1}).build();
        float[] c3 = fill(rgb, 0);
        for (int c = 0; c < 3; c++) {
            for (int k = 0; k < 100; k++) {
                assertEquals(px[k], c3[c * 100 + k], 1e-6);
            }
        }
        // Shorter side to 20 (no resize), centre crop columns [15, 25) of a 20-column black edge.
        ImageFolderDataset big = ImageFolderDataset.builder(wide(20)).channels(1).imageSize(10, 10).shorterSide(20).build();
        float[] b = fill(big, 0);
        for (int x = 0; x < 10; x++) {
            assertEquals(x < 5 ? 0f : 1f, b[5 * 10 + x], 1e-6);
        }
    }

    @Test
    void cropAndStretchDiffer() throws IOException {
        Path root = wide(10); // left quarter black
        // Crop: 10 x 20 resized, columns [5, 15) are white (the black quarter is columns [0, 5)).
        float[] crop = fill(ImageFolderDataset.builder(root).channels(1).imageSize(10, 10).build(), 0);
        for (int k = 0; k < 100; k++) {
            assertEquals(1f, crop[k], 1e-6, "pixel " + k);
        }
        // Stretch: 40 -> 10 columns (factor 4): columns 0, 1 black, column 2 half, the rest white.
        float[] st = fill(ImageFolderDataset.builder(root).channels(1).imageSize(10, 10)
                .resizeMode(ImageFolderDataset.ResizeMode.STRETCH).build(), 0);
        float[] row = new float[10];
        System.arraycopy(st, 30, row, 0, 10);
        assertArrayEquals(new float[] {0, 0, 0.5f, 1, 1, 1, 1, 1, 1, 1}, row, 1.0f / 255 + 1e-6f);
    }

    @Test
    void missingRootNamesThePath() {
        Path missing = tmp.resolve("nope/at/all");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImageFolderDataset.builder(missing).build());
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void emptyAndSingleClassFoldersAreRejected() throws IOException {
        Path noClasses = tmp.resolve("flat");
        solid(noClasses.resolve("img.png"), 3, 3, 1, 2, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImageFolderDataset.builder(noClasses).build());
        assertTrue(e.getMessage().contains("no class subfolders") && e.getMessage().contains("1 files"), e.getMessage());

        Path oneEmpty = tmp.resolve("oneEmpty");
        solid(oneEmpty.resolve("cats/c.png"), 3, 3, 1, 2, 3);
        Files.createDirectories(oneEmpty.resolve("dogs"));
        Files.writeString(oneEmpty.resolve("dogs/readme.txt"), "x");
        e = assertThrows(IllegalArgumentException.class, () -> ImageFolderDataset.builder(oneEmpty).build());
        assertTrue(e.getMessage().contains(oneEmpty.resolve("dogs").toString())
                && e.getMessage().contains("0 images, 1 other files") && e.getMessage().contains("1 of 2"), e.getMessage());

        Path single = tmp.resolve("single");
        solid(single.resolve("only/a.png"), 3, 3, 1, 2, 3);
        solid(single.resolve("only/b.png"), 3, 3, 1, 2, 3);
        e = assertThrows(IllegalArgumentException.class, () -> ImageFolderDataset.builder(single).build());
        assertTrue(e.getMessage().contains("only 1 class") && e.getMessage().contains("'only', 2 images"), e.getMessage());
    }

    @Test
    void builderValidates() throws IOException {
        Path root = threeClasses();
        assertThrows(IllegalArgumentException.class, () -> ImageFolderDataset.builder(root).channels(2).build());
        assertThrows(IllegalArgumentException.class, () -> ImageFolderDataset.builder(root).imageSize(0, 4).build());
        assertThrows(IllegalArgumentException.class, () -> ImageFolderDataset.builder(root).resizeMode(null).build());
        assertThrows(IllegalArgumentException.class, () -> ImageFolderDataset.builder(root).imageSize(8, 8).shorterSide(7).build());
        assertThrows(IllegalArgumentException.class, () -> ImageFolderDataset.builder(root).shorterSide(300)
                .resizeMode(ImageFolderDataset.ResizeMode.STRETCH).build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageFolderDataset.builder(root)
                .normalisation(new double[] {0.5}, new double[] {0.5}).build());
        assertTrue(e.getMessage().contains("3 means"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ImageFolderDataset.builder(root)
                .normalisation(new double[] {0, 0, 0}, new double[] {1, 0, 1}).build());
        assertThrows(IllegalArgumentException.class, () -> ImageFolderDataset.builder(null).build());
        ImageFolderDataset d = ImageFolderDataset.builder(root).imageSize(4, 4).build();
        assertThrows(IllegalArgumentException.class, () -> d.fill(new int[] {0}, Nd4j.create(DataType.FLOAT, 1, 3, 4, 5)));
        assertThrows(IllegalArgumentException.class, () -> d.fill(new int[] {7}, Nd4j.create(DataType.FLOAT, 1, 3, 4, 4)));
    }

    private Path withCorruptFile() throws IOException {
        Path root = tmp.resolve("corrupt");
        for (int i = 0; i < 6; i++) {
            solid(root.resolve("a/img" + i + ".png"), 5, 5, 10 * i, 0, 0);
            solid(root.resolve("b/img" + i + ".png"), 5, 5, 0, 10 * i, 0);
        }
        byte[] junk = new byte[300];
        new Random(3).nextBytes(junk);
        Files.write(root.resolve("b/zz_broken.png"), junk);
        return root;
    }

    @Test
    void corruptFileIsNamedByFill() throws IOException {
        Path root = withCorruptFile();
        ImageFolderDataset d = ImageFolderDataset.builder(root).imageSize(4, 4).build();
        assertEquals(13, d.size(), "the broken file is listed; it fails only when decoded");
        Path bad = root.resolve("b/zz_broken.png");
        assertEquals(bad, d.path(12));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fill(d, 0, 12));
        assertTrue(e.getMessage().contains(bad.toString()) && e.getMessage().contains("cannot decode"), e.getMessage());
        fill(d, 0, 11); // the dataset stays usable

        // On a BatchLoader worker the failure reaches the consumer with the file in the cause.
        try (BatchLoader l = BatchLoader.builder(d, 4).workers(2).shuffle(false).dropLast(false).epochs(1).build()) {
            for (int g = 0; g < 3; g++) {
                l.next().release(); // images 0..11
            }
            IllegalStateException ise = assertThrows(IllegalStateException.class, l::next);
            assertInstanceOf(IllegalArgumentException.class, ise.getCause());
            assertTrue(ise.getCause().getMessage().contains(bad.toString()), ise.getCause().getMessage());
        }
    }

    @Test
    void unreadableFileIsNamed() throws IOException {
        Path root = threeClasses();
        ImageFolderDataset d = ImageFolderDataset.builder(root).imageSize(4, 4).build();
        Files.delete(d.path(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fill(d, 1));
        assertTrue(e.getMessage().contains("cannot read image file " + d.path(1)), e.getMessage());
    }

    @Test
    void batchLoaderWithTwoWorkersIsDeterministic() throws IOException {
        Path root = tmp.resolve("many");
        Random r = new Random(5);
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < 7; i++) {
                int[][] px = new int[6 + r.nextInt(6)][6 + r.nextInt(6)];
                for (int[] row : px) {
                    for (int x = 0; x < row.length; x++) {
                        row[x] = r.nextInt(256);
                    }
                }
                grey(root.resolve("c" + k + "/i" + i + ".png"), px);
            }
        }
        ImageFolderDataset d = ImageFolderDataset.builder(root).imageSize(5, 5).build();
        List<float[]> first = new ArrayList<>(), second = new ArrayList<>();
        List<int[]> idx = new ArrayList<>();
        for (List<float[]> into : List.of(first, second)) {
            try (BatchLoader l = BatchLoader.builder(d, 4).workers(2).buffers(3).seed(11).epochs(2).build()) {
                while (l.hasNext()) {
                    try (Batch b = l.next()) {
                        into.add(b.images().dup().data().asFloat());
                        if (into == first) {
                            idx.add(b.indices().clone());
                            for (int j = 0; j < b.size(); j++) {
                                assertEquals(d.label(b.indices()[j]), b.labels()[j]);
                            }
                        }
                    }
                }
            }
        }
        assertEquals(10, first.size(), "21 / 4 = 5 batches per epoch, 2 epochs");
        for (int g = 0; g < first.size(); g++) {
            assertArrayEquals(first.get(g), second.get(g), "batch " + g);
            assertArrayEquals(fill(d, idx.get(g)), first.get(g), "batch " + g + " equals a direct fill");
        }
    }
}
