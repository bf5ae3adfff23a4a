package io.github.jepa4j.world.env;

import io.github.jepa4j.video.synth.BouncingBalls;
import io.github.jepa4j.video.synth.RgbVideoWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Records random-action trajectories of a {@link TrajectoryGenerator} to disk: one video per
 * trajectory ({@code traj_000.mkv}, ... via {@link RgbVideoWriter}) and {@code trajectories.csv}
 * with header {@code file,frame,x,y,ax,ay}: the true position at each frame and the action taken
 * after it (which leads to the next frame); the last frame of a trajectory has no action and
 * leaves {@code ax,ay} empty. Positions and actions are written with 6 decimals.
 *
 * <p>The videos decode with {@code io.github.jepa4j.video.decode.VideoClipDecoder} (and so load
 * with jepa-video's folder dataset); with the default lossless FFV1 the decoded frames equal
 * {@link RoomEnv#render} to within the 8-bit quantisation.
 */
public final class TrajectoryRecorder {
    /** Name of the CSV written next to the videos. */
    public static final String CSV = "trajectories.csv";

    private final TrajectoryGenerator generator;
    private final BouncingBalls.Codec codec;
    private final double fps;

    /** A recorder of {@code generator}'s trajectories with {@code codec} at {@code fps} frames per second. */
    public TrajectoryRecorder(TrajectoryGenerator generator, BouncingBalls.Codec codec, double fps) {
        if (generator == null || codec == null || !(fps > 0)) {
            throw new IllegalArgumentException("TrajectoryRecorder needs a generator, a codec and fps > 0, got " + generator
                    + ", " + codec + ", " + fps);
        }
        this.generator = generator;
        this.codec = codec;
        this.fps = fps;
    }

    /** A lossless (FFV1) recorder at 10 fps. */
    public TrajectoryRecorder(TrajectoryGenerator generator) {
        this(generator, BouncingBalls.Codec.FFV1, 10);
    }

    /**
     * Command line: {@code TrajectoryRecorder OUT_DIR [N=16] [FRAMES=16] [SEED=0] [CODEC=FFV1|MPEG4|H264]}
     * records {@code N} trajectories of the default room into {@code OUT_DIR}.
     */
    public static void main(String[] args) {
        if (args.length < 1 || args.length > 5) {
            System.err.println("usage: TrajectoryRecorder OUT_DIR [N=16] [FRAMES=16] [SEED=0] [CODEC=FFV1|MPEG4|H264]");
            System.exit(2);
        }
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int frames = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        long seed = args.length > 3 ? Long.parseLong(args[3]) : 0;
        BouncingBalls.Codec codec = args.length > 4 ? BouncingBalls.Codec.valueOf(args[4].toUpperCase(Locale.ROOT))
                : BouncingBalls.Codec.FFV1;
        TrajectoryGenerator g = TrajectoryGenerator.builder().frames(frames).seed(seed).build();
        List<Path> files = new TrajectoryRecorder(g, codec, 10).record(Path.of(args[0]), n);
        System.out.println("wrote " + files.size() + " videos and " + CSV + " to " + args[0] + " (" + g + ")");
    }

    /** File name of trajectory {@code i}, e.g. {@code traj_003.mkv}. */
    public String fileName(long i) {
        return String.format(Locale.ROOT, "traj_%03d.%s", i, codec.extension());
    }

    /**
     * Writes trajectories {@code 0 .. n - 1} and the CSV into {@code dir} (created if needed).
     *
     * @return the video files in index order
     */
    public List<Path> record(Path dir, int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("need at least one trajectory, got " + n);
        }
        int s = generator.config().imageSize();
        int fs = generator.frameSize();
        float[] frames = new float[generator.frames() * fs];
        List<Path> files = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            try (Writer w = Files.newBufferedWriter(dir.resolve(CSV), StandardCharsets.UTF_8)) {
                w.write("file,frame,x,y,ax,ay\n");
                for (int i = 0; i < n; i++) {
                    Trajectory tr = generator.trajectory(i);
                    generator.render(tr, frames);
                    Path file = dir.resolve(fileName(i));
                    try (RgbVideoWriter vw = new RgbVideoWriter(file, s, s, fps, codec)) {
                        for (int t = 0; t < tr.length(); t++) {
                            vw.writeChw(frames, t * fs);
                        }
                    }
                    files.add(file);
                    StringBuilder sb = new StringBuilder();
                    for (int t = 0; t < tr.length(); t++) {
                        double[] p = tr.positions()[t];
                        sb.append(fileName(i)).append(',').append(t).append(',')
                                .append(String.format(Locale.ROOT, "%.6f,%.6f", p[0], p[1]));
                        if (t < tr.length() - 1) {
                            double[] a = tr.actions()[t];
                            sb.append(String.format(Locale.ROOT, ",%.6f,%.6f", a[0], a[1]));
                        } else {
                            sb.append(",,");
                        }
                        sb.append('\n');
                    }
                    w.write(sb.toString());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write trajectories to " + dir + ": " + e.getMessage(), e);
        }
        return files;
    }
}
