package io.github.jepa4j.world.plan;

import io.github.jepa4j.world.env.Trajectories;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A graph over embeddings of observed states ("landmarks"), the high level of {@link
 * SubgoalPlanner}: it knows which states the recorded experience connects, so it routes around
 * obstacles a myopic energy cannot see (for instance through the door to a goal in the other
 * room).
 *
 * <p>Construction from recorded trajectories {@code frames [N, T, 3, S, S]} and a world model's
 * encoder: landmarks are frames {@code 0, s, 2s, ...} of each trajectory ({@code s = stride}),
 * trajectories taken in order until {@code maxLandmarks}; distances are the energy's metric,
 * {@code d(z, z') = mean_i |z_i - z'_i|}. Edges (undirected: the dynamics are assumed
 * reversible, as in {@code RoomEnv}), weighted in environment steps:
 * <ul>
 *   <li>temporal: consecutive landmarks of a trajectory, weight {@code s};</li>
 *   <li>merge: any two landmarks with {@code d <= mergeFactor * m}, weight {@code s * d / m}, where
 *       {@code m} is the median latent distance over the temporal edges (the typical latent size
 *       of {@code s} steps); these join trajectories that pass through the same place.</li>
 * </ul>
 * Merging is all-pairs, {@code O(L^2 D)} once at construction. Defaults: stride 1, at most 1000
 * landmarks, merge factor 1.
 */
public final class LandmarkGraph {
    private final int size, dim, stride;
    private final float[] latents;
    private final int[][] adj;
    private final double[][] weights;
    private final double medianStep;

    private LandmarkGraph(int dim, int stride, float[] latents, List<List<double[]>> edges, double medianStep) {
        this.size = edges.size();
        this.dim = dim;
        this.stride = stride;
        this.latents = latents;
        this.medianStep = medianStep;
        adj = new int[size][];
        weights = new double[size][];
        for (int i = 0; i < size; i++) {
            List<double[]> e = edges.get(i);
            adj[i] = new int[e.size()];
            weights[i] = new double[e.size()];
            for (int k = 0; k < e.size(); k++) {
                adj[i][k] = (int) e.get(k)[0];
                weights[i][k] = e.get(k)[1];
            }
        }
    }

    /**
     * Builds the graph from {@code data.frames()} encoded by {@code model} (in batches of one
     * trajectory's landmarks).
     */
    public static LandmarkGraph build(WorldModel model, Trajectories data, int stride, int maxLandmarks, double mergeFactor) {
        if (model == null || data == null || data.frames() == null) {
            throw new IllegalArgumentException("LandmarkGraph needs a model and trajectories with frames");
        }
        INDArray frames = data.frames();
        if (frames.rank() != 5) {
            throw new IllegalArgumentException("frames must be [N, T, C, H, W], got " + Arrays.toString(frames.shape()));
        }
        int n = (int) frames.size(0), t = (int) frames.size(1);
        if (stride < 1 || stride >= t && t > 1) {
            throw new IllegalArgumentException("stride must be in [1, T) = [1, " + t + "), got " + stride);
        }
        if (maxLandmarks < 2) {
            throw new IllegalArgumentException("maxLandmarks must be >= 2, got " + maxLandmarks);
        }
        if (!(mergeFactor >= 0) || !Double.isFinite(mergeFactor)) {
            throw new IllegalArgumentException("mergeFactor must be >= 0, got " + mergeFactor);
        }
        int per = (t - 1) / stride + 1;
        int trajs = Math.min(n, Math.max(1, maxLandmarks / per));
        int size = trajs * per, dim = model.latentDim();
        float[] lat = new float[size * dim];
        for (int i = 0; i < trajs; i++) {
            INDArray clip = frames.get(NDArrayIndex.point(i), NDArrayIndex.interval(0, stride, t));
            INDArray e = model.encode(clip.dup('c'));
            if (e.length() != (long) per * dim) {
                throw new IllegalStateException("encode of " + per + " frames returned " + Arrays.toString(e.shape())
                        + ", expected [" + per + ", " + dim + "]");
            }
            INDArray f = e.dataType() == DataType.FLOAT ? e.dup('c') : e.castTo(DataType.FLOAT).dup('c');
            new FloatPointer(f.data().addressPointer()).get(lat, i * per * dim, per * dim);
        }
        List<List<double[]>> edges = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            edges.add(new ArrayList<>());
        }
        double[] stepD = new double[trajs * (per - 1)];
        int k = 0;
        for (int i = 0; i < trajs; i++) {
            for (int j = 0; j + 1 < per; j++) {
                int a = i * per + j;
                stepD[k++] = dist(lat, a, lat, a + 1, dim);
                edges.get(a).add(new double[] {a + 1, stride});
                edges.get(a + 1).add(new double[] {a, stride});
            }
        }
        Arrays.sort(stepD);
        double median = stepD.length == 0 ? 0 : stepD[stepD.length / 2];
        double thr = mergeFactor * median;
        if (median > 0 && thr > 0) {
            for (int a = 0; a < size; a++) {
                for (int b = a + 1; b < size; b++) {
                    if (a / per == b / per && b - a <= 1) {
                        continue; // already a temporal edge
                    }
                    double d = dist(lat, a, lat, b, dim);
                    if (d <= thr) {
                        double w = stride * d / median;
                        edges.get(a).add(new double[] {b, w});
                        edges.get(b).add(new double[] {a, w});
                    }
                }
            }
        }
        return new LandmarkGraph(dim, stride, lat, edges, median);
    }

    private static double dist(float[] x, int a, float[] y, int b, int dim) {
        double s = 0;
        int oa = a * dim, ob = b * dim;
        for (int i = 0; i < dim; i++) {
            s += Math.abs(x[oa + i] - y[ob + i]);
        }
        return s / dim;
    }

    /** Number of landmarks L. */
    public int size() {
        return size;
    }

    /** Embedding size D. */
    public int latentDim() {
        return dim;
    }

    /** Median latent distance of one temporal edge ({@code stride} steps). */
    public double medianStepDistance() {
        return medianStep;
    }

    /** Neighbours of landmark {@code i} (a copy). */
    public int[] neighbours(int i) {
        return adj[i].clone();
    }

    /** Number of undirected edges. */
    public int edgeCount() {
        int e = 0;
        for (int[] a : adj) {
            e += a.length;
        }
        return e / 2;
    }

    /** Landmark {@code i}'s embedding as a new FLOAT array {@code [D]}. */
    public float[] latent(int i) {
        return Arrays.copyOfRange(latents, i * dim, (i + 1) * dim);
    }

    /** Index of the landmark nearest to {@code z} ({@code [D]}) in the energy's metric. */
    public int nearest(float[] z) {
        if (z.length != dim) {
            throw new IllegalArgumentException("embedding must have " + dim + " values, got " + z.length);
        }
        int best = -1;
        double bd = Double.POSITIVE_INFINITY;
        for (int i = 0; i < size; i++) {
            double d = dist(z, 0, latents, i, dim);
            if (d < bd) {
                bd = d;
                best = i;
            }
        }
        return best;
    }

    /** Latent distance between {@code z} and landmark {@code i}. */
    public double distance(float[] z, int i) {
        return dist(z, 0, latents, i, dim);
    }

    /**
     * Shortest-path costs (in steps) from every landmark to {@code target} and the next hop
     * towards it (-1 at the target or when unreachable): Dijkstra on the undirected graph.
     */
    public Paths pathsTo(int target) {
        if (target < 0 || target >= size) {
            throw new IllegalArgumentException("landmark " + target + " is outside [0, " + size + ")");
        }
        double[] cost = new double[size];
        int[] next = new int[size];
        Arrays.fill(cost, Double.POSITIVE_INFINITY);
        Arrays.fill(next, -1);
        cost[target] = 0;
        PriorityQueue<double[]> q = new PriorityQueue<>((p, r) -> Double.compare(p[0], r[0]));
        q.add(new double[] {0, target});
        while (!q.isEmpty()) {
            double[] top = q.poll();
            int u = (int) top[1];
            if (top[0] > cost[u]) {
                continue;
            }
            for (int k = 0; k < adj[u].length; k++) {
                int v = adj[u][k];
                double c = cost[u] + weights[u][k];
                if (c < cost[v]) {
                    cost[v] = c;
                    next[v] = u;
                    q.add(new double[] {c, v});
                }
            }
        }
        return new Paths(target, cost, next);
    }

    /** Result of {@link #pathsTo}: {@code cost[i]} steps from landmark {@code i}, {@code next[i]} its next hop. */
    public record Paths(int target, double[] cost, int[] next) {}

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "LandmarkGraph[%d landmarks, %d edges, D=%d, stride=%d, median step %.4g]", size,
                edgeCount(), dim, stride, medianStep);
    }
}
