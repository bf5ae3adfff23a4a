package io.github.jepa4j.core.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.jepa4j.core.checkpoint.Checkpoint;
import io.github.jepa4j.core.nn.ParamStore;
import io.github.jepa4j.core.optim.AdamW;
import io.github.jepa4j.core.optim.GradClip;
import io.github.jepa4j.core.schedule.CosineSchedule;
import io.github.jepa4j.core.schedule.Schedule;
import io.github.jepa4j.core.schedule.WarmupCosineSchedule;
import io.github.jepa4j.core.train.PhaseTimes.Phase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training loop: a task, an optimiser, schedules and listeners; nothing method-specific.
 *
 * <p>One step: batch for the step, then the task's steps 1-5 (forward, loss, backward), the
 * listeners' {@code beforeUpdate} (NaN guard), clipping, 6. AdamW update with the scheduled
 * learning rate and weight decay, 7. the task's {@code afterUpdate} (EMA), then
 * {@code onStepEnd} (progress, metrics, checkpoints). Each step runs inside an ND4J workspace, so
 * temporaries that ND4J ops allocate are reused from step to step rather than left to the
 * garbage collector; layers keep their buffers outside it.
 *
 * <p>Optionally, a {@link PhaseTimes} given to the builder splits each step's wall time into
 * phases (data, forward, backward, optimiser, EMA); listeners read it in {@code onStepEnd}.
 *
 * <p>AutoCloseable: closing releases the task and the batch source.
 */
public final class Trainer<B> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    private static final WorkspaceConfiguration STEP_WS = WorkspaceConfiguration.builder()
            .policyAllocation(AllocationPolicy.STRICT)
            .policyLearning(LearningPolicy.FIRST_LOOP)
            .build();

    private final Task<B> task;
    private final BatchSource<B> source;
    private final OptimConfig optim;
    private final long totalSteps;
    private final long seed;
    private final Object runConfig;
    private final boolean useWorkspace;
    private final List<TrainingListener> listeners;
    private final PhaseTimes times;
    private final AdamW adam;
    private final Schedule lrSchedule;
    private final Schedule wdSchedule;
    private long step;
    /** Seconds inside training steps over the whole run (carried across resume). */
    private double trainSeconds;
    private volatile String stopReason;

    private Trainer(Builder<B> b) {
        this.task = b.task;
        this.source = b.source;
        this.optim = b.optim;
        this.totalSteps = b.totalSteps;
        this.seed = b.seed;
        this.runConfig = b.runConfig;
        this.useWorkspace = b.useWorkspace;
        this.listeners = List.copyOf(b.listeners);
        this.times = b.times;
        ParamStore store = task.trainable();
        this.adam = new AdamW(store, optim.beta1(), optim.beta2(), optim.eps());
        long warm = Math.min(optim.warmupSteps(), totalSteps);
        this.lrSchedule = new WarmupCosineSchedule(warm, totalSteps, optim.startLr(), optim.lr(), optim.finalLr());
        this.wdSchedule = new CosineSchedule(totalSteps, optim.weightDecay(), optim.finalWeightDecay());
    }

    public static <B> Builder<B> builder(Task<B> task, BatchSource<B> source) {
        return new Builder<>(task, source);
    }

    /** Runs from the current step to {@code totalSteps} (or until a listener requests a stop). */
    public void fit() {
        for (TrainingListener l : listeners) {
            l.onStart(this);
        }
        long spe = source.stepsPerEpoch();
        while (step < totalSteps && stopReason == null) {
            long t0 = System.nanoTime();
            B batch = source.next(step);
            double wait = source.lastWaitMillis();
            times.reset();
            times.add(Phase.DATA, wait);
            StepContext ctx = new StepContext(step, totalSteps, spe, seed);
            StepEvent event;
            try (MemoryWorkspace ws = useWorkspace
                    ? Nd4j.getWorkspaceManager().getAndActivateWorkspace(STEP_WS, "jepa4j-step") : null) {
                ParamStore store = task.trainable();
                // Steps 1-5: the task's forward, loss and backward.
                store.zeroGrads();
                times.lap(Phase.OTHER);
                StepOutput out = task.forwardBackward(batch, ctx);
                times.lap(Phase.BACKWARD);
                double gradNorm = store.grads().norm2Number().doubleValue();
                double lr = lrSchedule.value(step);
                double wd = wdSchedule.value(step);
                event = new StepEvent(this, step, totalSteps, ctx.epoch(), out, lr, wd, gradNorm,
                        task.examples(batch), 0, wait);
                for (TrainingListener l : listeners) {
                    l.beforeUpdate(event);
                }
                times.lap(Phase.OTHER);
                if (optim.clipNorm() > 0) {
                    GradClip.clipGlobalNorm(store.grads(), optim.clipNorm());
                }
                // Step 6: AdamW over the whole flat buffer.
                adam.step(lr, wd);
                times.lap(Phase.OPTIMISER);
                // Step 7: the task's post-update state (EMA target).
                task.afterUpdate(ctx);
                times.lap(Phase.EMA);
            } finally {
                source.release(batch);
            }
            times.lap(Phase.OTHER);
            step++;
            double ms = (System.nanoTime() - t0) / 1e6;
            trainSeconds += ms / 1e3;
            event = new StepEvent(this, event.step(), totalSteps, event.epoch(), event.output(), event.lr(),
                    event.weightDecay(), event.gradNorm(), event.examples(), ms, wait);
            for (TrainingListener l : listeners) {
                l.onStepEnd(event);
            }
        }
        if (stopReason != null) {
            LOG.warn("training stopped at step {}: {}", step, stopReason);
        }
        for (TrainingListener l : listeners) {
            l.onEnd(this);
        }
    }

    /** Asks the loop to stop cleanly after the current step (listeners' onEnd still run). */
    public void requestStop(String reason) {
        this.stopReason = Objects.requireNonNull(reason);
    }

    /** Why training stopped early, or null. */
    public String stopReason() {
        return stopReason;
    }

    /**
     * Seconds spent inside training steps since the run began: waiting for the batch, forward,
     * backward, update and EMA, but not the listeners' end-of-step work (logging, checkpoints,
     * evaluations). Saved in checkpoints, so a resumed run keeps counting from where it stopped.
     */
    public double trainSeconds() {
        return trainSeconds;
    }

    /** Steps completed. */
    public long step() {
        return step;
    }

    public long totalSteps() {
        return totalSteps;
    }

    public long seed() {
        return seed;
    }

    public Task<B> task() {
        return task;
    }

    public BatchSource<B> source() {
        return source;
    }

    /** The resolved run configuration saved with every checkpoint, as JSON. */
    public JsonNode configJson() {
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("model", task.modelConfig());
        cfg.put("optim", optim);
        cfg.put("totalSteps", totalSteps);
        cfg.put("seed", seed);
        if (runConfig != null) {
            cfg.put("run", runConfig);
        }
        return JSON.valueToTree(cfg);
    }

    /** Snapshot of everything a bit-identical resume needs. */
    public Checkpoint checkpoint() {
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        arrays.put("params", task.trainable().params());
        arrays.put("adam.m", adam.firstMoment());
        arrays.put("adam.v", adam.secondMoment());
        for (var e : task.state().entrySet()) {
            arrays.put("task." + e.getKey(), e.getValue());
        }
        return new Checkpoint(step, seed, task.trainable().layoutSignature(), configJson(), arrays,
                Map.of("adam.t", (double) adam.stepCount(), "train.seconds", trainSeconds));
    }

    /** Writes {@link #checkpoint()} to {@code file} atomically. */
    public void saveCheckpoint(Path file) {
        try {
            checkpoint().save(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + file, e);
        }
    }

    /**
     * Restores parameters, optimiser state, task state and the step from {@code file}. A checkpoint
     * of another model is refused with a message naming the first mismatch.
     */
    public void resume(Path file) throws IOException {
        Checkpoint c = Checkpoint.load(file);
        String mismatch = describeMismatch(c);
        if (mismatch != null) {
            throw new IllegalArgumentException("checkpoint " + file + " does not fit this model: " + mismatch);
        }
        loadWeights(task, c);
        adam.restore(c.array("adam.m"), c.array("adam.v"), (long) (double) c.scalars().getOrDefault("adam.t", (double) c.step()));
        this.step = c.step();
        this.trainSeconds = c.scalars().getOrDefault("train.seconds", 0.0);
        LOG.info("resumed from {} at step {}", file, step);
    }

    /**
     * Copies a checkpoint's trainable parameters and task state (EMA target, ...) into {@code task},
     * without optimiser state: for evaluation or fine-tuning. The parameter layouts must match.
     */
    public static void loadWeights(Task<?> task, Checkpoint c) {
        String mine = task.trainable().layoutSignature();
        if (!mine.equals(c.layout())) {
            throw new IllegalArgumentException("checkpoint does not fit this model: " + firstLayoutDifference(c.layout(), mine));
        }
        task.trainable().params().assign(c.array("params"));
        for (var e : task.state().entrySet()) {
            e.getValue().assign(c.array("task." + e.getKey()));
        }
    }

    private static String firstLayoutDifference(String theirs, String mine) {
        String[] a = theirs.split(";");
        String[] b = mine.split(";");
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            String x = i < a.length ? a[i] : "(none)";
            String y = i < b.length ? b[i] : "(none)";
            if (!x.equals(y)) {
                return "parameter #" + i + " is " + x + " in the checkpoint but " + y + " in this model";
            }
        }
        return "layouts differ";
    }

    private String describeMismatch(Checkpoint c) {
        JsonNode ours = JSON.valueToTree(task.modelConfig());
        JsonNode theirs = c.config() == null ? null : c.config().get("model");
        if (theirs != null) {
            String d = diff("model", theirs, ours);
            if (d != null) {
                return d;
            }
        }
        String mine = task.trainable().layoutSignature();
        if (!mine.equals(c.layout())) {
            return firstLayoutDifference(c.layout(), mine);
        }
        if (!c.arrays().containsKey("adam.m")) {
            return "it holds no optimiser state";
        }
        return null;
    }

    /** First differing path between two JSON trees, as "path: checkpoint=X, now=Y". */
    private static String diff(String path, JsonNode a, JsonNode b) {
        if (a.isObject() && b.isObject()) {
            Iterator<String> names = a.fieldNames();
            while (names.hasNext()) {
                String n = names.next();
                String d = diff(path + "." + n, a.get(n), b.path(n));
                if (d != null) {
                    return d;
                }
            }
            Iterator<String> bn = b.fieldNames();
            while (bn.hasNext()) {
                String n = bn.next();
                if (!a.has(n)) {
                    return path + "." + n + ": checkpoint=(absent), now=" + b.get(n);
                }
            }
            return null;
        }
        return a.equals(b) ? null : path + ": checkpoint=" + a + ", now=" + (b.isMissingNode() ? "(absent)" : b);
    }

    @Override
    public void close() {
        try {
            source.close();
        } finally {
            task.close();
        }
    }

    /** Required: task, source, total steps. Optional: optimiser config, seed, listeners, run config. */
    public static final class Builder<B> {
        private final Task<B> task;
        private final BatchSource<B> source;
        private OptimConfig optim = OptimConfig.defaults();
        private long totalSteps = -1;
        private long seed = 0;
        private Object runConfig;
        private boolean useWorkspace = true;
        private final List<TrainingListener> listeners = new ArrayList<>();
        private PhaseTimes times = PhaseTimes.off();

        private Builder(Task<B> task, BatchSource<B> source) {
            this.task = Objects.requireNonNull(task, "task");
            this.source = Objects.requireNonNull(source, "source");
        }

        public Builder<B> totalSteps(long n) {
            this.totalSteps = n;
            return this;
        }

        public Builder<B> optim(OptimConfig c) {
            this.optim = Objects.requireNonNull(c);
            return this;
        }

        public Builder<B> seed(long s) {
            this.seed = s;
            return this;
        }

        /** Any record describing the run (data, output, ...), saved with checkpoints. */
        public Builder<B> runConfig(Object c) {
            this.runConfig = c;
            return this;
        }

        /** Disables the per-step ND4J workspace (for debugging and equivalence tests). */
        public Builder<B> useWorkspace(boolean on) {
            this.useWorkspace = on;
            return this;
        }

        /**
         * Records each step's phase split into {@code t} (reset at the start of every step). Give
         * the same object to a task that splits its forward pass (e.g. {@code MaskedJepaTask.phaseTimes}).
         */
        public Builder<B> phaseTimes(PhaseTimes t) {
            this.times = Objects.requireNonNull(t);
            return this;
        }

        public Builder<B> listener(TrainingListener l) {
            listeners.add(Objects.requireNonNull(l));
            return this;
        }

        public Trainer<B> build() {
            if (totalSteps <= 0) {
                throw new IllegalArgumentException("totalSteps must be set and > 0, got " + totalSteps);
            }
            if (!task.trainable().isAllocated()) {
                throw new IllegalStateException("the task's parameter store is not allocated");
            }
            if (source.stepsPerEpoch() <= 0) {
                throw new IllegalArgumentException("the batch source has no batches (stepsPerEpoch = " + source.stepsPerEpoch() + ")");
            }
            return new Trainer<>(this);
        }
    }
}
