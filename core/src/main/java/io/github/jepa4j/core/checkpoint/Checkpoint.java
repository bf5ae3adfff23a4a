package io.github.jepa4j.core.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One training checkpoint in one file: a zip holding {@code meta.json} (format version, step,
 * seed, parameter layout, the resolved configuration) and one raw little-endian entry per array
 * (trainable parameters, optimiser moments, EMA target, ...).
 *
 * <p>Written atomically: the zip goes to a temporary file in the same directory, is forced to
 * disk, then renamed over the destination, so a crash at any point leaves the previous
 * checkpoint intact. Arrays are stored bit-exactly, which is what makes a resumed run
 * bit-identical to an uninterrupted one.
 *
 * @param step   number of optimisation steps completed
 * @param seed   the run's seed (with the step, the whole RNG state: all draws are counter-based)
 * @param layout the trainable store's {@link io.github.jepa4j.core.nn.ParamStore#layoutSignature()}
 * @param config the resolved configuration, as JSON
 * @param arrays named arrays (c-order), e.g. {@code params}, {@code adam.m}, {@code target.params}
 * @param scalars named numbers, e.g. {@code adam.t}
 */
public record Checkpoint(long step, long seed, String layout, JsonNode config,
                         Map<String, INDArray> arrays, Map<String, Double> scalars) {
    /** Format version written to meta.json; readers refuse newer versions. */
    public static final int FORMAT_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    public Checkpoint {
        arrays = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(arrays));
        scalars = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(scalars));
    }

    /** The array named {@code name}, or an error naming what the checkpoint does hold. */
    public INDArray array(String name) {
        INDArray a = arrays.get(name);
        if (a == null) {
            throw new IllegalStateException("checkpoint has no array '" + name + "' (it holds " + arrays.keySet() + ")");
        }
        return a;
    }

    /** Writes this checkpoint to {@code file} atomically (temp file + fsync + rename). */
    public void save(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream os = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 20);
                 ZipOutputStream zip = new ZipOutputStream(os)) {
                zip.setLevel(1);
                ObjectNode meta = JSON.createObjectNode();
                meta.put("format", "jepa4j-checkpoint");
                meta.put("version", FORMAT_VERSION);
                meta.put("step", step);
                meta.put("seed", seed);
                meta.put("layout", layout);
                meta.set("config", config == null ? JSON.nullNode() : config);
                ObjectNode sc = meta.putObject("scalars");
                scalars.forEach(sc::put);
                ObjectNode arr = meta.putObject("arrays");
                for (var e : arrays.entrySet()) {
                    ObjectNode a = arr.putObject(e.getKey());
                    a.put("dtype", e.getValue().dataType().name());
                    a.set("shape", JSON.valueToTree(e.getValue().shape()));
                }
                zip.putNextEntry(new ZipEntry("meta.json"));
                zip.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(meta));
                zip.closeEntry();
                for (var e : arrays.entrySet()) {
                    zip.putNextEntry(new ZipEntry("arrays/" + e.getKey() + ".bin"));
                    writeArray(e.getValue(), zip);
                    zip.closeEntry();
                }
                zip.finish();
                os.flush();
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Reads a checkpoint. A missing, truncated or foreign file raises an {@link IOException} whose
     * message names the file and the defect.
     */
    public static Checkpoint load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "checkpoint file does not exist");
        }
        JsonNode meta = null;
        Map<String, byte[]> raw = new LinkedHashMap<>();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 20);
             ZipInputStream zip = new ZipInputStream(in)) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                byte[] bytes = zip.readAllBytes();
                if (e.getName().equals("meta.json")) {
                    meta = JSON.readTree(bytes);
                } else if (e.getName().startsWith("arrays/") && e.getName().endsWith(".bin")) {
                    raw.put(e.getName().substring(7, e.getName().length() - 4), bytes);
                }
            }
        } catch (ZipException | java.io.EOFException ex) {
            throw new IOException("unreadable checkpoint " + file + ": " + ex.getMessage() + " (truncated or not a jepa4j checkpoint)", ex);
        }
        if (meta == null || !"jepa4j-checkpoint".equals(meta.path("format").asText())) {
            throw new IOException("not a jepa4j checkpoint: " + file + " (no meta.json with format 'jepa4j-checkpoint')");
        }
        int version = meta.path("version").asInt(-1);
        if (version > FORMAT_VERSION || version < 1) {
            throw new IOException("checkpoint " + file + " has format version " + version + "; this jepa4j reads up to " + FORMAT_VERSION);
        }
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        var it = meta.path("arrays").fields();
        while (it.hasNext()) {
            var a = it.next();
            byte[] bytes = raw.get(a.getKey());
            if (bytes == null) {
                throw new IOException("checkpoint " + file + " is missing array '" + a.getKey() + "' (truncated?)");
            }
            DataType dt = DataType.valueOf(a.getValue().path("dtype").asText());
            long[] shape = JSON.convertValue(a.getValue().path("shape"), long[].class);
            arrays.put(a.getKey(), readArray(bytes, dt, shape, file, a.getKey()));
        }
        Map<String, Double> scalars = new LinkedHashMap<>();
        meta.path("scalars").fields().forEachRemaining(s -> scalars.put(s.getKey(), s.getValue().asDouble()));
        return new Checkpoint(meta.path("step").asLong(), meta.path("seed").asLong(), meta.path("layout").asText(),
                meta.path("config"), arrays, scalars);
    }

    private static void writeArray(INDArray a, OutputStream out) throws IOException {
        INDArray c = a.isView() || a.ordering() != 'c' ? a.dup('c') : a;
        ByteBuffer bb = c.data().asNio().order(ByteOrder.nativeOrder());
        long bytes = c.length() * c.dataType().width();
        byte[] chunk = new byte[1 << 16];
        ByteBuffer src = bb.duplicate();
        src.position(0);
        src.limit((int) bytes);
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new IOException("checkpoints are little-endian; big-endian hosts are not supported");
        }
        while (src.hasRemaining()) {
            int n = Math.min(chunk.length, src.remaining());
            src.get(chunk, 0, n);
            out.write(chunk, 0, n);
        }
    }

    private static INDArray readArray(byte[] bytes, DataType dt, long[] shape, Path file, String name) throws IOException {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        if (bytes.length != n * dt.width()) {
            throw new IOException("checkpoint " + file + ": array '" + name + "' " + Arrays.toString(shape) + " " + dt
                    + " needs " + n * dt.width() + " bytes but has " + bytes.length + " (truncated or corrupt)");
        }
        INDArray a = Nd4j.createUninitializedDetached(dt, n);
        ByteBuffer dst = a.data().asNio().order(ByteOrder.LITTLE_ENDIAN);
        dst.position(0);
        dst.put(bytes);
        return a.reshape('c', shape);
    }

    /** Reads only {@code meta.json}'s configuration (for tools that inspect a run). */
    public static JsonNode readConfig(Path file) throws IOException {
        return load(file).config();
    }

}
