package io.github.jepa4j.video.data;

import io.github.jepa4j.video.decode.FrameSpec;
import io.github.jepa4j.video.decode.VideoClipDecoder;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decoded clips kept in memory as uint8 pixels, so that later epochs (and evaluation passes over
 * the same clips) need not decode them again.
 *
 * <p>An entry is one clip's pixels {@code [C, T, H, W]} after FFmpeg's resize and colour
 * conversion, before normalisation ({@link VideoClipDecoder#readClipBytes}), keyed by
 * {@link Key (file, start frame, frames, stride, FrameSpec)}: a quarter of the memory of float
 * clips, and expanded into a batch by {@link VideoClipDecoder#writeClip} bit for bit as the
 * decoder would write it. Sharing one cache between loaders (train and evaluation, or a loader
 * restarted on resume) is safe: keys name the file, not a dataset index.
 *
 * <p>Bound: the pixel bytes of all entries never exceed {@link #maxBytes()} (Java object overhead,
 * about 100 bytes per entry, is not counted). A new entry first evicts the least recently used
 * ones until it fits; a clip larger than the whole budget is not stored. Thread-safe: all
 * operations lock the cache (they are short: a map lookup or insertion, no decoding under the
 * lock). Two workers missing the same clip at once both decode it; the second insertion
 * replaces the first, which costs time, never correctness.
 *
 * <p>Counts: {@link #hits()}, {@link #misses()} ({@code get} calls that found nothing),
 * {@link #evictions()}.
 */
public final class ClipCache {

    /**
     * What identifies a decoded clip.
     *
     * @param file   the video file (absolute, normalised)
     * @param start  first frame
     * @param frames frames per clip T
     * @param stride frame stride
     * @param spec   output size, channels and normalisation (normalisation is part of the key so
     *               that a key always denotes one float clip)
     */
    public record Key(Path file, int start, int frames, int stride, FrameSpec spec) {
        public Key {
            if (file == null || spec == null || start < 0 || frames <= 0 || stride <= 0) {
                throw new IllegalArgumentException("bad clip key: file " + file + ", start " + start + ", frames " + frames
                        + ", stride " + stride + ", spec " + spec);
            }
            file = file.toAbsolutePath().normalize();
        }

        /** Pixel bytes of this clip. */
        public long bytes() {
            return VideoClipDecoder.clipBytes(spec, frames);
        }
    }

    private final long maxBytes;
    private final LinkedHashMap<Key, byte[]> map = new LinkedHashMap<>(256, 0.75f, true);
    private long bytes;
    private long hits;
    private long misses;
    private long evictions;

    /** A cache holding at most {@code maxBytes} bytes of pixels ({@code > 0}). */
    public ClipCache(long maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("clip cache budget must be positive, got " + maxBytes + " bytes");
        }
        this.maxBytes = maxBytes;
    }

    /** The clip's pixels, or null when not cached; a hit makes the entry most recently used. Do not modify them. */
    public synchronized byte[] get(Key key) {
        byte[] v = map.get(key);
        if (v == null) {
            misses++;
        } else {
            hits++;
        }
        return v;
    }

    /**
     * Stores {@code pixels} (of exactly {@code key.bytes()} bytes; the cache keeps the array, do
     * not modify it afterwards), evicting least recently used clips until it fits.
     *
     * @return whether it was stored (false when it alone exceeds the budget)
     */
    public synchronized boolean put(Key key, byte[] pixels) {
        if (pixels == null || pixels.length != key.bytes()) {
            throw new IllegalArgumentException("clip " + key + " needs " + key.bytes() + " bytes, got "
                    + (pixels == null ? "null" : pixels.length));
        }
        if (pixels.length > maxBytes) {
            return false;
        }
        byte[] old = map.remove(key);
        if (old != null) {
            bytes -= old.length;
        }
        Iterator<Map.Entry<Key, byte[]>> it = map.entrySet().iterator();
        while (bytes + pixels.length > maxBytes) {
            bytes -= it.next().getValue().length;
            it.remove();
            evictions++;
        }
        map.put(key, pixels);
        bytes += pixels.length;
        return true;
    }

    /** Pixel bytes held now, at most {@link #maxBytes()}. */
    public synchronized long bytes() {
        return bytes;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** Clips held now. */
    public synchronized int size() {
        return map.size();
    }

    public synchronized boolean contains(Key key) {
        return map.containsKey(key);
    }

    public synchronized long hits() {
        return hits;
    }

    public synchronized long misses() {
        return misses;
    }

    public synchronized long evictions() {
        return evictions;
    }

    /** Drops every clip (counters are kept). */
    public synchronized void clear() {
        map.clear();
        bytes = 0;
    }

    @Override
    public synchronized String toString() {
        return "ClipCache[" + map.size() + " clips, " + bytes + " / " + maxBytes + " bytes, " + hits + " hits, "
                + misses + " misses, " + evictions + " evictions]";
    }
}
