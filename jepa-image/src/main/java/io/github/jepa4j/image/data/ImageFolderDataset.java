package io.github.jepa4j.image.data;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_GRAYSCALE;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Images in a directory tree with one subfolder per class, as torchvision's {@code ImageFolder}:
 * {@code root/<class>/**}{@code /<image>}. Classes are the non-hidden subfolders of {@code root} in
 * sorted name order (label = position, {@link #classNames()}); images are the non-hidden files
 * ending in {@code .png, .jpg, .jpeg, .bmp} (any case) anywhere below a class folder, ordered by
 * class, then by relative path.
 *
 * <p>{@link #fill} decodes lazily, on the calling (loader worker) thread, with OpenCV: the file is
 * read, decoded as 8-bit RGB (3 channels) or luma grey {@code 0.299 R + 0.587 G + 0.114 B} (1
 * channel), resized, and normalised per channel to {@code (u / 255 - mean_c) / std_c}. Resize
 * modes: {@link ResizeMode#SHORTER_SIDE_CROP} (default) scales by {@code s = max(H / H0, W / W0)}
 * (or {@code shorterSide / min(H0, W0)} when {@link Builder#shorterSide} is set) and takes the
 * centred {@code H x W} crop; {@link ResizeMode#STRETCH} resizes straight to {@code H x W}.
 * Shrinking uses area averaging, enlarging bilinear interpolation. Output {@code [C, H, W]},
 * channels in RGB order.
 *
 * <p>Defaults: 3 channels, 224x224, shorter side + centre crop, ImageNet mean {@code (0.485,
 * 0.456, 0.406)} and std {@code (0.229, 0.224, 0.225)} for 3 channels, mean 0 and std 1 for one.
 *
 * <p>Thread-safety: immutable apart from per-thread decoding buffers (OpenCV {@link Mat}s and
 * arrays in a {@link ThreadLocal}), whose pixel memory is released at the end of every {@link
 * #fill}, so nothing is cached between calls beyond small headers. A file that cannot be read or
 * decoded makes {@link #fill} throw an {@link IllegalArgumentException} naming the file.
 */
public final class ImageFolderDataset implements ImageDataset {

    /** How a decoded image is brought to {@code H x W}. */
    public enum ResizeMode {
        /** Scale preserving aspect ratio so the image covers {@code H x W}, then crop the centre. */
        SHORTER_SIDE_CROP,
        /** Resize to exactly {@code H x W}, ignoring aspect ratio. */
        STRETCH
    }

    /** File name endings read as images (compared case-insensitively). */
    public static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".bmp");

    private static final double[] IMAGENET_MEAN = {0.485, 0.456, 0.406};
    private static final double[] IMAGENET_STD = {0.229, 0.224, 0.225};
    /** Per-thread buffers above this many bytes are freed after each fill. */
    private static final int KEEP_BYTES = 1 << 22;

    private final Path root;
    private final String name;
    private final String[] classes;
    private final Path[] files;
    private final int[] labels;
    private final int[] classCounts;
    private final int channels;
    private final int height;
    private final int width;
    private final ResizeMode mode;
    private final int shorterSide;
    private final double[] mean;
    private final double[] std;
    private final float[][] tables;
    private final ThreadLocal<Decoder> decoders = ThreadLocal.withInitial(Decoder::new);

    /** One thread's decoding buffers. */
    private static final class Decoder {
        BytePointer encoded;
        long capacity;
        final Mat resized = new Mat();
        byte[] pixels = new byte[0];
        float[] image = new float[0];

        BytePointer encoded(int n) {
            if (encoded == null || capacity < n) {
                if (encoded != null) {
                    encoded.close();
                }
                encoded = new BytePointer(n);
                capacity = n;
            }
            return encoded;
        }

        /** Frees what is large, so that idle threads do not hold image memory. */
        void trim() {
            resized.release();
            if (encoded != null && capacity > KEEP_BYTES) {
                encoded.close();
                encoded = null;
                capacity = 0;
            }
            if (pixels.length > KEEP_BYTES) {
                pixels = new byte[0];
            }
        }
    }

    private ImageFolderDataset(Builder b, double[] mean, double[] std, String[] classes, Path[] files, int[] labels,
            int[] counts) {
        this.root = b.root;
        this.name = b.name != null ? b.name : "imagefolder/" + (b.root.getFileName() == null ? b.root : b.root.getFileName());
        this.classes = classes;
        this.files = files;
        this.labels = labels;
        this.classCounts = counts;
        this.channels = b.channels;
        this.height = b.height;
        this.width = b.width;
        this.mode = b.mode;
        this.shorterSide = b.shorterSide;
        this.mean = mean;
        this.std = std;
        this.tables = new float[channels][];
        for (int c = 0; c < channels; c++) {
            tables[c] = BatchArrays.normalisationTable(mean[c], std[c]);
        }
    }

    /** A builder for the tree under {@code root}. */
    public static Builder builder(Path root) {
        return new Builder(root);
    }

    /** The ImageNet per-channel mean (R, G, B) after scaling to [0, 1]. */
    public static double[] imagenetMean() {
        return IMAGENET_MEAN.clone();
    }

    /** The ImageNet per-channel standard deviation (R, G, B) after scaling to [0, 1]. */
    public static double[] imagenetStd() {
        return IMAGENET_STD.clone();
    }

    public Path root() {
        return root;
    }

    /** The file of image {@code i}. */
    public Path path(int i) {
        checkIndex(i);
        return files[i];
    }

    /** Number of images per class, indexed by label. */
    public int[] classCounts() {
        return classCounts.clone();
    }

    public ResizeMode resizeMode() {
        return mode;
    }

    /** Per-channel normalisation mean. */
    public double[] mean() {
        return mean.clone();
    }

    /** Per-channel normalisation standard deviation. */
    public double[] std() {
        return std.clone();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int size() {
        return files.length;
    }

    @Override
    public int channels() {
        return channels;
    }

    @Override
    public int height() {
        return height;
    }

    @Override
    public int width() {
        return width;
    }

    @Override
    public int numClasses() {
        return classes.length;
    }

    @Override
    public String[] classNames() {
        return classes.clone();
    }

    @Override
    public int label(int i) {
        checkIndex(i);
        return labels[i];
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= files.length) {
            throw new IllegalArgumentException(name + ": image index " + i + " is outside [0, " + files.length + ")");
        }
    }

    @Override
    public void fill(int[] indices, INDArray out) {
        FloatPointer p = BatchArrays.target(this, indices, out);
        Decoder d = decoders.get();
        int n = channels * height * width;
        if (d.image.length < n) {
            d.image = new float[n];
        }
        try {
            for (int j = 0; j < indices.length; j++) {
                decode(files[indices[j]], d);
                p.position((long) j * n).put(d.image, 0, n);
            }
        } finally {
            d.trim();
        }
    }

    /** Decodes, resizes and normalises {@code file} into {@code d.image[0, C H W)}. */
    private void decode(Path file, Decoder d) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(name + ": cannot read image file " + file + ": " + e, e);
        }
        if (bytes.length == 0) {
            throw new IllegalArgumentException(name + ": image file " + file + " is empty");
        }
        BytePointer enc = d.encoded(bytes.length);
        enc.position(0).put(bytes, 0, bytes.length);
        try (Mat buf = new Mat(1, bytes.length, CV_8UC1, enc);
                Mat img = imdecode(buf, channels == 3 ? IMREAD_COLOR : IMREAD_GRAYSCALE)) {
            if (img == null || img.empty() || img.channels() != channels) {
                throw new IllegalArgumentException(name + ": cannot decode image file " + file + " (" + bytes.length
                        + " bytes): not a valid PNG, JPEG or BMP image");
            }
            int h0 = img.rows();
            int w0 = img.cols();
            int rh = height;
            int rw = width;
            if (mode == ResizeMode.SHORTER_SIDE_CROP) {
                double s = shorterSide > 0 ? (double) shorterSide / Math.min(h0, w0)
                        : Math.max((double) height / h0, (double) width / w0);
                rh = Math.max(height, (int) Math.round(h0 * s));
                rw = Math.max(width, (int) Math.round(w0 * s));
            }
            Mat src = img;
            if (rh != h0 || rw != w0) {
                int interp = rh <= h0 && rw <= w0 ? INTER_AREA : INTER_LINEAR;
                try (Size size = new Size(rw, rh)) {
                    resize(img, d.resized, size, 0, 0, interp);
                }
                src = d.resized;
            }
            int total = rh * rw * channels;
            if (d.pixels.length < total) {
                d.pixels = new byte[total];
            }
            if (!src.isContinuous()) {
                throw new IllegalStateException("OpenCV returned a non-continuous image for " + file);
            }
            src.data().get(d.pixels, 0, total);
            copyCentre(d.pixels, rh, rw, d.image);
        }
    }

    /** Centre {@code H x W} crop of interleaved {@code rh x rw} pixels (BGR or grey) to normalised planar RGB / grey. */
    private void copyCentre(byte[] px, int rh, int rw, float[] dst) {
        int y0 = (rh - height) / 2;
        int x0 = (rw - width) / 2;
        int plane = height * width;
        for (int c = 0; c < channels; c++) {
            float[] t = tables[c];
            int srcChannel = channels == 3 ? 2 - c : 0; // OpenCV decodes colour as BGR
            int o = c * plane;
            for (int y = 0; y < height; y++) {
                int s = ((y0 + y) * rw + x0) * channels + srcChannel;
                for (int x = 0; x < width; x++, s += channels) {
                    dst[o++] = t[px[s] & 0xff];
                }
            }
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s[%d images, %d classes, %dx%dx%d, %s]", name, files.length, classes.length,
                channels, height, width, mode);
    }

    static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.startsWith(".")) {
            return false;
        }
        for (String e : EXTENSIONS) {
            if (n.endsWith(e)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hidden(Path p) {
        return p.getFileName() != null && p.getFileName().toString().startsWith(".");
    }

    /** Configuration; {@link #build()} validates it and scans the tree. */
    public static final class Builder {
        private final Path root;
        private String name;
        private int channels = 3;
        private int height = 224;
        private int width = 224;
        private ResizeMode mode = ResizeMode.SHORTER_SIDE_CROP;
        private int shorterSide = 0;
        private double[] mean;
        private double[] std;

        private Builder(Path root) {
            this.root = root;
        }

        /** Name for logs (default {@code imagefolder/<root folder name>}). */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** 3 for RGB (default) or 1 for grayscale. */
        public Builder channels(int channels) {
            this.channels = channels;
            return this;
        }

        /** Output height and width in pixels (default 224x224). */
        public Builder imageSize(int height, int width) {
            this.height = height;
            this.width = width;
            return this;
        }

        /** How images are brought to the output size (default {@link ResizeMode#SHORTER_SIDE_CROP}). */
        public Builder resizeMode(ResizeMode mode) {
            this.mode = mode;
            return this;
        }

        /**
         * For {@link ResizeMode#SHORTER_SIDE_CROP}: resize the shorter side to {@code side} pixels
         * before the centre crop (e.g. 256 for a 224 crop); at least {@code max(H, W)}. Default 0:
         * the smallest scale that covers the output.
         */
        public Builder shorterSide(int side) {
            this.shorterSide = side;
            return this;
        }

        /** Per-channel normalisation {@code (u / 255 - mean_c) / std_c}; arrays of length {@code channels}. */
        public Builder normalisation(double[] mean, double[] std) {
            this.mean = mean == null ? null : mean.clone();
            this.std = std == null ? null : std.clone();
            return this;
        }

        public ImageFolderDataset build() {
            double[][] norm = validate();
            if (root == null) {
                throw new IllegalArgumentException("ImageFolderDataset needs a root directory");
            }
            if (!Files.exists(root)) {
                throw new IllegalArgumentException("image folder root " + root.toAbsolutePath() + " does not exist");
            }
            if (!Files.isDirectory(root)) {
                throw new IllegalArgumentException("image folder root " + root.toAbsolutePath() + " is not a directory");
            }
            List<Path> classDirs = new ArrayList<>();
            int looseFiles = 0;
            try (Stream<Path> s = Files.list(root)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    if (hidden(p)) {
                        continue;
                    }
                    if (Files.isDirectory(p)) {
                        classDirs.add(p);
                    } else {
                        looseFiles++;
                    }
                }
            } catch (IOException | UncheckedIOException e) {
                throw new IllegalArgumentException("cannot list image folder root " + root + ": " + e, e);
            }
            if (classDirs.isEmpty()) {
                throw new IllegalArgumentException("image folder root " + root + " has no class subfolders (0 folders, "
                        + looseFiles + " files directly inside); expected " + root + "/<class>/<image>");
            }
            classDirs.sort(Comparator.comparing(p -> p.getFileName().toString()));
            List<Path> files = new ArrayList<>();
            List<Integer> labelList = new ArrayList<>();
            String[] names = new String[classDirs.size()];
            int[] counts = new int[classDirs.size()];
            List<String> empty = new ArrayList<>();
            for (int k = 0; k < classDirs.size(); k++) {
                Path dir = classDirs.get(k);
                names[k] = dir.getFileName().toString();
                List<Path> images = new ArrayList<>();
                int[] others = {0};
                try (Stream<Path> s = Files.walk(dir, FileVisitOption.FOLLOW_LINKS)) {
                    s.filter(p -> !p.equals(dir) && Files.isRegularFile(p)).forEach(p -> {
                        Path rel = dir.relativize(p);
                        boolean inHidden = false;
                        for (Path part : rel) {
                            inHidden |= part.toString().startsWith(".");
                        }
                        if (!inHidden && isImage(p)) {
                            images.add(p);
                        } else {
                            others[0]++;
                        }
                    });
                } catch (IOException | UncheckedIOException e) {
                    throw new IllegalArgumentException("cannot list class folder " + dir + ": " + e, e);
                }
                if (images.isEmpty()) {
                    empty.add(dir + " (0 images, " + others[0] + " other files)");
                }
                images.sort(Comparator.comparing(p -> dir.relativize(p).toString()));
                counts[k] = images.size();
                for (Path p : images) {
                    files.add(p);
                    labelList.add(k);
                }
            }
            if (!empty.isEmpty()) {
                throw new IllegalArgumentException("image folder root " + root + ": " + empty.size() + " of "
                        + classDirs.size() + " class folders contain no images (" + String.join(", ", EXTENSIONS)
                        + "): " + String.join("; ", empty));
            }
            if (classDirs.size() == 1) {
                throw new IllegalArgumentException("image folder root " + root + " has only 1 class folder ('" + names[0]
                        + "', " + counts[0] + " images); ImageFolderDataset needs at least 2 classes, one subfolder each");
            }
            int[] labels = new int[files.size()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = labelList.get(i);
            }
            return new ImageFolderDataset(this, norm[0], norm[1], names, files.toArray(new Path[0]), labels, counts);
        }

        /** Checks the settings; returns the resolved {mean, std}. */
        private double[][] validate() {
            if (channels != 1 && channels != 3) {
                throw new IllegalArgumentException("ImageFolderDataset channels must be 1 (grayscale) or 3 (RGB), got "
                        + channels);
            }
            if (height <= 0 || width <= 0) {
                throw new IllegalArgumentException("ImageFolderDataset image size must be positive, got " + height + "x"
                        + width);
            }
            if (mode == null) {
                throw new IllegalArgumentException("ImageFolderDataset resize mode must not be null");
            }
            if (shorterSide != 0) {
                if (mode != ResizeMode.SHORTER_SIDE_CROP) {
                    throw new IllegalArgumentException("ImageFolderDataset shorterSide applies only to SHORTER_SIDE_CROP, "
                            + "the mode is " + mode);
                }
                if (shorterSide < Math.max(height, width)) {
                    throw new IllegalArgumentException("ImageFolderDataset shorterSide " + shorterSide
                            + " must be 0 (cover the output) or at least max(height, width) = " + Math.max(height, width));
                }
            }
            double[] m = mean;
            double[] s = std;
            if (m == null && s == null) {
                m = channels == 3 ? IMAGENET_MEAN.clone() : new double[] {0};
                s = channels == 3 ? IMAGENET_STD.clone() : new double[] {1};
            }
            if (m == null || s == null || m.length != channels || s.length != channels) {
                throw new IllegalArgumentException("ImageFolderDataset normalisation needs " + channels
                        + " means and stds (one per channel), got " + Arrays.toString(m) + " and " + Arrays.toString(s));
            }
            for (int c = 0; c < channels; c++) {
                BatchArrays.checkNormalisation(m[c], s[c]);
            }
            return new double[][] {m.clone(), s.clone()};
        }
    }
}
