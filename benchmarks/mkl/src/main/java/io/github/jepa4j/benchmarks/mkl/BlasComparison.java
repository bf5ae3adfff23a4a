package io.github.jepa4j.benchmarks.mkl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.mkl.global.mkl_rt;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * The reference training step's matrix products (ViT D=128, depth 4, MLP 512, 49 tokens, batch 64;
 * predictor width 64) through OpenBLAS, the library nd4j-native runs and {@code Gemm} calls directly,
 * and through Intel MKL (bytedeco's {@code mkl} preset), each on one and on two threads: the issue
 * asked whether MKL should replace OpenBLAS. Row-major {@code cblas_sgemm} into preallocated output,
 * FLOAT.
 *
 * <p>Method: each library runs in its own JVM. Both export {@code cblas_sgemm}, and with both
 * loaded in one process the calls meant for MKL reached the other library (a first version read
 * MKL's "one thread" faster than OpenBLAS's two, and 1 GFLOP/s on the small products). In each
 * JVM: for one thread, then two, 5 untimed and 15 timed calls of every shape (median per shape),
 * with a 0.4 s pause between the settings, since OpenBLAS's woken workers spin on
 * {@code sched_yield} for about 0.1 s after a multi-thread call and MKL's OpenMP threads for
 * {@code KMP_BLOCKTIME}. {@code run-mkl.sh} alternates the two JVMs over rounds and the table gives
 * the median over rounds.
 *
 * <p>Usage: {@code benchmarks/run-mkl.sh [rounds=5] [out=runs/bench-mkl]}: prints and writes
 * {@code blas.md} (this class: {@code measure openblas|mkl CSV} appends one round,
 * {@code table ROUNDS CSV OUT_MD} writes the table).
 */
public final class BlasComparison {
    private BlasComparison() {}

    /** One product {@code C[m, n] = A[m, k] B[k, n]} (or {@code A B^T} when {@code transB}), {@code batch} times on consecutive matrices. */
    record Shape(String name, int m, int n, int k, boolean transB, int batch) {
        double flops() {
            return 2.0 * m * n * k * batch;
        }
    }

    /** Where the step spends its GEMM time (row counts: 64 x 49 target tokens, about 64 x 24 context tokens). */
    static final List<Shape> SHAPES = List.of(
            new Shape("target qkv [3136,128]x[128,384]", 3136, 384, 128, true, 1),
            new Shape("target proj [3136,128]x[128,128]", 3136, 128, 128, true, 1),
            new Shape("target fc1 [3136,128]x[128,512]", 3136, 512, 128, true, 1),
            new Shape("target fc2 [3136,512]x[512,128]", 3136, 128, 512, true, 1),
            new Shape("context fc1 [1536,128]x[128,512]", 1536, 512, 128, true, 1),
            new Shape("weight grad fc1 [512,3136]x[3136,128]", 512, 128, 3136, false, 1),
            new Shape("predictor fc1 [3584,64]x[64,256]", 3584, 256, 64, true, 1),
            new Shape("attention scores 256 x [49,32]x[32,49]", 49, 49, 32, true, 256));

    private static final String[] LIBS = {"openblas", "mkl"};
    private static final int[] THREADS = {1, 2};

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length == 3 && args[0].equals("measure")) {
            int lib = Arrays.asList(LIBS).indexOf(args[1]);
            if (lib < 0) {
                throw new IllegalArgumentException("library must be one of " + Arrays.toString(LIBS) + ", got " + args[1]);
            }
            Files.write(Path.of(args[2]), measure(lib), java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } else if (args.length == 4 && args[0].equals("table")) {
            String md = table(Files.readAllLines(Path.of(args[2])), Integer.parseInt(args[1]));
            System.out.println(md);
            Files.writeString(Path.of(args[3]), md);
        } else {
            throw new IllegalArgumentException("usage: BlasComparison measure openblas|mkl CSV | table ROUNDS CSV OUT_MD");
        }
    }

    /** One round for library {@code lib} in this JVM: CSV lines {@code lib,threads,shape index,GFLOP/s}. */
    static List<String> measure(int lib) throws InterruptedException {
        threads(lib, THREADS[0]); // loads the library (and JavaCPP's natives) before any allocation
        List<Operands> ops = new ArrayList<>();
        for (Shape s : SHAPES) {
            ops.add(new Operands(s));
        }
        List<String> lines = new ArrayList<>();
        for (int t : THREADS) {
            threads(lib, t);
            for (int s = 0; s < SHAPES.size(); s++) {
                lines.add(String.format(Locale.ROOT, "%s,%d,%d,%.3f", LIBS[lib], t, s, rate(lib, ops.get(s))));
            }
            Thread.sleep(400);
        }
        return lines;
    }

    private static void threads(int lib, int n) {
        if (lib == 0) {
            openblas_nolapack.blas_set_num_threads(n);
        } else {
            mkl_rt.MKL_Set_Num_Threads(n);
        }
    }

    /** Median GFLOP/s of 15 timed calls after 5 untimed ones. */
    private static double rate(int lib, Operands o) {
        double[] t = new double[15];
        for (int i = -5; i < t.length; i++) {
            long t0 = System.nanoTime();
            o.run(lib);
            long dt = System.nanoTime() - t0;
            if (i >= 0) {
                t[i] = dt;
            }
        }
        return o.shape.flops() / median(t);
    }

    /** As {@code SpeedRow.median} in benchmarks, which this module does not depend on (it loads no ND4J). */
    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** Preallocated random operands of one shape. */
    private static final class Operands {
        final Shape shape;
        final FloatPointer a;
        final FloatPointer b;
        final FloatPointer c;

        Operands(Shape s) {
            shape = s;
            a = random((long) s.m() * s.k() * s.batch(), 1);
            b = random((long) s.k() * s.n() * s.batch(), 2);
            c = new FloatPointer((long) s.m() * s.n() * s.batch());
        }

        void run(int lib) {
            Shape s = shape;
            int ldb = s.transB() ? s.k() : s.n();
            for (int i = 0; i < s.batch(); i++) {
                a.position((long) i * s.m() * s.k());
                b.position((long) i * s.k() * s.n());
                c.position((long) i * s.m() * s.n());
                if (lib == 0) {
                    openblas_nolapack.cblas_sgemm(101, 111, s.transB() ? 112 : 111, s.m(), s.n(), s.k(), 1f, a, s.k(), b, ldb, 0f, c, s.n());
                } else {
                    mkl_rt.cblas_sgemm(101, 111, s.transB() ? 112 : 111, s.m(), s.n(), s.k(), 1f, a, s.k(), b, ldb, 0f, c, s.n());
                }
            }
            a.position(0);
            b.position(0);
            c.position(0);
        }

        private static FloatPointer random(long n, long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            FloatPointer p = new FloatPointer(n);
            for (long i = 0; i < n; i++) {
                p.put(i, (float) (r.nextDouble() - 0.5));
            }
            return p;
        }
    }

    /** The Markdown table of the medians over rounds of the CSV lines {@link #measure} wrote. */
    static String table(List<String> csv, int rounds) {
        List<List<List<Double>>> byLib = new ArrayList<>();
        for (int l = 0; l < LIBS.length * THREADS.length; l++) {
            List<List<Double>> shapes = new ArrayList<>();
            for (int s = 0; s < SHAPES.size(); s++) {
                shapes.add(new ArrayList<>());
            }
            byLib.add(shapes);
        }
        for (String line : csv) {
            String[] f = line.split(",");
            int l = Arrays.asList(LIBS).indexOf(f[0]);
            int t = Integer.parseInt(f[1]) - 1;
            byLib.get(l * THREADS.length + t).get(Integer.parseInt(f[2])).add(Double.parseDouble(f[3]));
        }
        double[][] med = new double[LIBS.length * THREADS.length][SHAPES.size()];
        for (int i = 0; i < med.length; i++) {
            for (int s = 0; s < SHAPES.size(); s++) {
                List<Double> v = byLib.get(i).get(s);
                if (v.isEmpty()) {
                    throw new IllegalArgumentException("no measurement of " + LIBS[i / THREADS.length] + " on " + THREADS[i % THREADS.length]
                            + " thread(s) for " + SHAPES.get(s).name());
                }
                med[i][s] = median(v.stream().mapToDouble(Double::doubleValue).toArray());
            }
        }
        StringBuilder s = new StringBuilder("# OpenBLAS against MKL on the reference step's products\n\n");
        s.append(String.format(Locale.ROOT, "OpenBLAS 0.3.19 (nd4j-native's; OPENBLAS_CORETYPE=%s) and MKL 2022.0 (bytedeco preset), each in its"
                        + " own JVM, row-major cblas_sgemm, FLOAT, preallocated outputs; %s, %d cores; GFLOP/s, median over %d rounds"
                        + " (each the median of 15 timed calls after 5 untimed), the two JVMs alternated; %s.%n%n",
                System.getenv("OPENBLAS_CORETYPE"), System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors(), rounds,
                LocalDate.now()));
        s.append("| product | OpenBLAS 1 thread | MKL 1 thread | MKL / OpenBLAS | OpenBLAS 2 threads | MKL 2 threads | MKL / OpenBLAS |\n");
        s.append("|---|---|---|---|---|---|---|\n");
        for (int i = 0; i < SHAPES.size(); i++) {
            s.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.2f | %.0f | %.0f | %.2f |%n", SHAPES.get(i).name(),
                    med[0][i], med[2][i], med[2][i] / med[0][i], med[1][i], med[3][i], med[3][i] / med[1][i]));
        }
        s.append("\nRegenerate: `benchmarks/run-mkl.sh ").append(rounds).append("`.\n");
        return s.toString();
    }
}
