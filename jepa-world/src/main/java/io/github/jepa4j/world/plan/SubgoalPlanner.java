package io.github.jepa4j.world.plan;

import java.util.Arrays;
import java.util.Locale;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Two-level (hierarchical) planner: a high level that picks a sub-goal embedding on a {@link
 * LandmarkGraph} of observed states, and a low-level {@link Planner} that plans towards it.
 *
 * <p>Per call of {@link #plan}{@code (z0, zGoal)}: {@code s} = the landmark nearest to
 * {@code z0}, {@code g} = the landmark nearest to {@code zGoal} (shortest paths to {@code g} are
 * computed once per goal and cached); if {@code g} is unreachable from {@code s}, or
 * {@code cost(s) <= reach}, the low level plans to {@code zGoal} itself; otherwise the sub-goal
 * is the landmark furthest along the shortest path from {@code s} whose cost from {@code s} is at
 * most {@code reach} steps, and the low level plans to its embedding. Re-planned every step
 * (receding horizon at both levels).
 *
 * <p>Default {@code reach}: the low-level horizon. A short low-level horizon works best (the
 * energy only scores the final state, so a long horizon leaves the first actions loose): with the
 * wall-blind analytic test model and a graph of 62 generated trajectories (992 landmarks), 20
 * cross-room episodes, CEM at horizon 5 and reach 5 succeeds in 95 % (flat CEM at horizon 10:
 * 50 %, greedy: 55 %), at horizon 10 and reach 5 in 80 %; a reach of 3 or 8 is worse. The high level costs {@code O(L D)} per step (nearest landmark) plus one Dijkstra per
 * new goal.
 */
public final class SubgoalPlanner implements Planner {
    private final Planner low;
    private final LandmarkGraph graph;
    private final double reach;
    private final float[] z0Host, goalHost, cachedGoal;
    private final INDArray subgoal;
    private LandmarkGraph.Paths paths;
    private int lastSubgoal = -1;

    /** A two-level planner over {@code graph} with {@code low} as the low level and the given reach in steps. */
    public SubgoalPlanner(Planner low, LandmarkGraph graph, double reach) {
        if (low == null || graph == null) {
            throw new IllegalArgumentException("SubgoalPlanner needs a low-level planner and a landmark graph");
        }
        if (!(reach > 0)) {
            throw new IllegalArgumentException("reach must be positive, got " + reach);
        }
        this.low = low;
        this.graph = graph;
        this.reach = reach;
        int d = graph.latentDim();
        z0Host = new float[d];
        goalHost = new float[d];
        cachedGoal = new float[d];
        subgoal = Nd4j.create(DataType.FLOAT, d);
    }

    /** Reach = the low level's horizon. */
    public SubgoalPlanner(Planner low, LandmarkGraph graph) {
        this(low, graph, low == null ? 1 : low.horizon());
    }

    @Override
    public double[] plan(INDArray z0, INDArray zGoal) {
        copy(z0, z0Host, "z0");
        copy(zGoal, goalHost, "zGoal");
        if (paths == null || !Arrays.equals(goalHost, cachedGoal)) {
            paths = graph.pathsTo(graph.nearest(goalHost));
            System.arraycopy(goalHost, 0, cachedGoal, 0, goalHost.length);
        }
        int s = graph.nearest(z0Host);
        double[] cost = paths.cost();
        if (!Double.isFinite(cost[s]) || cost[s] <= reach) {
            lastSubgoal = -1;
            return low.plan(z0, zGoal);
        }
        int node = s;
        while (paths.next()[node] >= 0 && cost[s] - cost[paths.next()[node]] <= reach) {
            node = paths.next()[node];
        }
        lastSubgoal = node;
        float[] sg = graph.latent(node);
        new FloatPointer(subgoal.data().addressPointer()).put(sg, 0, sg.length);
        return low.plan(z0, subgoal);
    }

    private static void copy(INDArray z, float[] dst, String what) {
        if (z == null || z.length() != dst.length) {
            throw new IllegalArgumentException(what + " must have " + dst.length + " values, got "
                    + (z == null ? "null" : Arrays.toString(z.shape())));
        }
        float[] v = z.dataType() == DataType.FLOAT ? z.reshape(z.length()).toFloatVector() : z.castTo(DataType.FLOAT)
                .reshape(z.length()).toFloatVector();
        System.arraycopy(v, 0, dst, 0, dst.length);
    }

    /** Landmark index used as the sub-goal by the last plan, or -1 when it planned to the goal directly. */
    public int lastSubgoal() {
        return lastSubgoal;
    }

    @Override
    public double[][] lastSequence() {
        return low.lastSequence();
    }

    @Override
    public double lastEnergy() {
        return low.lastEnergy();
    }

    @Override
    public void reset() {
        low.reset();
        paths = null;
        lastSubgoal = -1;
    }

    @Override
    public int horizon() {
        return low.horizon();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Subgoal[reach=%s, %s, low=%s]", reach, graph, low);
    }
}
