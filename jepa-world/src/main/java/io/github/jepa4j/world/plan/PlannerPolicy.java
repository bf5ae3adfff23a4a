package io.github.jepa4j.world.plan;

import io.github.jepa4j.world.env.RoomEnv;
import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The model-based agent: at the start of an episode it renders the goal image (the scene with
 * the agent at the goal) and encodes it; at every step it renders the current frame, encodes it
 * and returns the {@link Planner}'s first action (receding horizon). It never reads the true
 * position except through the rendered frames.
 *
 * <p>Embeddings are copied into buffers owned by this policy (a model may reuse its output
 * buffer). Time spent in {@link WorldModel#encode} and {@link Planner#plan} is accumulated
 * separately ({@link #planMillis()}, {@link #encodeMillis()}, {@link #steps()}).
 */
public final class PlannerPolicy implements Policy {
    private final WorldModel model;
    private final Planner planner;
    private INDArray frame;
    private float[] pixels;
    private INDArray zGoal, z;
    private long planNanos, encodeNanos, steps;

    public PlannerPolicy(WorldModel model, Planner planner) {
        if (model == null || planner == null) {
            throw new IllegalArgumentException("PlannerPolicy needs a model and a planner, got " + model + ", " + planner);
        }
        this.model = model;
        this.planner = planner;
    }

    @Override
    public String name() {
        return "planner";
    }

    public Planner planner() {
        return planner;
    }

    @Override
    public void begin(RoomEnv env, double[] goal) {
        int s = env.imageSize();
        if (frame == null || frame.size(2) != s) {
            frame = Nd4j.create(DataType.FLOAT, 1, env.channels(), s, s);
            pixels = new float[env.channels() * s * s];
            zGoal = Nd4j.create(DataType.FLOAT, model.latentDim());
            z = Nd4j.create(DataType.FLOAT, model.latentDim());
        }
        env.render(goal[0], goal[1], pixels, 0);
        encodeInto(zGoal);
        planner.reset();
    }

    @Override
    public double[] act(RoomEnv env) {
        if (frame == null) {
            throw new IllegalStateException("PlannerPolicy.act before begin");
        }
        env.render(pixels, 0);
        encodeInto(z);
        long t0 = System.nanoTime();
        double[] a = planner.plan(z, zGoal);
        planNanos += System.nanoTime() - t0;
        steps++;
        return a;
    }

    private void encodeInto(INDArray dst) {
        new FloatPointer(frame.data().addressPointer()).put(pixels, 0, pixels.length);
        long t0 = System.nanoTime();
        INDArray e = model.encode(frame);
        encodeNanos += System.nanoTime() - t0;
        if (e == null || e.length() != model.latentDim()) {
            throw new IllegalStateException("encode of one frame returned " + (e == null ? "null" : Arrays.toString(e.shape()))
                    + ", expected [1, " + model.latentDim() + "]");
        }
        dst.assign(e.reshape(model.latentDim()));
    }

    /** Total milliseconds spent in {@link Planner#plan}. */
    public double planMillis() {
        return planNanos / 1e6;
    }

    /** Total milliseconds spent in {@link WorldModel#encode} (goal images included). */
    public double encodeMillis() {
        return encodeNanos / 1e6;
    }

    /** Number of planned steps. */
    public long steps() {
        return steps;
    }

    /** Clears the timers. */
    public void resetTimers() {
        planNanos = 0;
        encodeNanos = 0;
        steps = 0;
    }
}
