package io.github.jepa4j.world.env;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Seeded random-action trajectories of {@link RoomEnv}, in memory ({@link #generate},
 * {@link #fill}) for training without disk; {@link TrajectoryRecorder} writes them as videos.
 *
 * <p>Trajectory {@code i} is a pure function of {@code (seed, i)}: its start is a uniformly random
 * free position; its actions are smooth (an AR(1) process with momentum {@code rho}, clipped to
 * {@code [-1, 1]}): {@code a_t = clip(rho a_{t-1} + (1 - rho) m_t + sqrt(1 - rho^2) sigma eps_t)},
 * {@code eps_t ~ N(0, I)}. For a <i>wandering</i> trajectory the drift {@code m_t} is 0; for a
 * <i>door</i> trajectory (a fraction {@code doorFraction} of them, so that crossings through the
 * door are common in the data) {@code m_t} is the unit vector towards a waypoint: first a random
 * point of the door gap, then, once the agent is within one step of it or past the wall, a random
 * point of the other room; door trajectories use half the noise.
 *
 * <p>Defaults: T = 16 frames, rho = 0.8, sigma = 0.6, doorFraction = 0.3, seed 0, {@link
 * RoomConfig#defaults()}.
 *
 * <p>{@link #fill} renders straight into caller-owned arrays (one native bulk copy per
 * trajectory); a generator holds one environment and one frame buffer, so it is not
 * thread-safe: use one per thread (same seed, disjoint index ranges, gives the same data).
 */
public final class TrajectoryGenerator {
    private final RoomConfig config;
    private final int frames;
    private final double momentum;
    private final double noise;
    private final double doorFraction;
    private final long seed;
    private final RoomEnv env;
    private final float[] buffer;

    private TrajectoryGenerator(Builder b) {
        config = b.config;
        frames = b.frames;
        momentum = b.momentum;
        noise = b.noise;
        doorFraction = b.doorFraction;
        seed = b.seed;
        env = new RoomEnv(config);
        buffer = new float[frames * frameSize()];
    }

    public static Builder builder() {
        return new Builder();
    }

    public RoomConfig config() {
        return config;
    }

    /** Frames per trajectory T. */
    public int frames() {
        return frames;
    }

    public long seed() {
        return seed;
    }

    /** Floats per rendered frame, {@code 3 * S * S}. */
    public int frameSize() {
        return 3 * config.imageSize() * config.imageSize();
    }

    /** Positions and actions of trajectory {@code index} (no rendering). */
    public Trajectory trajectory(long index) {
        if (index < 0) {
            throw new IllegalArgumentException("trajectory index must be >= 0, got " + index);
        }
        Random rng = new Random(mix(seed, index));
        boolean door = rng.nextDouble() < doorFraction;
        double[] p = env.randomFreePosition(rng);
        env.reset(p[0], p[1]);
        double[] b = env.freeSetBounds(); // lo, hi, wx0, wx1, gy0, gy1
        double[] waypoint = door ? new double[] {0.5, b[4] + 0.02 + rng.nextDouble() * Math.max(0, b[5] - b[4] - 0.04)} : null;
        int targetRoom = 1 - env.room(p[0], p[1]);
        boolean throughDoor = false;
        double sig = door ? 0.5 * noise : noise;
        double innov = Math.sqrt(1 - momentum * momentum) * sig;
        double[][] pos = new double[frames][];
        double[][] act = new double[frames - 1][];
        pos[0] = p;
        double ax = 0, ay = 0;
        for (int t = 0; t < frames - 1; t++) {
            double mx = 0, my = 0;
            if (door) {
                double[] cur = pos[t];
                if (!throughDoor && (Math.hypot(waypoint[0] - cur[0], waypoint[1] - cur[1]) < config.maxStep()
                        || env.room(cur[0], cur[1]) == targetRoom)) {
                    throughDoor = true;
                    waypoint = roomPoint(rng, targetRoom, b);
                }
                double ux = waypoint[0] - cur[0], uy = waypoint[1] - cur[1], n = Math.hypot(ux, uy);
                if (n > 1e-9) {
                    mx = ux / n;
                    my = uy / n;
                }
            }
            double gx = rng.nextGaussian(), gy = rng.nextGaussian();
            double prev = t == 0 ? 0 : momentum;
            double inn = t == 0 ? sig : innov;
            ax = RoomEnv.clip(prev * ax + (1 - prev) * mx + inn * gx);
            ay = RoomEnv.clip(prev * ay + (1 - prev) * my + inn * gy);
            act[t] = new double[] {ax, ay};
            pos[t + 1] = env.step(ax, ay);
        }
        return new Trajectory(pos, act);
    }

    private static double[] roomPoint(Random rng, int room, double[] b) {
        double x0 = room == 0 ? b[0] : b[3], x1 = room == 0 ? b[2] : b[1];
        return new double[] {x0 + rng.nextDouble() * (x1 - x0), b[0] + rng.nextDouble() * (b[1] - b[0])};
    }

    /** Renders frame by frame the positions of {@code tr} into {@code dst} ({@code T * 3 * S * S} floats). */
    public void render(Trajectory tr, float[] dst) {
        int fs = frameSize();
        if (dst.length < tr.length() * fs) {
            throw new IllegalArgumentException("render needs " + tr.length() * fs + " floats, got " + dst.length);
        }
        for (int t = 0; t < tr.length(); t++) {
            env.render(tr.positions()[t][0], tr.positions()[t][1], dst, t * fs);
        }
    }

    /** Newly allocated trajectories {@code first .. first + n - 1} (see {@link Trajectories} for shapes). */
    public Trajectories generate(long first, int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("need at least one trajectory, got n = " + n);
        }
        int s = config.imageSize();
        Trajectories out = new Trajectories(Nd4j.create(DataType.FLOAT, n, frames, 3, s, s),
                Nd4j.create(DataType.FLOAT, n, frames - 1, 2), Nd4j.create(DataType.FLOAT, n, frames, 2));
        fill(first, out.frames(), out.actions(), out.positions());
        return out;
    }

    /**
     * Renders trajectories {@code first .. first + N - 1} into caller-owned FLOAT c-order arrays:
     * {@code frames [N, T, 3, S, S]}, {@code actions [N, T - 1, 2]}, {@code positions [N, T, 2]}
     * ({@code actions} or {@code positions} may be null to skip them).
     */
    public void fill(long first, INDArray frames, INDArray actions, INDArray positions) {
        int s = config.imageSize();
        long n = frames == null ? -1 : frames.size(0);
        FloatPointer fp = target("frames", frames, n, this.frames, 3, s, s);
        FloatPointer ap = actions == null ? null : target("actions", actions, n, this.frames - 1, 2);
        FloatPointer pp = positions == null ? null : target("positions", positions, n, this.frames, 2);
        if (first < 0) {
            throw new IllegalArgumentException("first trajectory index must be >= 0, got " + first);
        }
        float[] a = new float[2 * (this.frames - 1)];
        float[] q = new float[2 * this.frames];
        long per = (long) this.frames * frameSize();
        for (int i = 0; i < n; i++) {
            Trajectory tr = trajectory(first + i);
            render(tr, buffer);
            fp.position(i * per).put(buffer, 0, (int) per);
            for (int t = 0; t < this.frames; t++) {
                q[2 * t] = (float) tr.positions()[t][0];
                q[2 * t + 1] = (float) tr.positions()[t][1];
                if (t < this.frames - 1) {
                    a[2 * t] = (float) tr.actions()[t][0];
                    a[2 * t + 1] = (float) tr.actions()[t][1];
                }
            }
            if (ap != null) {
                ap.position((long) i * a.length).put(a, 0, a.length);
            }
            if (pp != null) {
                pp.position((long) i * q.length).put(q, 0, q.length);
            }
        }
    }

    private static FloatPointer target(String name, INDArray arr, long n, long... rest) {
        if (arr == null) {
            throw new IllegalArgumentException("fill needs a " + name + " array");
        }
        long[] want = new long[rest.length + 1];
        want[0] = n;
        System.arraycopy(rest, 0, want, 1, rest.length);
        if (!Arrays.equals(arr.shape(), want) || n <= 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s must have shape %s, got %s", name,
                    Arrays.toString(want), Arrays.toString(arr.shape())));
        }
        if (arr.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException(name + " must be FLOAT, got " + arr.dataType());
        }
        long[] st = arr.stride();
        long expect = 1;
        for (int d = want.length - 1; d >= 0; d--) {
            if (want[d] > 1 && st[d] != expect) {
                throw new IllegalArgumentException(name + " must be c-order contiguous, got strides " + Arrays.toString(st)
                        + " for shape " + Arrays.toString(want));
            }
            expect *= want[d];
        }
        return new FloatPointer(arr.data().addressPointer());
    }

    static long mix(long seed, long v) {
        long z = seed ^ (0x9E3779B97F4A7C15L * (v + 1));
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "TrajectoryGenerator[T=%d, rho=%s, sigma=%s, doorFraction=%s, seed=%d, %s]", frames,
                momentum, noise, doorFraction, seed, config);
    }

    /** Configuration, validated in {@link #build()}. */
    public static final class Builder {
        private RoomConfig config = RoomConfig.defaults();
        private int frames = 16;
        private double momentum = 0.8;
        private double noise = 0.6;
        private double doorFraction = 0.3;
        private long seed = 0;

        private Builder() {}

        /** Room geometry and image size (default {@link RoomConfig#defaults()}). */
        public Builder config(RoomConfig c) {
            this.config = c;
            return this;
        }

        /** Frames per trajectory T >= 2 (default 16). */
        public Builder frames(int t) {
            this.frames = t;
            return this;
        }

        /** Action momentum rho in [0, 1) (default 0.8). */
        public Builder momentum(double rho) {
            this.momentum = rho;
            return this;
        }

        /** Action noise sigma > 0 (default 0.6). */
        public Builder noise(double sigma) {
            this.noise = sigma;
            return this;
        }

        /** Fraction of door-seeking trajectories in [0, 1] (default 0.3). */
        public Builder doorFraction(double f) {
            this.doorFraction = f;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public TrajectoryGenerator build() {
            if (config == null) {
                throw new IllegalArgumentException("TrajectoryGenerator needs a RoomConfig");
            }
            if (frames < 2) {
                throw new IllegalArgumentException("frames per trajectory must be >= 2, got " + frames);
            }
            if (!(momentum >= 0 && momentum < 1)) {
                throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
            }
            if (!(noise > 0) || !Double.isFinite(noise)) {
                throw new IllegalArgumentException("noise must be positive and finite, got " + noise);
            }
            if (!(doorFraction >= 0 && doorFraction <= 1)) {
                throw new IllegalArgumentException("doorFraction must be in [0, 1], got " + doorFraction);
            }
            return new TrajectoryGenerator(this);
        }
    }
}
