package io.github.jepa4j.core.task;

import io.github.jepa4j.core.loss.PredictionLoss;
import io.github.jepa4j.core.loss.TargetNorm;
import io.github.jepa4j.core.model.Predictor;
import io.github.jepa4j.core.model.VisionTransformer;
import io.github.jepa4j.core.nn.ParamStore;
import io.github.jepa4j.core.nn.TokenOps;
import io.github.jepa4j.core.nn.WeightGradients;
import io.github.jepa4j.core.optim.Ema;
import io.github.jepa4j.core.schedule.MomentumSchedules;
import io.github.jepa4j.core.tensor.BlasThreads;
import io.github.jepa4j.core.tensor.Kernels;
import io.github.jepa4j.core.tensor.Scratch;
import io.github.jepa4j.core.train.PhaseTimes;
import io.github.jepa4j.core.train.StepContext;
import io.github.jepa4j.core.train.StepOutput;
import io.github.jepa4j.core.train.Task;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Masked-prediction JEPA (I-JEPA on images, V-JEPA on video): predict, in representation space,
 * the EMA target encoder's layer-normed features of masked token blocks from the visible ones.
 *
 * <p>Parameters: the trainable store holds the context encoder (prefix {@code encoder.}, first, so
 * it is one contiguous slice), the predictor, then any anti-collapse modules' parameters. The
 * target encoder has its own store with the encoder's exact layout, initialised as a copy and
 * updated only by EMA: it never receives gradients.
 *
 * <p>Optional anti-collapse terms see the context encoder's output mean-pooled per input
 * ({@code [B, D]}), alone or against the EMA target's pooled output, or every context token as a
 * sample ({@code [B*Kc, D]}, single-branch only; see {@link Weighted}).
 *
 * <p>On the CPU backend a batch of two or more runs in halves, each through the whole step on its
 * own thread with its own model instances over the same weights ({@link #splitBatch}); the halves'
 * target computes its last block at the target tokens only ({@link #targetRowsOnly}). A batch of
 * one runs the target forward beside the context forward instead ({@link #concurrentTarget}).
 */
public final class MaskedJepaTask implements Task<MaskedBatch> {
    private static final int TARGETS = 0, GRAD_PRED = 1, POOLED = 2, GRAD_POOLED = 3, GATHERED = 4, TARGET_POOLED = 5,
            GRAD_TOKENS = 6, TARGET_TOKENS = 7, CONTEXT = 8, GRAD_CONTEXT = 9;

    private final MaskedJepaConfig config;
    private final ParamStore trainable;
    private final ParamStore targetStore;
    private final VisionTransformer encoder;
    private final VisionTransformer target;
    private final Predictor predictor;
    private final long encoderSize;
    private final TargetNorm targetNorm;
    private final PredictionLoss loss;
    private final List<Weighted> antiCollapse;
    private final Scratch scratch = new Scratch(10);
    private PhaseTimes times = PhaseTimes.off();
    private INDArray lastContext;
    /** On by default on the CPU backend only: GPU kernels are asynchronous already, and untested from two threads. */
    private static final boolean CONCURRENT_TARGET_DEFAULT = Kernels.hostBackend()
            && !"false".equalsIgnoreCase(System.getProperty("jepa4j.concurrentTarget"));
    private boolean concurrentTarget = CONCURRENT_TARGET_DEFAULT;
    private static final boolean INLINE_KERNELS = !"false".equalsIgnoreCase(System.getProperty("jepa4j.inlineKernels"));
    /**
     * Fraction of each batch whose target tokens are encoded in the first of two parts: in a
     * concurrent step by the target thread, while the caller, done with the context forward and the
     * predictor, encodes the rest with a second instance ({@link #targetTwin}). Measured on the
     * speed presets, the target branch took 1.4-1.5x as long as the caller's, so 0.85 has both
     * threads finish together. A pure function of the batch size, never of timing: the split can
     * round GEMMs of small models differently, and a resumed run must split as the first one did.
     * 1 on GPU backends (one part); {@code -Djepa4j.targetShare=1} turns it off.
     */
    static final double TARGET_SHARE_DEFAULT = Kernels.hostBackend() ? shareProperty() : 1.0;
    private double targetShareFraction = TARGET_SHARE_DEFAULT;
    /** The target encoder's second instance over the same weights, with its own work buffers; built on first use. */
    private VisionTransformer targetTwin;
    /**
     * Whether a batch of two or more inputs runs as two halves, each through the whole step (target,
     * context, predictor, loss, backward) on its own thread with its own model instances, and the
     * second half's gradients are added to the first's ({@link Part}). On by default on the CPU
     * backend ({@code -Djepa4j.splitBatch=false} turns it off): both cores then stay busy through the
     * whole step, where the target-thread and weight-gradient overlaps leave one idle part of the time.
     * A pure function of the batch size, as {@link #TARGET_SHARE_DEFAULT}.
     */
    private static final boolean SPLIT_BATCH_DEFAULT = Kernels.hostBackend()
            && !"false".equalsIgnoreCase(System.getProperty("jepa4j.splitBatch"));
    private boolean splitBatch = SPLIT_BATCH_DEFAULT;
    /** The two halves' models: part 0 the task's own, part 1 twins over the same weights; built on first use. */
    private final Part[] parts = new Part[2];
    /** Gradients of part 1's trainable instances (encoder and predictor); null until part 1 is built. */
    private ParamStore twinGrads;
    private static final boolean TARGET_ROWS_ONLY_DEFAULT = !"false".equalsIgnoreCase(System.getProperty("jepa4j.targetRowsOnly"));
    private boolean targetRowsOnly = TARGET_ROWS_ONLY_DEFAULT;
    /** One daemon thread for the target forwards of all tasks (step 1 overlaps steps 2-3). */
    private static final ExecutorService TARGET_THREAD =
            Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "jepa4j-target-forward");
                t.setDaemon(true);
                return t;
            });

    /**
     * An anti-collapse module with its loss weight. With {@code withTarget}, the module compares
     * the pooled context embeddings (branch a) with the pooled EMA-target embeddings of the same
     * inputs (branch b, stop-gradient): BYOL-style distillation, or VICReg/Barlow between the
     * two encoders. Otherwise it sees branch a alone. With {@code onTokens} (single-branch only)
     * branch a is every context token rather than each input's mean: {@code [B*Kc, D]}, so the
     * term keeps individual tokens spread out and decorrelated, not only their averages.
     */
    public record Weighted(AntiCollapse module, double weight, boolean withTarget, boolean onTokens) {
        public Weighted {
            if (!(weight >= 0)) {
                throw new IllegalArgumentException("anti-collapse weight must be >= 0, got " + weight + " for " + module.name());
            }
            if (withTarget && onTokens) {
                throw new IllegalArgumentException("anti-collapse term " + module.name()
                        + ": a two-branch term (context vs EMA target) works on pooled embeddings, not on tokens");
            }
        }

        /** On the pooled embeddings, alone or against the EMA target's. */
        public Weighted(AntiCollapse module, double weight, boolean withTarget) {
            this(module, weight, withTarget, false);
        }

        /** Single-branch use on the pooled context embeddings. */
        public Weighted(AntiCollapse module, double weight) {
            this(module, weight, false, false);
        }
    }

    public MaskedJepaTask(MaskedJepaConfig config, DataType dtype, long seed, List<Weighted> antiCollapse) {
        this.config = config;
        this.trainable = new ParamStore(dtype);
        this.encoder = new VisionTransformer(config.encoder(), trainable, "encoder.");
        this.encoderSize = trainable.size();
        this.predictor = new Predictor(config.predictor(), trainable, "predictor.");
        this.antiCollapse = List.copyOf(antiCollapse);
        for (Weighted w : this.antiCollapse) {
            w.module().register(trainable, config.encoder().dim());
        }
        trainable.allocate(seed);
        for (Weighted w : this.antiCollapse) {
            w.module().initialize(trainable);
        }
        this.targetStore = new ParamStore(dtype);
        this.target = new VisionTransformer(config.encoder(), targetStore, "encoder.");
        targetStore.allocate(seed);
        targetStore.params().assign(trainable.paramRange(0, encoderSize));
        this.targetNorm = new TargetNorm(config.encoder().dim(), config.targetLnEps());
        this.loss = new PredictionLoss(config.loss(), config.lossBeta());
    }

    public MaskedJepaTask(MaskedJepaConfig config, DataType dtype, long seed) {
        this(config, dtype, seed, List.of());
    }

    @Override
    public ParamStore trainable() {
        return trainable;
    }

    /** The context encoder (the one to evaluate and export). */
    public VisionTransformer encoder() {
        return encoder;
    }

    /** The EMA target encoder. */
    public VisionTransformer targetEncoder() {
        return target;
    }

    public ParamStore targetStore() {
        return targetStore;
    }

    public Predictor predictor() {
        return predictor;
    }

    /**
     * Laps step 1 as {@link PhaseTimes.Phase#TARGET_FORWARD} and steps 2-4 as
     * {@link PhaseTimes.Phase#CONTEXT_FORWARD} into {@code t} (the trainer's, see
     * {@code Trainer.Builder.phaseTimes}); {@link PhaseTimes#off()} (the default) disables it.
     */
    public MaskedJepaTask phaseTimes(PhaseTimes t) {
        this.times = java.util.Objects.requireNonNull(t);
        return this;
    }

    /** The context encoder's parameters: the first {@code encoderSize()} entries of the trainable store. */
    public long encoderSize() {
        return encoderSize;
    }

    @Override
    public StepOutput forwardBackward(MaskedBatch batch, StepContext ctx) {
        // Two streams of GEMMs run at once below (target beside context forward, weight beside input
        // gradients): each call on one thread measured faster than each splitting itself.
        try (BlasThreads oneEach = BlasThreads.single(concurrentTarget || WeightGradients.enabled())) {
            return step(batch, ctx);
        }
    }

    private StepOutput step(MaskedBatch batch, StepContext ctx) {
        INDArray x = batch.inputs();
        requireFinite(x, ctx.step());
        if (batch.contextLengths() != null && !antiCollapse.isEmpty()) {
            throw new IllegalArgumentException("anti-collapse terms on the context are not supported with ragged"
                    + " (padded) contexts: padding would count as context; use truncated contexts");
        }
        if (splitBatch && x.size(0) >= 2) {
            return stepInHalves(batch, ctx);
        }
        int[][][] blocks = batch.targetBlocks();
        long b = x.size(0);
        int m = blocks.length;
        long kt = blocks[0][0].length;
        int d = config.encoder().dim();
        DataType dt = trainable.dtype();

        // 1. Target: layer-normed EMA-encoder features of all tokens, gathered at each target block. No gradient.
        //    It depends only on the inputs, so with concurrentTarget it runs on its own thread during steps 2-3.
        //    Its inputs are split between the two threads (TARGET_SHARE_DEFAULT), so both finish together.
        Future<INDArray> targetJob = null;
        Target features = null;
        int split = splitFor((int) b);
        INDArray tokens = split == b ? null : scratch.get(TARGET_TOKENS, dt, b, config.encoder().numTokens(), d);
        if (concurrentTarget) {
            Kernels.setInline(INLINE_KERNELS);
            targetJob = TARGET_THREAD.submit(() -> split == b ? target.forward(x) : encodeTargets(target, x, 0, split, tokens));
        } else {
            // The same two parts as the concurrent step, so both give the same bits.
            INDArray ht = tokens;
            if (split == b) {
                ht = target.forward(x);
            } else {
                encodeTargets(target, x, 0, split, tokens);
                encodeTargets(target, x, split, (int) b, tokens);
            }
            features = targetFeatures(ht, blocks, b, m, kt, d, dt);
            times.lap(PhaseTimes.Phase.TARGET_FORWARD);
        }
        // 2. Context encoder on the visible tokens only (ragged contexts: padding masked out of attention).
        int[] lengths = batch.contextLengths();
        INDArray z;
        INDArray pred;
        try {
            z = encoder.forward(x, batch.contextIdx(), lengths);
            lastContext = z;
            // 3. Predictor: context + mask tokens at the target positions -> predicted target features.
            pred = predictor.forward(z, batch.contextIdx(), lengths, blocks);
            if (targetJob != null) {
                times.lap(PhaseTimes.Phase.CONTEXT_FORWARD);
                if (split < b) {
                    encodeTargets(targetTwin(), x, split, (int) b, tokens);
                }
                // This thread now only waits: the target's remaining kernels may use the pool again
                // (same pieces, same bits; BLAS stays on one thread, whose kernels would change bits).
                Kernels.setInline(false);
                features = targetFeatures(join(targetJob), blocks, b, m, kt, d, dt); // the job returns tokens when split
                times.lap(PhaseTimes.Phase.TARGET_FORWARD);
            }
        } catch (RuntimeException e) {
            if (targetJob != null) {
                quietly(targetJob); // never leave the target writing into buffers after this step ended
            }
            throw e;
        } finally {
            if (targetJob != null) {
                Kernels.setInline(false);
            }
        }
        INDArray targets = features.atBlocks();
        INDArray ht = features.tokens();
        // 4. Loss: prediction loss + weighted anti-collapse terms.
        INDArray gradPred = scratch.get(GRAD_PRED, dt, pred.shape());
        double predLoss = loss.compute(pred, targets, gradPred, 1.0);
        Map<String, Double> terms = new LinkedHashMap<>();
        terms.put("pred", predLoss);
        double total = predLoss;
        times.lap(PhaseTimes.Phase.CONTEXT_FORWARD);
        // 5. Backward: predictor, then the anti-collapse gradient on the pooled context, then the encoder.
        //    Weight gradients run on a second thread while the input gradients go down the layers.
        try (WeightGradients deferred = WeightGradients.defer()) {
            INDArray gz = predictor.backward(gradPred);
            if (!antiCollapse.isEmpty()) {
                total += applyAntiCollapse(z, ht, gz, ctx, terms);
            }
            encoder.backward(gz);
        }
        return new StepOutput(total, terms);
    }

    /**
     * The step in two halves of the batch, inputs {@code [0, B/2)} as part 0 on this thread and the
     * rest as part 1 on {@link #TARGET_THREAD} (or after part 0 on this thread, when not concurrent:
     * the same bits). Each part runs steps 1-5 with its own model instances; the loss is the parts'
     * losses weighted by their share of the batch, so it and its gradient are the whole batch's mean.
     * Anti-collapse terms see the whole batch: both parts stop after the predictor's backward, this
     * thread applies the terms, and both go on through the encoder's backward. Part 1's gradients are
     * finally added to part 0's, which the trainer's store holds.
     */
    private StepOutput stepInHalves(MaskedBatch batch, StepContext ctx) {
        INDArray x = batch.inputs();
        int b = (int) x.size(0);
        int half = firstHalf(b);
        Part p0 = part(0);
        Part p1 = part(1);
        twinGrads.zeroGrads(); // here, not after the merge: a failed step may have left part 1's half-written
        boolean withTerms = !antiCollapse.isEmpty();
        boolean targetTokens = antiCollapse.stream().anyMatch(Weighted::withTarget);
        DataType dt = trainable.dtype();
        int d = config.encoder().dim();
        INDArray tokens = targetTokens ? scratch.get(TARGET_TOKENS, dt, b, config.encoder().numTokens(), d) : null;
        Map<String, Double> terms = new LinkedHashMap<>();
        double total;
        Future<?> job = null;
        try {
            if (concurrentTarget) {
                Kernels.setInline(INLINE_KERNELS);
                job = TARGET_THREAD.submit(() -> p1.run(x, batch, half, b, tokens, !withTerms, PhaseTimes.off()));
            }
            p0.run(x, batch, 0, half, tokens, !withTerms, times);
            if (job != null) {
                join(job);
                job = null;
            } else {
                p1.run(x, batch, half, b, tokens, !withTerms, PhaseTimes.off());
            }
            total = p0.loss + p1.loss;
            terms.put("pred", total);
            long kc = p0.z.size(1);
            INDArray z = scratch.get(CONTEXT, dt, b, kc, d);
            z.get(rows(3, 0, half)).assign(p0.z);
            z.get(rows(3, half, b)).assign(p1.z);
            lastContext = z;
            if (withTerms) {
                // 5b. Anti-collapse terms on the whole batch, their gradient added to each part's.
                INDArray gz = scratch.zeros(GRAD_CONTEXT, dt, b, kc, d);
                total += applyAntiCollapse(z, tokens, gz, ctx, terms);
                p0.gz.addi(gz.get(rows(3, 0, half)));
                p1.gz.addi(gz.get(rows(3, half, b)));
                // 5c. The encoder's backward, part 1 again beside part 0.
                if (concurrentTarget) {
                    job = TARGET_THREAD.submit(p1::backwardEncoder);
                }
                p0.backwardEncoder();
                if (job != null) {
                    join(job);
                    job = null;
                } else {
                    p1.backwardEncoder();
                }
            }
        } finally {
            if (job != null) {
                quietly(job); // never leave part 1 writing into buffers after this step ended
            }
            if (concurrentTarget) {
                Kernels.setInline(false);
            }
        }
        // One gradient: part 1's added to part 0's, which the trainer's store holds.
        trainable.gradRange(0, twinGrads.size()).addi(twinGrads.grads());
        return new StepOutput(total, terms);
    }

    /**
     * One part of a batch through steps 1-5 with its own model instances: part 0 holds the task's
     * encoder, target and predictor; part 1 holds second instances over the same weights (the
     * trainable ones with gradients of their own, {@link ParamStore#shareParamsOf}).
     */
    private final class Part {
        private static final int P_TARGETS = 0, P_GATHERED = 1, P_GRAD_PRED = 2;
        private final VisionTransformer enc;
        private final VisionTransformer tgt;
        private final Predictor pred;
        private final TargetNorm norm = new TargetNorm(config.encoder().dim(), config.targetLnEps());
        private final PredictionLoss lossFn = new PredictionLoss(config.loss(), config.lossBeta());
        private final Scratch buffers = new Scratch(3);
        /** The last step's prediction loss (weighted by the part's share), context output and its gradient. */
        double loss;
        INDArray z;
        INDArray gz;

        Part(VisionTransformer enc, VisionTransformer tgt, Predictor pred) {
            this.enc = enc;
            this.tgt = tgt;
            this.pred = pred;
        }

        /**
         * Steps 1-5 on inputs {@code [from, to)}; the encoder's backward only with {@code encoderBackward}
         * (otherwise {@link #backwardEncoder} after the anti-collapse terms). Writes the target's
         * output tokens into those rows of {@code tokens} when given.
         */
        void run(INDArray x, MaskedBatch batch, int from, int to, INDArray tokens, boolean encoderBackward, PhaseTimes laps) {
            int b = batch.batchSize();
            INDArray xs = x.get(rows(x.rank(), from, to));
            int[][] ctxIdx = java.util.Arrays.copyOfRange(batch.contextIdx(), from, to);
            int[] lengths = batch.contextLengths() == null ? null : java.util.Arrays.copyOfRange(batch.contextLengths(), from, to);
            int[][][] blocks = blocksOf(batch.targetBlocks(), from, to);
            DataType dt = trainable.dtype();
            // 1. Target: layer-normed EMA-encoder features at each target block. No gradient. Unless its
            //    whole output is needed (anti-collapse terms against the target), the last block runs
            //    at the target tokens only.
            int m = blocks.length;
            int kt = blocks[0][0].length;
            int d = config.encoder().dim();
            INDArray targets;
            if (tokens == null && targetRowsOnly) {
                TargetRows at = TargetRows.of(blocks);
                INDArray ht = tgt.forwardAt(xs, at.rows());
                targets = targetFeatures(norm, buffers, P_GATHERED, P_TARGETS, ht, at.positions(), to - from, m, kt, d, dt).atBlocks();
            } else {
                INDArray ht = tgt.forward(xs);
                if (tokens != null) {
                    tokens.get(rows(3, from, to)).assign(ht);
                }
                targets = targetFeatures(norm, buffers, P_GATHERED, P_TARGETS, ht, blockMajorPerInput(blocks), to - from,
                        m, kt, d, dt).atBlocks();
            }
            laps.lap(PhaseTimes.Phase.TARGET_FORWARD);
            // 2. Context encoder on the visible tokens.
            z = enc.forward(xs, ctxIdx, lengths);
            // 3. Predictor.
            INDArray p = pred.forward(z, ctxIdx, lengths, blocks);
            // 4. Prediction loss, as this part's share of the batch mean.
            INDArray gradPred = buffers.get(P_GRAD_PRED, dt, p.shape());
            loss = lossFn.compute(p, targets, gradPred, (double) (to - from) / b);
            laps.lap(PhaseTimes.Phase.CONTEXT_FORWARD);
            // 5. Backward: predictor, then (unless anti-collapse terms come first) the encoder.
            gz = pred.backward(gradPred);
            if (encoderBackward) {
                backwardEncoder();
            }
        }

        void backwardEncoder() {
            enc.backward(gz);
        }
    }

    /**
     * The tokens at which the target's last block runs ({@link VisionTransformer#forwardAt}): per
     * input the sorted union of its target blocks, padded to the part's longest union by repeating
     * its first token ({@code rows [B][R]}); and per input, the row of each of its block-major target
     * tokens within it ({@code positions [B][M*Kt]}).
     */
    public record TargetRows(int[][] rows, int[][] positions) {
        /** For target blocks {@code [M][B][Kt]} (e.g. one half's, {@link #blocksOf}). */
        public static TargetRows of(int[][][] blocks) {
            int[][] perInput = blockMajorPerInput(blocks); // also checks the blocks' sizes
            int m = blocks.length;
            int b = blocks[0].length;
            int kt = blocks[0][0].length;
            int[][] union = new int[b][];
            int longest = 0;
            for (int i = 0; i < b; i++) {
                union[i] = java.util.Arrays.stream(perInput[i]).sorted().distinct().toArray();
                longest = Math.max(longest, union[i].length);
            }
            int[][] rows = new int[b][longest];
            int[][] positions = new int[b][m * kt];
            for (int i = 0; i < b; i++) {
                java.util.Arrays.fill(rows[i], union[i][0]);
                System.arraycopy(union[i], 0, rows[i], 0, union[i].length);
                for (int j = 0; j < m; j++) {
                    for (int t = 0; t < kt; t++) {
                        positions[i][j * kt + t] = java.util.Arrays.binarySearch(union[i], blocks[j][i][t]);
                    }
                }
            }
            return new TargetRows(rows, positions);
        }
    }

    /**
     * Whether the halves' target runs its last block at the target tokens only
     * ({@link VisionTransformer#forwardAt}; default true, {@code -Djepa4j.targetRowsOnly=false} turns it
     * off). Exact up to float rounding: the products see fewer rows. Not with anti-collapse terms
     * against the target, which read its whole output.
     */
    public MaskedJepaTask targetRowsOnly(boolean on) {
        this.targetRowsOnly = on;
        return this;
    }

    /** Whether new tasks' halves run the target's last block at the target tokens only ({@code -Djepa4j.targetRowsOnly}). */
    public static boolean targetRowsOnlyDefault() {
        return TARGET_ROWS_ONLY_DEFAULT;
    }

    private Part part(int i) {
        if (parts[i] == null) {
            if (i == 0) {
                parts[0] = new Part(encoder, target, predictor);
            } else {
                // Built during a step: its constant arrays (position embeddings) must outlive the step's workspace.
                try (var outside = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                    ParamStore s = new ParamStore(trainable.dtype());
                    VisionTransformer enc = new VisionTransformer(config.encoder(), s, "encoder.");
                    Predictor pred = new Predictor(config.predictor(), s, "predictor.");
                    s.shareParamsOf(trainable);
                    twinGrads = s;
                    parts[1] = new Part(enc, targetTwin(), pred);
                }
            }
        }
        return parts[i];
    }

    /**
     * Whether a batch of two or more inputs runs as two halves, one per thread ({@link #stepInHalves};
     * default true on the CPU backend, {@code -Djepa4j.splitBatch=false} changes it). Part of what a
     * run computes (the GEMMs see half the rows): keep it for a resumed run.
     */
    public MaskedJepaTask splitBatch(boolean on) {
        this.splitBatch = on;
        return this;
    }

    /** Inputs in the first half of a batch of {@code b} ({@link #stepInHalves}): {@code [0, b/2)}. */
    public static int firstHalf(int b) {
        return b / 2;
    }

    /** Target blocks {@code [M][B][Kt]} of inputs {@code [from, to)}: {@code [M][to-from][Kt]}. */
    public static int[][][] blocksOf(int[][][] blocks, int from, int to) {
        int[][][] out = new int[blocks.length][][];
        for (int i = 0; i < blocks.length; i++) {
            out[i] = java.util.Arrays.copyOfRange(blocks[i], from, to);
        }
        return out;
    }

    /** Whether new tasks split batches in halves ({@code -Djepa4j.splitBatch}, default true on the CPU backend). */
    public static boolean splitBatchDefault() {
        return SPLIT_BATCH_DEFAULT;
    }

    /** The EMA target's output tokens {@code [B, N, D]} and its layer-normed features at the target blocks, block-major {@code [M*B, Kt, D]}. */
    private record Target(INDArray tokens, INDArray atBlocks) {}

    /** Step 1: the EMA target's features from its output tokens {@code ht}, see {@link Target}. */
    private Target targetFeatures(INDArray ht, int[][][] blocks, long b, int m, long kt, int d, DataType dt) {
        return targetFeatures(targetNorm, scratch, GATHERED, TARGETS, ht, blockMajorPerInput(blocks), b, m, kt, d, dt);
    }

    /**
     * The features at the target blocks from the target's output {@code ht [B, R, D]}, {@code at[b]}
     * giving the row of {@code ht} of each of input b's M*Kt block-major target tokens.
     */
    private static Target targetFeatures(TargetNorm targetNorm, Scratch scratch, int gatheredSlot, int targetsSlot,
            INDArray ht, int[][] at, long b, int m, long kt, int d, DataType dt) {
        INDArray h = targetNorm.apply(ht);
        // One gather of all blocks per input ([B, M*Kt, D]), then reorder block-major like the predictor's output.
        INDArray gathered = scratch.get(gatheredSlot, dt, b, m * kt, d);
        TokenOps.gather(h, at, gathered);
        INDArray targets = scratch.get(targetsSlot, dt, m * b, kt, d);
        targets.reshape('c', m, b, kt, d).assign(gathered.reshape('c', b, m, kt, d).permute(1, 0, 2, 3));
        return new Target(ht, targets);
    }

    /**
     * Encodes inputs [from, to) of {@code x} with {@code enc} into the same rows of {@code out}
     * ({@code [B, N, D]}) and returns {@code out}. Each input's tokens depend on that input alone,
     * so which instance encodes a part changes no bit; where the batch is cut can, for products
     * small enough that OpenBLAS picks other kernels for fewer rows ({@code ConcurrentStepTest}).
     */
    private static INDArray encodeTargets(VisionTransformer enc, INDArray x, int from, int to, INDArray out) {
        out.get(rows(3, from, to)).assign(enc.forward(x.get(rows(x.rank(), from, to))));
        return out;
    }

    private static INDArrayIndex[] rows(int rank, int from, int to) {
        INDArrayIndex[] idx = new INDArrayIndex[rank];
        idx[0] = NDArrayIndex.interval(from, to);
        for (int i = 1; i < rank; i++) {
            idx[i] = NDArrayIndex.all();
        }
        return idx;
    }

    /** The target encoder's second instance, see {@link #targetTwin}. */
    private VisionTransformer targetTwin() {
        if (targetTwin == null) {
            // Built during a step: its constant arrays (position embedding) must outlive the step's workspace.
            try (var outside = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                ParamStore shared = new ParamStore(targetStore.dtype());
                targetTwin = new VisionTransformer(config.encoder(), shared, "encoder.");
                shared.shareFrom(targetStore);
            }
        }
        return targetTwin;
    }

    private static double shareProperty() {
        String v = System.getProperty("jepa4j.targetShare", "0.85");
        try {
            double f = Double.parseDouble(v);
            if (f > 0 && f <= 1) {
                return f;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("-Djepa4j.targetShare must be a fraction in (0, 1], got '" + v + "'");
    }

    /** Inputs of a batch of {@code b} in the first part of the target forward (see {@link #TARGET_SHARE_DEFAULT}). */
    int splitFor(int b) {
        return (int) Math.max(1, Math.min(b, Math.round(targetShareFraction * b)));
    }

    /**
     * Sets the fraction of each batch encoded in the first part of the target forward (see
     * {@link #TARGET_SHARE_DEFAULT}); 1 encodes the batch in one part. Part of what a run computes:
     * keep it for a resumed run.
     */
    public MaskedJepaTask targetShare(double fraction) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("target share must be in (0, 1], got " + fraction);
        }
        this.targetShareFraction = fraction;
        return this;
    }

    private static void quietly(Future<?> job) {
        try {
            job.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException ignored) {
            // the caller is already failing with the context branch's error
        }
    }

    private static <T> T join(Future<T> job) {
        try {
            return job.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the target forward", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("target forward failed", e.getCause());
        }
    }

    private double applyAntiCollapse(INDArray z, INDArray targetTokens, INDArray gz, StepContext ctx, Map<String, Double> terms) {
        long b = z.size(0);
        long kc = z.size(1);
        long d = z.size(2);
        DataType dt = z.dataType();
        // Each input is built once, on first use: a run with only token terms never pools.
        INDArray pooled = null, gp = null, targetPooled = null, tokens = null, gt = null;
        double sum = 0;
        for (Weighted w : antiCollapse) {
            INDArray a, g;
            if (w.onTokens()) {
                if (tokens == null) {
                    tokens = z.reshape('c', b * kc, d);
                    gt = scratch.zeros(GRAD_TOKENS, dt, b * kc, d);
                }
                a = tokens;
                g = gt;
            } else {
                if (pooled == null) {
                    pooled = scratch.get(POOLED, dt, b, d);
                    z.mean(pooled, 1);
                    gp = scratch.zeros(GRAD_POOLED, dt, b, d);
                }
                if (w.withTarget() && targetPooled == null) {
                    targetPooled = scratch.get(TARGET_POOLED, dt, b, d);
                    targetTokens.mean(targetPooled, 1);
                }
                a = pooled;
                g = gp;
            }
            Map<String, Double> t = w.module().apply(a, w.withTarget() ? targetPooled : null, g, null, w.weight(), ctx);
            for (var e : t.entrySet()) {
                terms.merge(e.getKey(), e.getValue(), Double::sum);
                sum += e.getValue();
            }
        }
        if (gp != null) {
            // Mean pooling spreads the gradient evenly over the Kc context tokens.
            gp.divi(kc);
            Nd4j.exec(new BroadcastAddOp(gz, gp, gz, 0, 2));
        }
        if (gt != null) {
            gz.addi(gt.reshape('c', b, kc, d));
        }
        return sum;
    }

    @Override
    public void afterUpdate(StepContext ctx) {
        // 7. EMA: target <- m * target + (1 - m) * encoder, one fused pass over the flat buffers.
        Ema.update(targetStore.params(), trainable.paramRange(0, encoderSize), momentum(ctx));
        for (Weighted w : antiCollapse) {
            w.module().afterUpdate(trainable, ctx);
        }
    }

    /**
     * Whether step 1 (the target forward) runs on its own thread while steps 2-3 run on the
     * caller's (default: true on the CPU backend; {@code -Djepa4j.concurrentTarget=false} changes it). The
     * two branches share no buffers: with the same BLAS threads the results are bit-identical
     * either way (the concurrent step runs every BLAS call on one thread, see {@link BlasThreads}).
     */
    public MaskedJepaTask concurrentTarget(boolean on) {
        this.concurrentTarget = on;
        return this;
    }

    /** Whether new tasks run the target forward on its own thread ({@code -Djepa4j.concurrentTarget}, default true on the CPU backend). */
    public static boolean concurrentTargetDefault() {
        return CONCURRENT_TARGET_DEFAULT;
    }

    /** The target momentum at this step, from the configured schedule over the whole run. */
    public double momentum(StepContext ctx) {
        return MomentumSchedules.of(config.emaSchedule(), config.emaStart(), config.emaEnd(), ctx.totalSteps()).value(ctx.step());
    }

    /** The context encoder's output of the last step ({@code [B, Kc, D]}), for monitors. */
    public INDArray lastContext() {
        return lastContext;
    }

    @Override
    public Map<String, INDArray> state() {
        Map<String, INDArray> s = new LinkedHashMap<>();
        s.put("target.params", targetStore.params());
        for (Weighted w : antiCollapse) {
            w.module().state().forEach((k, v) -> s.put(w.module().name() + "." + k, v));
        }
        return s;
    }

    @Override
    public Object modelConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("jepa", config);
        List<Object> ac = new ArrayList<>();
        for (Weighted w : antiCollapse) {
            ac.add(Map.of("name", w.module().name(), "weight", w.weight(), "withTarget", w.withTarget(),
                    "config", w.module().config()));
        }
        c.put("antiCollapse", ac);
        c.put("dtype", trainable.dtype().name());
        return c;
    }

    @Override
    public int examples(MaskedBatch batch) {
        return batch.batchSize();
    }

    /** Per input b, the concatenation of all blocks' indices: {@code [B][M*Kt]}. */
    private static int[][] blockMajorPerInput(int[][][] blocks) {
        int m = blocks.length;
        int b = blocks[0].length;
        int kt = blocks[0][0].length;
        if (kt == 0) {
            throw new IllegalArgumentException("empty target set: target block 0 has no tokens to predict");
        }
        int[][] out = new int[b][m * kt];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < b; j++) {
                if (blocks[i][j].length != kt) {
                    throw new IllegalArgumentException("target blocks must have equal token counts, got " + kt
                            + " and " + blocks[i][j].length + " (block " + i + ", input " + j + ")");
                }
                System.arraycopy(blocks[i][j], 0, out[j], i * kt, kt);
            }
        }
        return out;
    }

    private static void requireFinite(INDArray x, long step) {
        double s = x.sumNumber().doubleValue();
        if (!Double.isFinite(s)) {
            throw new IllegalArgumentException("batch of step " + step + " contains NaN or Inf input values "
                    + java.util.Arrays.toString(x.shape()) + "; check the data source");
        }
    }
}
