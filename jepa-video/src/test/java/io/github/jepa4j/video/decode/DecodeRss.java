package io.github.jepa4j.video.decode;

import io.github.jepa4j.video.data.ClipBatch;
import io.github.jepa4j.video.data.ClipCache;
import io.github.jepa4j.video.data.ClipLoader;
import io.github.jepa4j.video.data.RandomClipSampler;
import io.github.jepa4j.video.data.VideoFolderDataset;
import io.github.jepa4j.video.synth.BouncingBalls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;
import org.bytedeco.javacpp.Pointer;

/**
 * Resident memory over many decoded clips: random clips (16 frames, stride 2) of H.264 videos
 * (GOP 16) through the {@link ClipLoader} (2 workers, their own decoders, optional
 * {@link ClipCache}), printing the process RSS every {@code every} clips. RSS must level off after
 * warm-up (and, with a cache, at most by the cache budget).
 *
 * <p>Run: {@code java -cp <test classpath> io.github.jepa4j.video.decode.DecodeRss [clips] [size]
 * [cacheMb]} (default 10,000 clips of 224 x 224, no cache).
 */
public final class DecodeRss {
    private DecodeRss() {}

    public static void main(String[] args) throws Exception {
        int clips = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 224;
        int cacheMb = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        int batch = 8;
        Path dir = Files.createTempDirectory("jepa4j-decode-rss");
        try {
            BouncingBalls.builder().videos(8).frames(128).size(size, size).radius(size / 10.0).balls(3)
                    .speed(size / 40.0, size / 16.0).codec(BouncingBalls.Codec.H264).gop(16).build().write(dir);
            VideoFolderDataset ds = VideoFolderDataset.of(dir);
            ClipCache cache = cacheMb > 0 ? new ClipCache(cacheMb * (1L << 20)) : null;
            RandomClipSampler s = new RandomClipSampler(ds, 16, 2, 1);
            long t0 = System.nanoTime();
            int every = Math.max(batch, clips / 10 / batch * batch);
            System.out.printf(Locale.ROOT, "%8s %10s %12s %10s%n", "clips", "RSS MB", "frames/s", "cache MB");
            try (ClipLoader l = ClipLoader.builder(ds, s, FrameSpec.rgb(size, size), batch).workers(2).cache(cache).build()) {
                for (int done = 0; done < clips; done += batch) {
                    try (ClipBatch b = l.next()) {
                        if ((done + batch) % every == 0) {
                            double secs = (System.nanoTime() - t0) / 1e9;
                            System.out.printf(Locale.ROOT, "%8d %10d %12.0f %10.1f%n", done + batch,
                                    Pointer.physicalBytes() >> 20, (done + batch) * 16.0 / secs,
                                    cache == null ? 0.0 : cache.bytes() / 1048576.0);
                        }
                    }
                }
            }
        } finally {
            try (Stream<Path> st = Files.walk(dir)) {
                st.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
