package io.github.jepa4j.image.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017): 70,000 grayscale 28x28 images of 10 clothing
 * classes, 60,000 for training and 10,000 for testing, read from the original IDX files.
 *
 * <p>Files, in the directory given (default {@value #DEFAULT_DIR}, installed by {@code apt-get
 * install dataset-fashion-mnist}): {@code train-images-idx3-ubyte[.gz]}, {@code
 * train-labels-idx1-ubyte[.gz]}, {@code t10k-images-idx3-ubyte[.gz]}, {@code
 * t10k-labels-idx1-ubyte[.gz]}. Image size is read from the header. Pixels are held as uint8
 * ({@code size * H * W} bytes) and converted by {@link #fill} to {@code (u / 255 - mean) / std},
 * by default with the training-set statistics mean 0.2860, std 0.3530. Shape {@code [1, H, W]}.
 */
public final class FashionMnist implements ImageDataset {
    /** Where the Debian package dataset-fashion-mnist installs the files. */
    public static final String DEFAULT_DIR = "/usr/share/datasets/fashion-mnist";
    /** Training-set pixel mean after scaling to [0, 1]. */
    public static final double DEFAULT_MEAN = 0.2860;
    /** Training-set pixel standard deviation after scaling to [0, 1]. */
    public static final double DEFAULT_STD = 0.3530;

    private static final String[] CLASSES = {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"
    };

    private final String name;
    private final int count;
    private final int rows;
    private final int cols;
    private final byte[] pixels;
    private final byte[] labels;
    private final double mean;
    private final double std;
    private final float[] table;

    private FashionMnist(String name, int count, int rows, int cols, byte[] pixels, byte[] labels, double mean, double std) {
        this.name = name;
        this.count = count;
        this.rows = rows;
        this.cols = cols;
        this.pixels = pixels;
        this.labels = labels;
        this.mean = mean;
        this.std = std;
        this.table = BatchArrays.normalisationTable(mean, std);
    }

    /** The split from {@value #DEFAULT_DIR} with the default normalisation. */
    public static FashionMnist load(Split split) {
        return load(Path.of(DEFAULT_DIR), split);
    }

    /** The split from {@code dir} with the default normalisation. */
    public static FashionMnist load(Path dir, Split split) {
        return load(dir, split, DEFAULT_MEAN, DEFAULT_STD);
    }

    /** The split from {@code dir}, normalised as {@code (u / 255 - mean) / std}. */
    public static FashionMnist load(Path dir, Split split, double mean, double std) {
        BatchArrays.checkNormalisation(mean, std);
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("Fashion-MNIST directory " + dir + " does not exist; "
                    + "`apt-get install dataset-fashion-mnist` provides the files in " + DEFAULT_DIR);
        }
        String prefix = split == Split.TRAIN ? "train" : "t10k";
        Path imgFile = find(dir, prefix + "-images-idx3-ubyte");
        Path lblFile = find(dir, prefix + "-labels-idx1-ubyte");
        IdxReader.Images img = IdxReader.readImages(imgFile);
        byte[] lbl = IdxReader.readLabels(lblFile);
        if (img.count() != lbl.length) {
            throw new IllegalArgumentException(imgFile + " holds " + img.count() + " images but " + lblFile + " holds "
                    + lbl.length + " labels; the counts must be equal");
        }
        for (int i = 0; i < lbl.length; i++) {
            if ((lbl[i] & 0xff) >= CLASSES.length) {
                throw new IllegalArgumentException(lblFile + ": label " + (lbl[i] & 0xff) + " of image " + i
                        + " is outside the classes 0.." + (CLASSES.length - 1));
            }
        }
        return new FashionMnist("fashion-mnist/" + split.name().toLowerCase(Locale.ROOT), img.count(),
                img.rows(), img.cols(), img.pixels(), lbl, mean, std);
    }

    /** {@code base.gz} if present, else {@code base}; an error naming both when neither exists. */
    private static Path find(Path dir, String base) {
        Path gz = dir.resolve(base + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        Path plain = dir.resolve(base);
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        throw new IllegalArgumentException("Fashion-MNIST file " + gz + " (or " + plain + ") not found; "
                + "`apt-get install dataset-fashion-mnist` provides it in " + DEFAULT_DIR);
    }

    /** The same images with another normalisation (shares the pixel data). */
    public FashionMnist withNormalisation(double mean, double std) {
        return new FashionMnist(name, count, rows, cols, pixels, labels, mean, std);
    }

    public double mean() {
        return mean;
    }

    public double std() {
        return std;
    }

    /** The raw uint8 pixel {@code (r, c)} of image {@code i}, in [0, 255]. */
    public int pixel(int i, int r, int c) {
        if (i < 0 || i >= count || r < 0 || r >= rows || c < 0 || c >= cols) {
            throw new IllegalArgumentException(name + ": pixel (" + i + ", " + r + ", " + c + ") is outside "
                    + count + " images of " + rows + "x" + cols);
        }
        return pixels[(i * rows + r) * cols + c] & 0xff;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public int channels() {
        return 1;
    }

    @Override
    public int height() {
        return rows;
    }

    @Override
    public int width() {
        return cols;
    }

    @Override
    public int numClasses() {
        return CLASSES.length;
    }

    @Override
    public String[] classNames() {
        return CLASSES.clone();
    }

    @Override
    public int label(int i) {
        return labels[i] & 0xff;
    }

    @Override
    public void fill(int[] indices, INDArray out) {
        FloatPointer p = BatchArrays.target(this, indices, out);
        int n = rows * cols;
        float[] img = new float[n];
        for (int j = 0; j < indices.length; j++) {
            int base = indices[j] * n;
            for (int k = 0; k < n; k++) {
                img[k] = table[pixels[base + k] & 0xff];
            }
            p.position((long) j * n).put(img, 0, n);
        }
    }

    @Override
    public String toString() {
        return name + "[" + count + " x " + rows + "x" + cols + "]";
    }
}
