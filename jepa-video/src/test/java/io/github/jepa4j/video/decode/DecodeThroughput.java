package io.github.jepa4j.video.decode;

import io.github.jepa4j.video.synth.BouncingBalls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Decoding throughput of {@link VideoClipDecoder} (decode + resize/convert + write into the
 * float batch), one thread, for H.264 and MPEG-4 bouncing-ball videos with GOP 16 at 64 x 64 and
 * 224 x 224: sequential clips (no seeks) and random clips (a seek per clip, stride 2).
 *
 * <p>Run: {@code java -cp <test classpath> io.github.jepa4j.video.decode.DecodeThroughput [frames]}
 * [repeats]} (default 256 frames per video, 1 repeat; with more repeats the RSS column shows
 * whether native memory grows).
 */
public final class DecodeThroughput {
    private DecodeThroughput() {}

    public static void main(String[] args) throws Exception {
        int frames = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        Path dir = Files.createTempDirectory("jepa4j-decode-bench");
        try {
            System.out.printf(Locale.ROOT, "%-8s %-12s %-9s %10s %12s %14s %10s%n", "codec", "encoder", "size", "file KB",
                    "seq fps", "random fps", "RSS MB");
            for (int size : new int[] {64, 224}) {
                INDArray batch = Nd4j.create(DataType.FLOAT, 8, 3, 16, size, size); // one batch, reused
                for (BouncingBalls.Codec codec : new BouncingBalls.Codec[] {BouncingBalls.Codec.H264,
                        BouncingBalls.Codec.MPEG4}) {
                    BouncingBalls g = BouncingBalls.builder().videos(1).frames(frames).size(size, size)
                            .radius(size / 10.0).balls(3).speed(size / 40.0, size / 16.0).codec(codec).gop(16).build();
                    Path f = g.write(dir.resolve(codec + "-" + size)).get(0);
                    double[] r = measure(f, size, frames, batch);
                    for (int k = 1; k < repeats; k++) { // resident memory must stay flat over repeats
                        r = measure(f, size, frames, batch);
                    }
                    System.out.printf(Locale.ROOT, "%-8s %-12s %-9s %10d %12.0f %14.0f %10d%n", codec,
                            BouncingBalls.encoderName(codec), size + "x" + size, Files.size(f) / 1024, r[0], r[1],
                            Pointer.physicalBytes() >> 20);
                }
            }
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** {sequential frames/s, random-clip frames/s} of output frames written into the batch. */
    static double[] measure(Path file, int size, int frames, INDArray batch) {
        int t = 16;
        try (VideoClipDecoder d = new VideoClipDecoder(file, FrameSpec.rgb(size, size))) {
            int clips = frames / t;
            for (int c = 0; c < clips; c++) { // warm-up (JIT, decoder state)
                d.readClip(c * t, t, 1, batch, c % 8);
                d.readClip(Math.min(frames - (2 * t - 1), (clips - 1 - c) * t), t, 2, batch, c % 8);
            }
            // Sequential: consecutive clips, the decoder never seeks.
            long t0 = System.nanoTime();
            for (int rep = 0; rep < 2; rep++) {
                for (int c = 0; c < clips; c++) {
                    d.readClip(c * t, t, 1, batch, c % 8);
                }
            }
            double seq = 2.0 * clips * t / ((System.nanoTime() - t0) / 1e9);
            // Random: a seek (key frame + decode forward) per clip, stride 2.
            SplittableRandom rng = new SplittableRandom(1);
            int span = (t - 1) * 2 + 1;
            int n = 2 * clips;
            t0 = System.nanoTime();
            for (int c = 0; c < n; c++) {
                d.readClip(rng.nextInt(frames - span + 1), t, 2, batch, c % 8);
            }
            double rnd = (double) n * t / ((System.nanoTime() - t0) / 1e9);
            return new double[] {seq, rnd};
        }
    }
}
