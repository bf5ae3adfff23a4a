package io.github.jepa4j.video.synth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * Synthetic videos of balls bouncing in a box, written as real video files with FFmpeg, with
 * their exact state as ground truth.
 *
 * <p>Physics, per ball and frame (pixel units, time in frames; pixel centres at integer
 * coordinates, {@code x} the column and {@code y} the row, y down): semi-implicit Euler
 * {@code vy += g; x += vx; y += vy}, then elastic reflection off the walls, which keep the whole
 * disk inside the frame: the centre stays in {@code [r, W - 1 - r] x [r, H - 1 - r]}; a crossing
 * of a wall at {@code lo} maps {@code x -> 2 lo - x, vx -> -vx} (likewise the other walls).
 * Balls do not collide with each other; later balls are drawn over earlier ones. Frame 0 is the
 * initial state: centre uniform in the allowed box, speed uniform in {@code [speedMin,
 * speedMax]} px/frame in a uniform direction. Everything is a pure function of {@code (seed,
 * video index)}.
 *
 * <p>Rendering: pixel {@code (row, col)} takes the colour of the last ball with
 * {@code (col - x)^2 + (row - y)^2 <= r^2}, else the background; no antialiasing, so the disk's
 * pixel centroid is the ball centre to within a fraction of a pixel.
 *
 * <p>Files: {@code video_000.<ext>, ...} and {@code labels.csv} with header
 * {@code file,frame,x,y,vx,vy} for one ball and {@code file,frame,x0,y0,vx0,vy0,x1,...} for
 * several; {@code (vx, vy)} is the velocity state in px/frame after the frame's update (the
 * reflected velocity after a bounce). Codecs: {@link Codec#FFV1} (lossless, RGB, Matroska: the
 * decoded pixels equal {@link #render} exactly), {@link Codec#MPEG4} (MP4) and {@link
 * Codec#H264} (MP4; libx264 when the bundled FFmpeg has it, else OpenH264, else MPEG-4: see
 * {@link #encoderName}). Lossy codecs use a key frame every {@code gop} frames. The files are
 * written by {@link RgbVideoWriter}, which documents the encoder settings.
 *
 * <p>Defaults: 4 videos of 32 frames, 64 x 64, 25 fps, 1 white ball of radius 5 on black,
 * speed 1..3 px/frame, no gravity, seed 0, FFV1, GOP 12.
 */
public final class BouncingBalls {

    /** Video codecs for the generated files. */
    public enum Codec {
        /** Lossless FFV1 in Matroska ({@code .mkv}), RGB (bgr0) pixels. */
        FFV1("mkv"),
        /** MPEG-4 part 2 in MP4, yuv420p. */
        MPEG4("mp4"),
        /** H.264 in MP4, yuv420p. */
        H264("mp4");

        private final String extension;

        Codec(String extension) {
            this.extension = extension;
        }

        /** File extension without the dot. */
        public String extension() {
            return extension;
        }
    }

    private static final int[] PALETTE = {0xFFFFFF, 0xFF4040, 0x40FF40, 0x4080FF, 0xFFFF40, 0xFF40FF, 0x40FFFF, 0xFF9020};

    private final int videos;
    private final int frames;
    private final int height;
    private final int width;
    private final int balls;
    private final double radius;
    private final int[] colours;
    private final double speedMin;
    private final double speedMax;
    private final double gravity;
    private final int background;
    private final long seed;
    private final RgbVideoWriter.Encoding encoding;

    private BouncingBalls(Builder b, RgbVideoWriter.Encoding encoding) {
        videos = b.videos;
        frames = b.frames;
        height = b.height;
        width = b.width;
        balls = b.balls;
        radius = b.radius;
        colours = b.colours;
        speedMin = b.speedMin;
        speedMax = b.speedMax;
        gravity = b.gravity;
        background = b.background;
        seed = b.seed;
        this.encoding = encoding;
    }

    public static Builder builder() {
        return new Builder();
    }

    public int videos() {
        return videos;
    }

    public int frames() {
        return frames;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public int balls() {
        return balls;
    }

    public Codec codec() {
        return encoding.codec();
    }

    public double fps() {
        return encoding.fps();
    }

    /** How the videos are encoded: codec, fps, GOP, MPEG-4 quantiser, H.264 bits per pixel. */
    public RgbVideoWriter.Encoding encoding() {
        return encoding;
    }

    /** File name of video {@code v}, e.g. {@code video_003.mkv}. */
    public String fileName(int v) {
        return String.format(Locale.ROOT, "video_%03d.%s", v, encoding.codec().extension());
    }

    /** Names of the label columns after {@code file,frame}: {@code x,y,vx,vy} or {@code x0,y0,vx0,vy0,...}. */
    public String[] labelNames() {
        String[] n = new String[4 * balls];
        for (int i = 0; i < balls; i++) {
            String s = balls == 1 ? "" : Integer.toString(i);
            n[4 * i] = "x" + s;
            n[4 * i + 1] = "y" + s;
            n[4 * i + 2] = "vx" + s;
            n[4 * i + 3] = "vy" + s;
        }
        return n;
    }

    /**
     * The state of video {@code v} at every frame: {@code [frames][4 * balls]}, per ball
     * {@code x, y, vx, vy}.
     */
    public double[][] trajectory(int v) {
        if (v < 0 || v >= videos) {
            throw new IllegalArgumentException("video index " + v + " is outside [0, " + videos + ")");
        }
        SplittableRandom rng = new SplittableRandom(mix(seed, v));
        double loX = radius, hiX = width - 1 - radius, loY = radius, hiY = height - 1 - radius;
        double[] s = new double[4 * balls];
        for (int i = 0; i < balls; i++) {
            double speed = speedMin + rng.nextDouble() * (speedMax - speedMin);
            double angle = rng.nextDouble() * 2 * Math.PI;
            s[4 * i] = loX + rng.nextDouble() * (hiX - loX);
            s[4 * i + 1] = loY + rng.nextDouble() * (hiY - loY);
            s[4 * i + 2] = speed * Math.cos(angle);
            s[4 * i + 3] = speed * Math.sin(angle);
        }
        double[][] out = new double[frames][];
        out[0] = s.clone();
        for (int f = 1; f < frames; f++) {
            for (int i = 0; i < balls; i++) {
                s[4 * i + 3] += gravity;
                s[4 * i] += s[4 * i + 2];
                s[4 * i + 1] += s[4 * i + 3];
                reflect(s, 4 * i, loX, hiX);
                reflect(s, 4 * i + 1, loY, hiY);
            }
            out[f] = s.clone();
        }
        return out;
    }

    /** Mirrors coordinate {@code s[p]} (velocity at {@code p + 2}) back into {@code [lo, hi]}. */
    private static void reflect(double[] s, int p, double lo, double hi) {
        if (hi <= lo) { // the ball fills this axis: it cannot move along it
            s[p] = (lo + hi) / 2;
            s[p + 2] = 0;
            return;
        }
        // Repeated reflection handles speeds larger than the box.
        for (int k = 0; k < 64 && (s[p] < lo || s[p] > hi); k++) {
            s[p] = s[p] < lo ? 2 * lo - s[p] : 2 * hi - s[p];
            s[p + 2] = -s[p + 2];
        }
    }

    /** Renders a state ({@code 4 * balls} values) into {@code rgb}, {@code H * W * 3} bytes, row-major RGB. */
    public void render(double[] state, byte[] rgb) {
        if (state.length != 4 * balls || rgb.length != height * width * 3) {
            throw new IllegalArgumentException("render needs a state of " + (4 * balls) + " values and " + (height * width * 3)
                    + " bytes, got " + state.length + " and " + rgb.length);
        }
        byte br = (byte) (background >> 16), bg = (byte) (background >> 8), bb = (byte) background;
        for (int i = 0; i < rgb.length; i += 3) {
            rgb[i] = br;
            rgb[i + 1] = bg;
            rgb[i + 2] = bb;
        }
        double r2 = radius * radius;
        for (int i = 0; i < balls; i++) {
            double x = state[4 * i], y = state[4 * i + 1];
            int col = colours[i % colours.length];
            byte cr = (byte) (col >> 16), cg = (byte) (col >> 8), cb = (byte) col;
            int r0 = Math.max(0, (int) Math.floor(y - radius)), r1 = Math.min(height - 1, (int) Math.ceil(y + radius));
            int c0 = Math.max(0, (int) Math.floor(x - radius)), c1 = Math.min(width - 1, (int) Math.ceil(x + radius));
            for (int r = r0; r <= r1; r++) {
                for (int c = c0; c <= c1; c++) {
                    double dx = c - x, dy = r - y;
                    if (dx * dx + dy * dy <= r2) {
                        int o = (r * width + c) * 3;
                        rgb[o] = cr;
                        rgb[o + 1] = cg;
                        rgb[o + 2] = cb;
                    }
                }
            }
        }
    }

    /** Renders frame {@code f} of video {@code v} into {@code rgb} ({@code H * W * 3} bytes, RGB). */
    public void render(int v, int f, byte[] rgb) {
        double[][] t = trajectory(v);
        if (f < 0 || f >= frames) {
            throw new IllegalArgumentException("frame " + f + " is outside [0, " + frames + ")");
        }
        render(t[f], rgb);
    }

    /**
     * Writes all videos and {@code labels.csv} into {@code dir} (created if needed).
     *
     * @return the video files, in index order
     */
    public List<Path> write(Path dir) {
        try {
            Files.createDirectories(dir);
            List<Path> files = new ArrayList<>();
            try (Writer w = Files.newBufferedWriter(dir.resolve("labels.csv"), StandardCharsets.UTF_8)) {
                w.write("file,frame," + String.join(",", labelNames()) + "\n");
                for (int v = 0; v < videos; v++) {
                    Path file = dir.resolve(fileName(v));
                    double[][] t = trajectory(v);
                    writeVideo(t, file);
                    files.add(file);
                    StringBuilder sb = new StringBuilder();
                    for (int f = 0; f < frames; f++) {
                        sb.setLength(0);
                        sb.append(fileName(v)).append(',').append(f);
                        for (double d : t[f]) {
                            sb.append(',').append(String.format(Locale.ROOT, "%.6f", d));
                        }
                        w.write(sb.append('\n').toString());
                    }
                }
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write bouncing-ball videos to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Writes video {@code v} to {@code file} (any extension the codec's container accepts). */
    public void writeVideo(int v, Path file) {
        writeVideo(trajectory(v), file);
    }

    private void writeVideo(double[][] traj, Path file) {
        byte[] rgb = new byte[height * width * 3];
        try (RgbVideoWriter w = new RgbVideoWriter(file, height, width, encoding)) {
            for (double[] state : traj) {
                render(state, rgb);
                w.writeRgb(rgb);
            }
        }
    }

    /**
     * The FFmpeg encoder used for {@code codec}: {@code ffv1}, {@code mpeg4}, and for H.264
     * {@code libx264} when bundled, else {@code libopenh264}, else {@code mpeg4} (the fallback).
     */
    public static String encoderName(Codec codec) {
        return switch (codec) {
            case FFV1 -> "ffv1";
            case MPEG4 -> "mpeg4";
            case H264 -> {
                avutil.av_log_set_level(avutil.AV_LOG_ERROR);
                if (avcodec.avcodec_find_encoder_by_name("libx264") != null) {
                    yield "libx264";
                }
                yield avcodec.avcodec_find_encoder_by_name("libopenh264") != null ? "libopenh264" : "mpeg4";
            }
        };
    }

    private static long mix(long seed, long v) {
        long z = seed ^ (0x9E3779B97F4A7C15L * (v + 1));
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "BouncingBalls[%d videos x %d frames, %dx%d, %d ball(s) r=%s, speed %s..%s,"
                + " gravity %s, %s @ %s fps, gop %d, seed %d]", videos, frames, width, height, balls, radius, speedMin,
                speedMax, gravity, encoding.codec(), encoding.fps(), encoding.gop(), seed);
    }

    /** Configuration with validation in {@link #build()}. */
    public static final class Builder {
        private int videos = 4;
        private int frames = 32;
        private int height = 64;
        private int width = 64;
        private int balls = 1;
        private double radius = 5;
        private int[] colours;
        private double speedMin = 1, speedMax = 3;
        private double gravity = 0;
        private int background = 0x000000;
        private long seed = 0;
        private double fps = 25;
        private Codec codec = Codec.FFV1;
        private int gop = 12;
        private int mpeg4Quality = 2;
        private int bitsPerPixel = 2;

        private Builder() {}

        /** Number of videos (default 4). */
        public Builder videos(int n) {
            this.videos = n;
            return this;
        }

        /** Frames per video (default 32). */
        public Builder frames(int n) {
            this.frames = n;
            return this;
        }

        /** Frame size (default 64 x 64). */
        public Builder size(int height, int width) {
            this.height = height;
            this.width = width;
            return this;
        }

        /** Balls per video (default 1). */
        public Builder balls(int n) {
            this.balls = n;
            return this;
        }

        /** Ball radius in pixels (default 5). */
        public Builder radius(double r) {
            this.radius = r;
            return this;
        }

        /** Ball colours as 0xRRGGBB, cycled over the balls (default white, red, green, blue, ...). */
        public Builder colours(int... rgb) {
            this.colours = rgb.clone();
            return this;
        }

        /** Initial speed range in px/frame (default 1..3). */
        public Builder speed(double min, double max) {
            this.speedMin = min;
            this.speedMax = max;
            return this;
        }

        /** Downward acceleration in px/frame^2 (default 0). */
        public Builder gravity(double g) {
            this.gravity = g;
            return this;
        }

        /** Background colour 0xRRGGBB (default black). */
        public Builder background(int rgb) {
            this.background = rgb;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Frame rate stored in the files (default 25). */
        public Builder fps(double fps) {
            this.fps = fps;
            return this;
        }

        /** Codec (default FFV1, lossless). */
        public Builder codec(Codec codec) {
            this.codec = codec;
            return this;
        }

        /** Key-frame interval of the lossy codecs (default 12). */
        public Builder gop(int gop) {
            this.gop = gop;
            return this;
        }

        /** MPEG-4 quantiser scale, 1 (best) .. 31 (default 2). */
        public Builder mpeg4Quality(int q) {
            this.mpeg4Quality = q;
            return this;
        }

        /** H.264 bitrate budget in bits per pixel per frame (default 2). */
        public Builder bitsPerPixel(int bpp) {
            this.bitsPerPixel = bpp;
            return this;
        }

        public BouncingBalls build() {
            if (videos <= 0 || frames <= 0) {
                throw new IllegalArgumentException("need at least 1 video of 1 frame, got " + videos + " videos of "
                        + frames + " frames");
            }
            if (height < 2 || width < 2 || height % 2 != 0 || width % 2 != 0) {
                throw new IllegalArgumentException("frame size must be even and >= 2 (yuv420p), got " + height + "x" + width);
            }
            if (balls <= 0) {
                throw new IllegalArgumentException("need at least 1 ball, got " + balls);
            }
            if (!(radius > 0) || 2 * radius > Math.min(height, width) - 1) {
                throw new IllegalArgumentException("ball radius must be in (0, " + ((Math.min(height, width) - 1) / 2.0)
                        + "] to fit a " + height + "x" + width + " frame, got " + radius);
            }
            if (!(speedMin >= 0 && speedMin <= speedMax && Double.isFinite(speedMax))) {
                throw new IllegalArgumentException("speed range must satisfy 0 <= min <= max < inf, got [" + speedMin + ", "
                        + speedMax + "]");
            }
            if (!Double.isFinite(gravity)) {
                throw new IllegalArgumentException("gravity must be finite, got " + gravity);
            }
            RgbVideoWriter.Encoding encoding = new RgbVideoWriter.Encoding(codec, fps, gop, mpeg4Quality, bitsPerPixel);
            if (colours == null) {
                colours = PALETTE;
            } else if (colours.length == 0) {
                throw new IllegalArgumentException("need at least one ball colour");
            }
            return new BouncingBalls(this, encoding);
        }
    }
}
