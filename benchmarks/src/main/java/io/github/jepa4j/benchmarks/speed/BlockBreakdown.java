package io.github.jepa4j.benchmarks.speed;

import io.github.jepa4j.benchmarks.BenchCli;
import io.github.jepa4j.core.model.PredictorConfig;
import io.github.jepa4j.core.model.VitConfig;
import io.github.jepa4j.core.nn.Gelu;
import io.github.jepa4j.core.nn.MultiHeadSelfAttention;
import io.github.jepa4j.core.nn.ParamStore;
import io.github.jepa4j.core.nn.TransformerBlock;
import io.github.jepa4j.core.task.MaskedBatch;
import io.github.jepa4j.core.tensor.BlasThreads;
import io.github.jepa4j.core.tensor.Gemm;
import io.github.jepa4j.core.tensor.Kernels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Where one core's time goes inside the transformer blocks of a training step
 * ({@code ./jepa4j bench block}): each block shape of a speed preset (the EMA target encoder over
 * all tokens, forward only; the context encoder over the kept tokens and the predictor over its
 * {@code M B} sequences of context plus target tokens, forward and backward) timed part by part
 * through the library's own layers, with each part's GFLOP/s against a one-thread sgemm of the
 * model's MLP shape measured in the same run ({@link SgemmSampler}).
 *
 * <p>Parts, in the order of {@link TransformerBlock}: {@code norm1}, {@code qkv} and {@code proj}
 * (the attention's two projections, each a {@code Linear}), {@code attention core} (head split,
 * scores, softmax, weighted sum and head merge: the attention layer's whole time minus its two
 * projections, measured in the same repetition), the two residual adds, {@code norm2},
 * {@code fc1}, {@code GELU}, {@code fc2}. Each backward is timed the same way; a {@code Linear}'s
 * backward includes its weight gradient (no deferral). The whole block is timed too, so the parts
 * can be checked against it.
 *
 * <p>Everything runs on one core: one BLAS thread per product and the fused kernels inline, as
 * each of the concurrent step's two streams runs. The block sizes come from the preset's masks:
 * the median context and target-block sizes over 16 sampled batches.
 *
 * <p>Options: {@code --presets ref} {@code --batch N} (default: the preset's) {@code --reps 30}
 * {@code --warmup 100} (with 10 warm-up repetitions the reference target encoder read 103 ms per
 * step, with 200 93 ms: the layers' glue code was still being compiled) {@code --seed 1} {@code --out runs/bench-block}. Writes
 * {@code OUT/block.md} and {@code OUT/block.csv}.
 */
public final class BlockBreakdown {
    private BlockBreakdown() {}

    /** Parsed options; {@code batch} 0 means each preset's own batch. */
    public record Options(List<String> presets, int batch, int reps, int warmup, long seed, Path out) {
        public Options {
            if (presets.isEmpty() || batch < 0 || reps < 1 || warmup < 0) {
                throw new IllegalArgumentException("need one preset or more, --batch >= 1 (or 0: the preset's), --reps >= 1, --warmup >= 0;"
                        + " got presets=" + presets + " batch=" + batch + " reps=" + reps + " warmup=" + warmup);
            }
            for (String p : presets) {
                SpeedPreset.of(p);
            }
            presets = List.copyOf(presets);
        }

        public static Options parse(String... args) {
            return BenchCli.parse(new Flags(), args).options();
        }
    }

    /**
     * One block shape of a step: {@code seqs} sequences of {@code tokens} tokens of width {@code dim};
     * {@code depth} such blocks per step, {@code backward} whether the step also runs them backward.
     */
    public record Shape(String role, long seqs, long tokens, int dim, int heads, int hidden, int depth, boolean backward) {
        public Shape {
            if (seqs < 1 || tokens < 1 || dim < 1 || heads < 1 || dim % heads != 0 || hidden < 1 || depth < 1) {
                throw new IllegalArgumentException("bad block shape " + role + ": " + seqs + " x " + tokens + " tokens, width " + dim
                        + ", " + heads + " heads, MLP " + hidden + ", depth " + depth);
            }
        }

        long rows() {
            return seqs * tokens;
        }
    }

    /** Part kinds: a matrix product, attention's batched products with their softmax and copies, a fused kernel, an ND4J add. */
    public enum Kind { GEMM, ATTENTION, KERNEL, ADD }

    /** One part's median times (ms; backward NaN where the step runs the block forward only) and FLOPs per call. */
    public record Part(String name, Kind kind, double fwdMs, double bwdMs, double fwdFlops) {
        /** A product's backward costs two products (input and weight gradients); kernels count none. */
        public double bwdFlops() {
            return 2 * fwdFlops;
        }
    }

    /** A block shape's parts and the whole block's median times. */
    public record Result(Shape shape, List<Part> parts, double blockFwdMs, double blockBwdMs) {
        double partsFwdMs() {
            return parts.stream().mapToDouble(Part::fwdMs).sum();
        }

        double partsBwdMs() {
            return shape.backward() ? parts.stream().mapToDouble(Part::bwdMs).sum() : 0;
        }

        double flopsFwd() {
            return parts.stream().mapToDouble(Part::fwdFlops).sum();
        }

        /** Milliseconds of one step spent in this shape's blocks on one core: depth x (forward [+ backward]). */
        double stepMs() {
            return shape.depth() * (blockFwdMs + (shape.backward() ? blockBwdMs : 0));
        }
    }

    /** The FLOPs per forward call of each part (2 per multiply-add), named as in {@link #measure}. */
    static Map<String, Double> flops(Shape s) {
        double r = s.rows();
        double d = s.dim();
        Map<String, Double> f = new LinkedHashMap<>();
        f.put("norm1", 0.0);
        f.put("qkv", 2 * r * d * 3 * d);
        f.put("attention core", 4.0 * s.seqs() * s.tokens() * s.tokens() * d);
        f.put("proj", 2 * r * d * d);
        f.put("residual 1", 0.0);
        f.put("norm2", 0.0);
        f.put("fc1", 2 * r * d * s.hidden());
        f.put("GELU", 0.0);
        f.put("fc2", 2 * r * s.hidden() * d);
        f.put("residual 2", 0.0);
        return f;
    }

    private static Kind kind(String part) {
        return switch (part) {
            case "qkv", "proj", "fc1", "fc2" -> Kind.GEMM;
            case "attention core" -> Kind.ATTENTION;
            case "residual 1", "residual 2" -> Kind.ADD;
            default -> Kind.KERNEL;
        };
    }

    /** The block shapes of one step of preset {@code p} at batch {@code batch}, sized from its masks. */
    public static List<Shape> shapes(SpeedPreset p, int batch, long seed) {
        VitConfig e = p.encoder();
        PredictorConfig q = p.config().predictor();
        INDArray inputs = Nd4j.zeros(DataType.FLOAT, p.inputShape(batch));
        SpeedPreset.Masks masks = p.masks(seed);
        int samples = 16;
        long[] kc = new long[samples];
        long[] kt = new long[samples];
        int m = 0;
        for (int i = 0; i < samples; i++) {
            MaskedBatch b = masks.batch(inputs, i);
            kc[i] = b.contextIdx()[0].length;
            kt[i] = b.targetBlocks()[0][0].length;
            m = b.targetBlocks().length;
        }
        Arrays.sort(kc);
        Arrays.sort(kt);
        long ctx = kc[samples / 2];
        long tgt = kt[samples / 2];
        return List.of(
                new Shape("target encoder", batch, e.numTokens(), e.dim(), e.heads(), e.mlpHidden(), e.depth(), false),
                new Shape("context encoder", batch, ctx, e.dim(), e.heads(), e.mlpHidden(), e.depth(), true),
                new Shape("predictor", (long) m * batch, ctx + tgt, q.dim(), q.heads(), q.mlpHidden(), q.depth(), true));
    }

    /**
     * Times one block of shape {@code s}, part by part and whole, over {@code warmup + reps}
     * repetitions on one core; medians of the last {@code reps}.
     */
    public static Result measure(Shape s, int warmup, int reps, long seed) {
        Nd4j.getRandom().setSeed(seed);
        ParamStore store = new ParamStore(DataType.FLOAT);
        TransformerBlock blk = new TransformerBlock(store, "block", s.dim(), s.heads(), s.hidden());
        store.allocate(seed);
        // Perturbed, so that no two layers of one kind compute the same (a fresh LayerNorm is the identity affine map).
        store.params().addi(Nd4j.randn(DataType.FLOAT, store.params().length()).muli(0.05));
        Gelu gelu = new Gelu();
        MultiHeadSelfAttention attn = blk.attn();
        long[] shape = {s.seqs(), s.tokens(), s.dim()};
        INDArray x = Nd4j.randn(DataType.FLOAT, shape);
        INDArray g = Nd4j.randn(DataType.FLOAT, shape).muli(0.01);
        INDArray gQkv = Nd4j.randn(DataType.FLOAT, s.seqs(), s.tokens(), 3L * s.dim()).muli(0.01);
        INDArray gHidden = Nd4j.randn(DataType.FLOAT, s.seqs(), s.tokens(), s.hidden()).muli(0.01);
        INDArray h = Nd4j.create(DataType.FLOAT, shape);
        INDArray y = Nd4j.create(DataType.FLOAT, shape);
        INDArray sum = Nd4j.create(DataType.FLOAT, shape);
        Map<String, Double> fl = flops(s);
        Map<String, double[]> fwd = new LinkedHashMap<>();
        Map<String, double[]> bwd = new LinkedHashMap<>();
        for (String part : fl.keySet()) {
            fwd.put(part, new double[reps]);
            bwd.put(part, new double[reps]);
        }
        double[] blockFwd = new double[reps];
        double[] blockBwd = new double[reps];
        boolean wasInline = Kernels.inline();
        Kernels.setInline(true);
        try (BlasThreads one = BlasThreads.single(true)) {
            for (int it = 0; it < warmup + reps; it++) {
                int i = it - warmup;
                Timer t = new Timer(i);
                // Forward, part by part, feeding each part the previous one's output.
                INDArray y1 = t.time(fwd, "norm1", () -> blk.norm1().forward(x));
                t.time(fwd, "qkv", () -> attn.qkv().forward(y1));
                double qkvMs = t.last;
                t.time(fwd, "proj", () -> attn.proj().forward(y1));
                double projMs = t.last;
                INDArray a = t.time(null, null, () -> attn.forward(y1));
                t.put(fwd, "attention core", t.last - qkvMs - projMs);
                t.time(fwd, "residual 1", () -> x.add(a, h));
                INDArray y2 = t.time(fwd, "norm2", () -> blk.norm2().forward(h));
                INDArray f1 = t.time(fwd, "fc1", () -> blk.mlp().fc1().forward(y2));
                INDArray a1 = t.time(fwd, "GELU", () -> gelu.forward(f1));
                INDArray f2 = t.time(fwd, "fc2", () -> blk.mlp().fc2().forward(a1));
                t.time(fwd, "residual 2", () -> h.add(f2, y));
                if (i == 0 && !y.equals(blk.forward(x))) {
                    throw new IllegalStateException("the parts do not compose the block's forward: the breakdown is out of date");
                }
                t.time(null, null, () -> blk.forward(x));
                t.put(blockFwd, t.last);
                if (!s.backward()) {
                    continue;
                }
                // Backward, part by part, on the state of the whole block's forward just above.
                t.time(bwd, "residual 2", () -> g.add(y, sum));
                t.time(bwd, "fc2", () -> blk.mlp().fc2().backward(g));
                t.time(bwd, "GELU", () -> gelu.backward(gHidden));
                t.time(bwd, "fc1", () -> blk.mlp().fc1().backward(gHidden));
                t.time(bwd, "norm2", () -> blk.norm2().backward(g));
                t.time(bwd, "residual 1", () -> g.add(y, sum));
                t.time(bwd, "proj", () -> attn.proj().backward(g));
                projMs = t.last;
                t.time(bwd, "qkv", () -> attn.qkv().backward(gQkv));
                qkvMs = t.last;
                t.time(null, null, () -> attn.backward(g));
                t.put(bwd, "attention core", t.last - qkvMs - projMs);
                t.time(bwd, "norm1", () -> blk.norm1().backward(g));
                t.time(null, null, () -> blk.backward(g));
                t.put(blockBwd, t.last);
            }
        } finally {
            Kernels.setInline(wasInline);
        }
        List<Part> parts = new ArrayList<>();
        for (var e : fl.entrySet()) {
            parts.add(new Part(e.getKey(), kind(e.getKey()), SpeedRow.median(fwd.get(e.getKey())),
                    s.backward() ? SpeedRow.median(bwd.get(e.getKey())) : Double.NaN, e.getValue()));
        }
        return new Result(s, parts, SpeedRow.median(blockFwd), s.backward() ? SpeedRow.median(blockBwd) : Double.NaN);
    }

    /** Times suppliers into per-part arrays at repetition {@code i} (nothing is kept while {@code i < 0}). */
    private static final class Timer {
        private final int i;
        double last;

        Timer(int i) {
            this.i = i;
        }

        INDArray time(Map<String, double[]> into, String part, Supplier<INDArray> body) {
            long t0 = System.nanoTime();
            INDArray r = body.get();
            Nd4j.getExecutioner().commit();
            last = (System.nanoTime() - t0) / 1e6;
            if (into != null) {
                put(into, part, last);
            }
            return r;
        }

        void put(Map<String, double[]> into, String part, double ms) {
            if (i >= 0) {
                into.get(part)[i] = ms;
            }
        }

        void put(double[] into, double ms) {
            if (i >= 0) {
                into[i] = ms;
            }
        }
    }

    public static void main(String[] args) {
        System.exit(BenchCli.execute(new Flags(), args));
    }

    @Command(name = "jepa4j bench block", sortOptions = false, sortSynopsis = false, showDefaultValues = true,
            description = "Where one core's time goes inside a training step's transformer blocks: each part's ms and"
                    + " GFLOP/s against a one-thread sgemm; writes OUT/block.md and OUT/block.csv.")
    static final class Flags implements Callable<Integer> {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
        boolean help;

        @Option(names = "--presets", paramLabel = "LIST", description = "speed presets, comma-separated (ref, vit-tiny, vit-small, video-tiny)")
        String presets = "ref";

        @Option(names = "--batch", paramLabel = "N", description = "batch size (0: each preset's own)")
        int batch;

        @Option(names = "--reps", paramLabel = "N", description = "measured repetitions per block shape")
        int reps = 30;

        @Option(names = "--warmup", paramLabel = "N", description = "unmeasured repetitions before them (HotSpot compiles the"
                + " layers' code over the first hundred or so)")
        int warmup = 100;

        @Option(names = "--seed", paramLabel = "N")
        long seed = 1;

        @Option(names = "--out", paramLabel = "DIR")
        Path out = Path.of("runs/bench-block");

        Options options() {
            return new Options(BenchCli.commaList(presets), batch, reps, warmup, seed, out);
        }

        @Override
        public Integer call() {
            report(options());
            return 0;
        }
    }

    /** One preset's measured block shapes and the one-thread sgemm rate of the same minutes. */
    public record PresetResult(SpeedPreset preset, int batch, List<Result> blocks, double sgemm1t) {}

    static void report(Options o) {
        List<PresetResult> all = new ArrayList<>();
        for (String name : o.presets()) {
            SpeedPreset p = SpeedPreset.of(name);
            int batch = o.batch() > 0 ? o.batch() : p.defaultBatch();
            VitConfig e = p.encoder();
            SgemmSampler sgemm = new SgemmSampler(Math.min(batch * e.numTokens(), 8192), e.dim(), e.mlpHidden());
            List<Result> blocks = new ArrayList<>();
            for (Shape s : shapes(p, batch, o.seed())) {
                System.err.printf(Locale.ROOT, "bench block: %s batch %d, %s: %d x %d tokens...%n", p.name(), batch, s.role(), s.seqs(),
                        s.tokens());
                blocks.add(measure(s, o.warmup(), o.reps(), o.seed()));
                sgemm.sample();
            }
            all.add(new PresetResult(p, batch, blocks, sgemm.rates().oneThread()));
        }
        String md = markdown(all, o);
        System.out.println();
        System.out.println(md);
        SpeedTable.write(o.out(), "block", md, csv(all));
        System.out.println("wrote " + o.out().resolve("block.md") + " and " + o.out().resolve("block.csv"));
    }

    /** The Markdown report: per preset, a step summary and one table of parts per block shape. */
    public static String markdown(List<PresetResult> all, Options o) {
        StringBuilder s = new StringBuilder("# jepa4j: where a step's block time goes (one core)\n\n");
        s.append(String.format(Locale.ROOT, "Backend %s; device %s; OPENBLAS_CORETYPE=%s; GEMMs %s; one BLAS thread per product, fused"
                        + " kernels inline (as each of the concurrent step's two streams); float32. Medians of %d repetitions after %d"
                        + " warm-up ones. Regenerate: `./jepa4j bench block --presets %s --reps %d`.%n",
                Machine.backend(), Machine.device(), SpeedTable.env("OPENBLAS_CORETYPE"), Gemm.direct() ? "direct OpenBLAS" : "through ND4J",
                o.reps(), o.warmup(), String.join(",", o.presets()), o.reps()));
        for (PresetResult pr : all) {
            double sg = pr.sgemm1t();
            s.append(String.format(Locale.ROOT, "%n## %s, batch %d%n%n", pr.preset().description(), pr.batch()));
            s.append(String.format(Locale.ROOT, "One-thread sgemm of the MLP shape, sampled between the block shapes: %.1f GFLOP/s.%n%n", sg));
            s.append("| blocks | sequences x tokens, width | per step | ms per step (one core) | GFLOP/s | % of 1-thread sgemm |"
                    + " GEMM share of time | attention core | kernels | adds |\n|---|---|---|---|---|---|---|---|---|---|\n");
            for (Result r : pr.blocks()) {
                Shape sh = r.shape();
                double flops = sh.depth() * r.flopsFwd() * (sh.backward() ? 3 : 1);
                double rate = flops / (r.stepMs() / 1e3) / 1e9;
                double total = r.partsFwdMs() + r.partsBwdMs();
                s.append(String.format(Locale.ROOT, "| %s | %d x %d, %d (%d heads, MLP %d) | %d x %s | %.1f | %.1f | %.0f %% | %s | %s | %s | %s |%n",
                        sh.role(), sh.seqs(), sh.tokens(), sh.dim(), sh.heads(), sh.hidden(), sh.depth(),
                        sh.backward() ? "fwd + bwd" : "fwd", r.stepMs(), rate, 100 * rate / sg,
                        pct(share(r, Kind.GEMM), total), pct(share(r, Kind.ATTENTION), total), pct(share(r, Kind.KERNEL), total),
                        pct(share(r, Kind.ADD), total)));
            }
            for (Result r : pr.blocks()) {
                Shape sh = r.shape();
                s.append(String.format(Locale.ROOT, "%n### %s: one block, %d x %d tokens%n%n", sh.role(), sh.seqs(), sh.tokens()));
                s.append("| part | kind | forward ms | forward GFLOP/s | backward ms | backward GFLOP/s |\n|---|---|---|---|---|---|\n");
                for (Part p : r.parts()) {
                    s.append(String.format(Locale.ROOT, "| %s | %s | %.3f | %s | %s | %s |%n", p.name(), p.kind().name().toLowerCase(Locale.ROOT),
                            p.fwdMs(), gflops(p.fwdFlops(), p.fwdMs()), sh.backward() ? String.format(Locale.ROOT, "%.3f", p.bwdMs()) : "–",
                            sh.backward() ? gflops(p.bwdFlops(), p.bwdMs()) : "–"));
                }
                s.append(String.format(Locale.ROOT, "| **sum of parts** | | %.3f | %s | %s | %s |%n", r.partsFwdMs(),
                        gflops(r.flopsFwd(), r.partsFwdMs()), sh.backward() ? String.format(Locale.ROOT, "%.3f", r.partsBwdMs()) : "–",
                        sh.backward() ? gflops(2 * r.flopsFwd(), r.partsBwdMs()) : "–"));
                s.append(String.format(Locale.ROOT, "| **whole block** | | %.3f | %s | %s | %s |%n", r.blockFwdMs(),
                        gflops(r.flopsFwd(), r.blockFwdMs()), sh.backward() ? String.format(Locale.ROOT, "%.3f", r.blockBwdMs()) : "–",
                        sh.backward() ? gflops(2 * r.flopsFwd(), r.blockBwdMs()) : "–"));
            }
        }
        s.append("\nGFLOP/s count matrix products only (a product's backward = two products); attention core = the attention"
                + " layer's time minus its qkv and proj projections (head split and merge, the batched products QK^T and PV, softmax);"
                + " kernels = LayerNorm and GELU; adds = the residual additions (one ND4J op each). The parts are timed one by one,"
                + " so their sum can differ from the whole block by a few %: cache contents differ.\n");
        return s.toString();
    }

    private static double share(Result r, Kind k) {
        return r.parts().stream().filter(p -> p.kind() == k)
                .mapToDouble(p -> p.fwdMs() + (r.shape().backward() ? p.bwdMs() : 0)).sum();
    }

    private static String pct(double part, double total) {
        return String.format(Locale.ROOT, "%.0f %%", 100 * part / total);
    }

    private static String gflops(double flops, double ms) {
        return flops <= 0 ? "" : String.format(Locale.ROOT, "%.1f", flops / (ms / 1e3) / 1e9);
    }

    /** One CSV line per preset, block shape and part. */
    public static String csv(List<PresetResult> all) {
        StringBuilder s = new StringBuilder("preset,batch,block,seqs,tokens,dim,heads,hidden,depth,part,kind,fwd_ms,bwd_ms,fwd_gflop,"
                + "sgemm_1t_gflops\n");
        for (PresetResult pr : all) {
            for (Result r : pr.blocks()) {
                Shape sh = r.shape();
                List<Part> rows = new ArrayList<>(r.parts());
                rows.add(new Part("whole block", null, r.blockFwdMs(), r.blockBwdMs(), r.flopsFwd()));
                for (Part p : rows) {
                    s.append(String.format(Locale.ROOT, "%s,%d,%s,%d,%d,%d,%d,%d,%d,%s,%s,%.4f,%s,%.6f,%.2f%n", pr.preset().name(), pr.batch(),
                            sh.role(), sh.seqs(), sh.tokens(), sh.dim(), sh.heads(), sh.hidden(), sh.depth(), p.name(),
                            p.kind() == null ? "" : p.kind().name().toLowerCase(Locale.ROOT), p.fwdMs(),
                            Double.isNaN(p.bwdMs()) ? "" : String.format(Locale.ROOT, "%.4f", p.bwdMs()), p.fwdFlops() / 1e9, pr.sgemm1t()));
                }
            }
        }
        return s.toString();
    }
}
