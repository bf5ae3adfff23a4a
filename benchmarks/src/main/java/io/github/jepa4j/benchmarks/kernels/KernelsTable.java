package io.github.jepa4j.benchmarks.kernels;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.jepa4j.benchmarks.speed.Machine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The kernel table ({@code ./jepa4j bench kernels}): runs the JMH benchmarks of this package
 * (or those its arguments select) and turns JMH's JSON result into {@code OUT/kernels.md}: one
 * row per benchmark and parameter set with score, error and unit, under a line naming the
 * backend, device and JMH settings.
 *
 * <p>Arguments: {@code --out DIR} (default {@code runs/bench-kernels}; JMH's JSON goes to
 * {@code DIR/jmh.json}), {@code --from FILE.json} (only render an existing JMH JSON result; the
 * regenerate line then names the JMH options of the original run only if repeated), {@code --note TEXT}
 * (appended to the table), and
 * anything else goes to JMH, e.g. {@code 'kernels.Attention' -p path=kernel -wi 1 -i 2 -r 1}.
 * JMH's listing and help flags ({@code -l}, {@code -lp}, {@code -h}) run JMH's own main.
 */
public final class KernelsTable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> JMH_INFO_FLAGS = Set.of("-h", "-l", "-lp", "-lrf", "-lprof");

    private KernelsTable() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of("runs/bench-kernels");
        Path from = null;
        String note = null;
        List<String> jmh = new ArrayList<>();
        List<String> regenerate = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> {
                    out = Path.of(value(args, ++i, "--out"));
                    regenerate.addAll(List.of("--out", args[i]));
                }
                case "--from" -> from = Path.of(value(args, ++i, "--from"));
                case "--note" -> note = value(args, ++i, "--note");
                default -> {
                    jmh.add(args[i]);
                    regenerate.add(args[i]);
                }
            }
        }
        if (jmh.stream().anyMatch(JMH_INFO_FLAGS::contains)) {
            org.openjdk.jmh.Main.main(jmh.toArray(String[]::new));
            return;
        }
        Files.createDirectories(out);
        Path json = from;
        if (json == null) {
            json = out.resolve("jmh.json");
            if (jmh.stream().noneMatch(a -> !a.startsWith("-") && isSelector(jmh, a))) {
                jmh.add(0, KernelsTable.class.getPackageName() + ".");
            }
            CommandLineOptions cmd = new CommandLineOptions(jmh.toArray(String[]::new));
            // Forked JVMs: room for native buffers, then the caller's -jvmArgsAppend (later flags win).
            List<String> jvm = new ArrayList<>(List.of("-Xmx4g", "-Dorg.bytedeco.javacpp.maxbytes=8G"));
            if (cmd.getJvmArgsAppend().hasValue()) {
                jvm.addAll(cmd.getJvmArgsAppend().get());
            }
            new Runner(new OptionsBuilder().parent(cmd).jvmArgsAppend(jvm.toArray(String[]::new))
                    .resultFormat(ResultFormatType.JSON).result(json.toString()).build()).run();
        }
        String md = markdown(JSON.readTree(json.toFile()), shellWords(regenerate.toArray(String[]::new)));
        if (note != null && !note.isBlank()) {
            md += "\n" + note.trim() + "\n";
        }
        Files.writeString(out.resolve("kernels.md"), md);
        System.out.println();
        System.out.println(md);
        System.out.println("wrote " + out.resolve("kernels.md"));
    }

    /** True when {@code a} is a benchmark selector (a positional argument, not an option's value). */
    private static boolean isSelector(List<String> args, String a) {
        int i = args.indexOf(a);
        return i == 0 || !args.get(i - 1).startsWith("-");
    }

    /** The arguments as a shell would need them, single-quoting any with special characters. */
    static String shellWords(String[] args) {
        StringBuilder s = new StringBuilder();
        for (String a : args) {
            s.append(s.length() > 0 ? " " : "").append(a.matches("[A-Za-z0-9._=/:,+-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return s.toString();
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException("missing value after " + flag);
        }
        return args[i];
    }

    /** The Markdown table of a JMH JSON result (an array of runs). */
    public static String markdown(JsonNode results, String command) {
        if (!results.isArray()) {
            throw new IllegalArgumentException("not a JMH JSON result: expected an array of benchmark runs");
        }
        StringBuilder s = new StringBuilder("# jepa4j kernel micro-benchmarks (JMH)\n\n");
        JsonNode first = results.size() > 0 ? results.get(0) : JSON.createObjectNode();
        s.append(String.format(Locale.ROOT, "Backend %s; device %s; %d cores visible to the JVM; OMP_WAIT_POLICY=%s; %s; JMH %s, "
                        + "%s warm-up × %s, %s measurement × %s, %s fork(s), %s thread(s). Score = mean time per call"
                        + " (± the 99.9 %% confidence half-width JMH reports; NaN with fewer than 2 measured iterations).%n%n",
                Machine.backend(), Machine.device(), Runtime.getRuntime().availableProcessors(), env("OMP_WAIT_POLICY"), LocalDate.now(),
                first.path("jmhVersion").asText("?"), first.path("warmupIterations").asText("?"), first.path("warmupTime").asText("?"),
                first.path("measurementIterations").asText("?"), first.path("measurementTime").asText("?"),
                first.path("forks").asText("?"), first.path("threads").asText("?")));
        s.append("| benchmark | params | score | ± error | unit |\n|---|---|---|---|---|\n");
        for (JsonNode r : results) {
            String name = r.path("benchmark").asText();
            String pkg = KernelsTable.class.getPackageName() + ".";
            name = name.startsWith(pkg) ? name.substring(pkg.length()) : name;
            StringBuilder params = new StringBuilder();
            for (Iterator<Map.Entry<String, JsonNode>> it = r.path("params").fields(); it.hasNext(); ) {
                var e = it.next();
                params.append(params.length() > 0 ? ", " : "").append(e.getKey()).append('=').append(e.getValue().asText());
            }
            JsonNode m = r.path("primaryMetric");
            s.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", name, params.length() > 0 ? params : "–",
                    fmt(m.path("score").asDouble(Double.NaN)), fmt(m.path("scoreError").asDouble(Double.NaN)), m.path("scoreUnit").asText()));
        }
        s.append("\nShapes: the reference model's (64 inputs × 49 tokens, D 128, MLP 512, 4 heads; gather keeps 25 of 49 tokens;"
                + " AdamW over all trainable parameters, EMA over the encoder's). path=kernel: fused Java kernels"
                + " (core.tensor.Kernels), path=nd4j: composed ND4J ops.\n");
        s.append("\nRegenerate: `./jepa4j bench kernels").append(command.isBlank() ? "" : " " + command).append("`.\n");
        return s.toString();
    }

    private static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        double a = Math.abs(v);
        return a >= 100 ? String.format(Locale.ROOT, "%.1f", v) : a >= 1 ? String.format(Locale.ROOT, "%.3f", v)
                : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String env(String k) {
        String v = System.getenv(k);
        return v == null ? "unset" : v;
    }
}
