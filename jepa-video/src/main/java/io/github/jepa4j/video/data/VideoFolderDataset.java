package io.github.jepa4j.video.data;

import io.github.jepa4j.video.decode.VideoClipDecoder;
import io.github.jepa4j.video.decode.VideoInfo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The videos under a folder, with optional classes and per-frame numeric targets.
 *
 * <p>Layout: every file {@code ROOT/**}{@code /*.{mp4,mkv,avi,webm,mov}} (case-insensitive
 * extension), sorted by relative path, so indices are stable. When a video lies under a
 * first-level subfolder, that folder's name is its class ({@code ROOT/cat/a.mp4} -> class
 * {@code cat}); classes are numbered in sorted name order; videos directly in {@code ROOT} have
 * label -1. Each file is probed once at construction ({@link VideoClipDecoder#probe}: frame
 * count, frame rate, size); frame sizes may differ across the folder (clips are resized to the
 * model's size), which is logged.
 *
 * <p>Targets: an optional {@code ROOT/labels.csv} (or another file) with header
 * {@code file,frame,<name>,...}, one row per labelled frame: {@code file} the path relative to
 * {@code ROOT} with {@code /} separators, {@code frame} a 0-based frame index, then numeric
 * values (no quoting; names without commas). {@link #target(int, int)} looks them up; frames
 * without a row read NaN. A row naming a file that is not in the folder, or a frame outside the
 * video, is an error naming the row, file and frame ({@link OnError#FAIL}, default) or is
 * skipped with a logged warning ({@link OnError#SKIP}). Malformed rows (wrong column count,
 * unparsable numbers, duplicates) always fail. Unreadable videos fail too, unless the
 * dataset skips them ({@link Builder#onBadVideo}).
 *
 * <p>Immutable and thread-safe after construction.
 */
public final class VideoFolderDataset {
    private static final Logger LOG = LoggerFactory.getLogger(VideoFolderDataset.class);

    /** The extensions scanned by default. */
    public static final Set<String> DEFAULT_EXTENSIONS = Set.of("mp4", "mkv", "avi", "webm", "mov");

    /** What to do with a bad entry. */
    public enum OnError {
        /** Throw an {@link IllegalArgumentException} naming the entry. */
        FAIL,
        /** Log a warning and leave the entry out. */
        SKIP
    }

    private final Path root;
    private final List<String> names;
    private final List<VideoInfo> infos;
    private final int[] labels;
    private final String[] classNames;
    private final String[] targetNames;
    /** Per video, {@code frameCount * K} values (NaN where unlabelled), or null when the video has no rows. */
    private final double[][] targets;
    private final Map<String, Integer> index = new HashMap<>();

    private VideoFolderDataset(Builder b) {
        this.root = b.root;
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("video folder " + root + " does not exist or is not a directory");
        }
        List<Path> files = scan(root, b.extensions);
        List<String> n = new ArrayList<>();
        List<VideoInfo> in = new ArrayList<>();
        for (Path f : files) {
            try {
                in.add(VideoClipDecoder.probe(f));
                n.add(relative(f));
            } catch (IllegalArgumentException e) {
                if (b.onBadVideo == OnError.FAIL) {
                    throw new IllegalArgumentException("video folder " + root + ": " + e.getMessage(), e);
                }
                LOG.warn("skipping unreadable video {}: {}", f, e.getMessage());
            }
        }
        if (n.isEmpty()) {
            throw new IllegalArgumentException("no readable videos with extensions " + new TreeSet<>(b.extensions)
                    + " under " + root);
        }
        this.names = List.copyOf(n);
        this.infos = List.copyOf(in);
        for (int i = 0; i < names.size(); i++) {
            index.put(names.get(i), i);
        }
        TreeSet<String> classes = new TreeSet<>();
        for (String s : names) {
            int slash = s.indexOf('/');
            if (slash > 0) {
                classes.add(s.substring(0, slash));
            }
        }
        this.classNames = classes.toArray(new String[0]);
        this.labels = new int[names.size()];
        List<String> cl = List.of(classNames);
        for (int i = 0; i < labels.length; i++) {
            String s = names.get(i);
            int slash = s.indexOf('/');
            labels[i] = slash > 0 ? cl.indexOf(s.substring(0, slash)) : -1;
        }
        logSizes();
        Path labelFile = b.labelFile != null ? b.labelFile : root.resolve("labels.csv");
        if (Files.isRegularFile(labelFile)) {
            this.targets = new double[names.size()][];
            this.targetNames = readTargets(labelFile, b.onBadLabel);
        } else {
            if (b.labelFile != null) {
                throw new IllegalArgumentException("label file " + b.labelFile + " does not exist");
            }
            this.targets = null;
            this.targetNames = new String[0];
        }
        LOG.info("video folder {}: {} videos, {} classes, {} frames in all{}", root, names.size(), classNames.length,
                infos.stream().mapToLong(VideoInfo::frameCount).sum(),
                targets == null ? "" : ", targets " + Arrays.toString(targetNames));
    }

    /** A dataset of the videos under {@code root} with the defaults (labels.csv if present, fail on errors). */
    public static VideoFolderDataset of(Path root) {
        return builder(root).build();
    }

    public static Builder builder(Path root) {
        return new Builder(root);
    }

    private static List<Path> scan(Path root, Set<String> extensions) {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> {
                        String f = p.getFileName().toString();
                        int dot = f.lastIndexOf('.');
                        return dot > 0 && extensions.contains(f.substring(dot + 1).toLowerCase(Locale.ROOT));
                    })
                    .sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list video folder " + root + ": " + e.getMessage(), e);
        }
    }

    private String relative(Path f) {
        return root.relativize(f).toString().replace(f.getFileSystem().getSeparator(), "/");
    }

    private void logSizes() {
        Map<String, Integer> sizes = new TreeMap<>();
        for (VideoInfo v : infos) {
            sizes.merge(v.width() + "x" + v.height(), 1, Integer::sum);
        }
        if (sizes.size() > 1) {
            LOG.info("video folder {}: frame sizes differ (width x height: videos) {}; clips are resized to the model's"
                    + " size", root, sizes);
        }
    }

    private String[] readTargets(Path file, OnError onBad) {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = r.readLine();
            String[] h = header == null ? new String[0] : header.trim().split(",", -1);
            if (h.length < 3 || !h[0].trim().equals("file") || !h[1].trim().equals("frame")) {
                throw new IllegalArgumentException("label file " + file + " must start with a header file,frame,<name>,...;"
                        + " got " + (header == null ? "an empty file" : "'" + header + "'"));
            }
            int k = h.length - 2;
            String[] tn = new String[k];
            for (int j = 0; j < k; j++) {
                tn[j] = h[j + 2].trim();
            }
            int line = 1;
            int skipped = 0;
            String s;
            while ((s = r.readLine()) != null) {
                line++;
                if (s.isBlank()) {
                    continue;
                }
                String[] f = s.split(",", -1);
                if (f.length != h.length) {
                    throw new IllegalArgumentException("label file " + file + " line " + line + " has " + f.length
                            + " columns, the header has " + h.length + ": '" + s + "'");
                }
                String name = f[0].trim();
                int frame;
                try {
                    frame = Integer.parseInt(f[1].trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("label file " + file + " line " + line + ": frame '" + f[1]
                            + "' is not an integer");
                }
                Integer v = index.get(name);
                String problem = null;
                if (v == null) {
                    problem = "names file '" + name + "', which is not a video under " + root;
                } else if (frame < 0 || frame >= infos.get(v).frameCount()) {
                    problem = "frame " + frame + " of '" + name + "' is outside the video's frames [0, "
                            + infos.get(v).frameCount() + ")";
                }
                if (problem != null) {
                    if (onBad == OnError.FAIL) {
                        throw new IllegalArgumentException("label file " + file + " line " + line + ": " + problem);
                    }
                    if (skipped++ < 10) {
                        LOG.warn("label file {} line {}: {}; row skipped", file, line, problem);
                    }
                    continue;
                }
                double[] t = targets[v];
                if (t == null) {
                    t = new double[infos.get(v).frameCount() * k];
                    Arrays.fill(t, Double.NaN);
                    targets[v] = t;
                }
                int o = frame * k;
                if (rowSet(t, o, k)) {
                    throw new IllegalArgumentException("label file " + file + " line " + line + ": duplicate row for frame "
                            + frame + " of '" + name + "'");
                }
                for (int j = 0; j < k; j++) {
                    try {
                        t[o + j] = Double.parseDouble(f[j + 2].trim());
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("label file " + file + " line " + line + ": value '" + f[j + 2]
                                + "' of column " + tn[j] + " is not a number");
                    }
                }
            }
            if (skipped > 0) {
                LOG.warn("label file {}: skipped {} rows naming missing files or frames", file, skipped);
            }
            return tn;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read label file " + file + ": " + e.getMessage(), e);
        }
    }

    private static boolean rowSet(double[] t, int o, int k) {
        for (int j = 0; j < k; j++) {
            if (!Double.isNaN(t[o + j])) {
                return true;
            }
        }
        return false;
    }

    public Path root() {
        return root;
    }

    /** Number of videos. */
    public int size() {
        return names.size();
    }

    /** Absolute path of video {@code i}. */
    public Path file(int i) {
        return root.resolve(name(i));
    }

    /** Path of video {@code i} relative to the root, {@code /}-separated (as in labels.csv). */
    public String name(int i) {
        return names.get(check(i));
    }

    /** Index of the video with relative path {@code name}, or -1. */
    public int indexOf(String name) {
        return index.getOrDefault(name, -1);
    }

    /** The probed facts of video {@code i}. */
    public VideoInfo info(int i) {
        return infos.get(check(i));
    }

    public int frameCount(int i) {
        return info(i).frameCount();
    }

    /** Number of classes (first-level subfolders holding videos); 0 when all videos are in the root. */
    public int numClasses() {
        return classNames.length;
    }

    public String[] classNames() {
        return classNames.clone();
    }

    /** Class of video {@code i}, or -1 when it lies directly in the root. */
    public int label(int i) {
        return labels[check(i)];
    }

    /** Whether a label file was read. */
    public boolean hasTargets() {
        return targets != null;
    }

    /** The target column names (empty without a label file). */
    public String[] targetNames() {
        return targetNames.clone();
    }

    /** Targets of frame {@code frame} of video {@code i}: K values, NaN where the frame has no row. */
    public double[] target(int i, int frame) {
        double[] out = new double[targetNames.length];
        target(i, frame, out);
        return out;
    }

    /** Writes the targets of frame {@code frame} of video {@code i} into {@code out} (length at least K). */
    public void target(int i, int frame, double[] out) {
        check(i);
        int k = targetNames.length;
        if (frame < 0 || frame >= infos.get(i).frameCount()) {
            throw new IllegalArgumentException("frame " + frame + " of " + names.get(i) + " is outside [0, "
                    + infos.get(i).frameCount() + ")");
        }
        if (out.length < k) {
            throw new IllegalArgumentException("target output has length " + out.length + ", needs " + k);
        }
        double[] t = targets == null ? null : targets[i];
        for (int j = 0; j < k; j++) {
            out[j] = t == null ? Double.NaN : t[frame * k + j];
        }
    }

    /** Whether frame {@code frame} of video {@code i} has a row in the label file. */
    public boolean hasTarget(int i, int frame) {
        check(i);
        if (targets == null || targets[i] == null || frame < 0 || frame >= infos.get(i).frameCount()) {
            return false;
        }
        return rowSet(targets[i], frame * targetNames.length, targetNames.length);
    }

    private int check(int i) {
        if (i < 0 || i >= names.size()) {
            throw new IllegalArgumentException("video index " + i + " is outside [0, " + names.size() + ") of " + root);
        }
        return i;
    }

    @Override
    public String toString() {
        return "VideoFolderDataset[" + root + ", " + names.size() + " videos, " + classNames.length + " classes"
                + (targets == null ? "" : ", targets " + Arrays.toString(targetNames)) + "]";
    }

    /** Configuration; {@link #build()} scans and probes the folder. */
    public static final class Builder {
        private final Path root;
        private Set<String> extensions = DEFAULT_EXTENSIONS;
        private Path labelFile;
        private OnError onBadLabel = OnError.FAIL;
        private OnError onBadVideo = OnError.FAIL;

        private Builder(Path root) {
            if (root == null) {
                throw new IllegalArgumentException("video folder must not be null");
            }
            this.root = root.toAbsolutePath().normalize();
        }

        /** File extensions to scan, without dots, case-insensitive (default mp4, mkv, avi, webm, mov). */
        public Builder extensions(String... ext) {
            Set<String> s = new TreeSet<>();
            for (String e : ext) {
                s.add(e.toLowerCase(Locale.ROOT).replaceFirst("^\\.", ""));
            }
            if (s.isEmpty()) {
                throw new IllegalArgumentException("need at least one video file extension");
            }
            this.extensions = s;
            return this;
        }

        /** The label file (default {@code ROOT/labels.csv} when it exists). */
        public Builder labels(Path file) {
            this.labelFile = file;
            return this;
        }

        /** Rows naming missing files or frames: fail (default) or skip with a warning. */
        public Builder onBadLabel(OnError e) {
            this.onBadLabel = e;
            return this;
        }

        /** Unreadable videos: fail (default) or skip with a warning. */
        public Builder onBadVideo(OnError e) {
            this.onBadVideo = e;
            return this;
        }

        public VideoFolderDataset build() {
            if (onBadLabel == null || onBadVideo == null) {
                throw new IllegalArgumentException("error policies must not be null");
            }
            return new VideoFolderDataset(this);
        }
    }
}
