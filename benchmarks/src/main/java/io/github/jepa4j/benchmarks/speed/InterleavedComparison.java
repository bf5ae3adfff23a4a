package io.github.jepa4j.benchmarks.speed;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Two builds of jepa4j measured in one JVM, alternately: each build's module jars in its own class
 * loader, the same {@link SpeedTable#measure} run for a few steps by build A, then by build B, then
 * B, A, and so on. On this project's shared 2-vCPU VM the step time of one build drifted by 10-25 %
 * between separate runs minutes apart, more than most changes worth measuring; alternating short
 * runs inside one process lets both builds see the same minutes (and the same JIT-warm third-party
 * code). It resolves differences of about 5 % and more, not less: an A/A run (the same commit as A
 * and B, 8 rounds of 20 steps) read B / A = 1.037, B faster in 5 of 8 rounds. Session 12 measured
 * with it that reading attention heads through strided GEMMs instead of copying them was no faster
 * (B / A = 1.039, B faster in 3 of 10 rounds: within that noise), and dropped the change.
 *
 * <p>Usage (see {@code benchmarks/run-ab.sh}, which builds a git ref and the working tree):
 * {@code InterleavedComparison A_PATHS B_PATHS [rounds=10] [steps=20] [preset=ref] [batch=64] [out.md]}
 * where each {@code *_PATHS} is a {@code :}-separated list of the build's own jars or class
 * directories (core, regularizers, image, ... and the benchmarks classes); third-party libraries
 * (ND4J, OpenBLAS, ...) come from this JVM's class path and are shared, since native libraries load
 * once per process. Classes of {@code io.github.jepa4j} are looked up in the build's paths first.
 */
public final class InterleavedComparison {
    private InterleavedComparison() {}

    /** Warm-up steps of each short run, before its measured steps. */
    static final int WARMUP = 5;

    /** Per-round medians of both builds, ms/step. */
    record Result(double[] a, double[] b) {
        double medianA() {
            return SpeedRow.median(a);
        }

        double medianB() {
            return SpeedRow.median(b);
        }

        /** Rounds in which B's median step was shorter than A's. */
        int bFaster() {
            int n = 0;
            for (int i = 0; i < a.length; i++) {
                if (b[i] < a[i]) {
                    n++;
                }
            }
            return n;
        }

        String markdown(String labelA, String labelB, String preset, int batch, int steps) {
            StringBuilder s = new StringBuilder("# Interleaved comparison\n\n");
            s.append(String.format(Locale.ROOT, "Preset %s, batch %d, %d measured steps per run (after %d warm-up steps), %d rounds; A = %s, B = %s."
                    + " Each round runs A then B, or B then A (alternating), in one JVM.%n%n", preset, batch, steps, WARMUP, a.length, labelA,
                    labelB));
            s.append("| round | A ms/step | B ms/step | B / A |\n|---|---|---|---|\n");
            for (int i = 0; i < a.length; i++) {
                s.append(String.format(Locale.ROOT, "| %d | %.1f | %.1f | %.3f |%n", i + 1, a[i], b[i], b[i] / a[i]));
            }
            s.append(String.format(Locale.ROOT, "%n**Median A %.1f ms, B %.1f ms: B / A = %.3f; B faster in %d of %d rounds.**%n",
                    medianA(), medianB(), medianB() / medianA(), bFaster(), a.length));
            return s.toString();
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: InterleavedComparison A_PATHS B_PATHS [rounds=10] [steps=20] [preset=ref]"
                    + " [batch=64] [out.md]");
        }
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int steps = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        String preset = args.length > 4 ? args[4] : "ref";
        int batch = args.length > 5 ? Integer.parseInt(args[5]) : 64;
        if (rounds < 1 || steps < 1 || batch < 1) {
            throw new IllegalArgumentException("rounds, steps and batch must be positive, got " + rounds + ", " + steps + ", " + batch);
        }
        Measure a = new Measure(paths(args[0]), preset);
        Measure b = new Measure(paths(args[1]), preset);
        Result r = run(rounds, (isA, round) -> (isA ? a : b).stepMs(batch, steps));
        String md = r.markdown(System.getProperty("ab.labelA", args[0]), System.getProperty("ab.labelB", args[1]), preset, batch, steps);
        System.out.println(md);
        if (args.length > 6) {
            Files.writeString(Path.of(args[6]), md);
        }
        System.exit(0); // the builds' non-daemon pools (kernels, prefetch) must not keep the JVM alive
    }

    /** One measurement: median ms/step of a short run of build A or B. */
    interface Runner {
        double stepMs(boolean isA, int round) throws Exception;
    }

    /** Alternates A and B over {@code rounds}: A first in even rounds, B first in odd ones. */
    static Result run(int rounds, Runner runner) throws Exception {
        double[] a = new double[rounds];
        double[] b = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            boolean aFirst = i % 2 == 0;
            for (int k = 0; k < 2; k++) {
                boolean isA = (k == 0) == aFirst;
                double ms = runner.stepMs(isA, i);
                (isA ? a : b)[i] = ms;
                System.err.printf(Locale.ROOT, "round %d %s: %.1f ms/step%n", i + 1, isA ? "A" : "B", ms);
            }
        }
        return new Result(a, b);
    }

    static URL[] paths(String list) throws IOException {
        List<URL> urls = new ArrayList<>();
        for (String p : list.split(":")) {
            if (p.isBlank()) {
                continue;
            }
            Path path = Path.of(p);
            if (!Files.exists(path)) {
                throw new IllegalArgumentException("build path does not exist: " + p);
            }
            urls.add(path.toUri().toURL());
        }
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("no build paths given in '" + list + "'");
        }
        return urls.toArray(new URL[0]);
    }

    /** {@link SpeedTable#measure} of one build, through its own class loader. */
    private static final class Measure {
        private final Method measure;
        private final Object preset;

        Measure(URL[] urls, String presetName) throws ReflectiveOperationException {
            ClassLoader cl = new BuildFirstLoader(urls, InterleavedComparison.class.getClassLoader());
            Class<?> presetClass = cl.loadClass(SpeedPreset.class.getName());
            if (presetClass.getClassLoader() != cl) {
                throw new IllegalStateException("the build's paths " + Arrays.toString(urls) + " hold no " + SpeedPreset.class.getName());
            }
            preset = presetClass.getMethod("of", String.class).invoke(null, presetName);
            measure = cl.loadClass(SpeedTable.class.getName())
                    .getMethod("measure", presetClass, int.class, int.class, int.class, long.class, int.class);
        }

        double stepMs(int batch, int steps) throws ReflectiveOperationException {
            Object row = measure.invoke(null, preset, batch, WARMUP, steps, 7L, 0);
            return (double) row.getClass().getMethod("medianMs").invoke(row);
        }
    }

    /** Loads {@code io.github.jepa4j} classes (except this one) from the build's paths first, all else from the parent. */
    static final class BuildFirstLoader extends URLClassLoader {
        BuildFirstLoader(URL[] urls, ClassLoader parent) {
            super(urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("io.github.jepa4j.") || name.startsWith(InterleavedComparison.class.getName())) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    try {
                        c = findClass(name);
                    } catch (ClassNotFoundException e) {
                        c = super.loadClass(name, false);
                    }
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }
}
