package io.github.jepa4j.world.env;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * A deterministic 2D world of two rooms joined by a door, rendered to small RGB images: the
 * environment of the planning experiments.
 *
 * <p>Geometry (room units, the world is {@code [0, 1] x [0, 1]}, x to the right, y down as image
 * rows): outer walls are bands of thickness {@code t} along the four borders; a middle wall
 * {@code |x - 0.5| <= t / 2} separates the left room (0, {@code x < 0.5}) from the right room (1),
 * except for a door {@code |y - 0.5| < d / 2}. The agent is a disc of radius {@code r}.
 *
 * <p>Collisions are exact and resolved in configuration space: the agent's centre must stay in
 * the free set {@code F = [lo, hi]^2 \ ((wx0, wx1) x ((-inf, gy0) u (gy1, inf)))} with
 * {@code lo = t + r}, {@code hi = 1 - t - r}, {@code wx0,1 = 0.5 -+ (t / 2 + r)} and
 * {@code gy0,1 = 0.5 -+ (d / 2 - r)}, i.e. the walls inflated by {@code r} as axis-aligned boxes
 * (for collisions the disc counts as its bounding square, so it never overlaps a wall; near the
 * door's corners this is slightly conservative). {@code F} is closed: touching a wall is allowed.
 *
 * <p>{@link #step}: the action is clipped to {@code [-1, 1]^2}, the displacement is
 * {@code action * maxStep}. The agent moves along the displacement until the first contact with
 * the boundary of {@code F} (swept, so it can never tunnel through the middle wall), stops there,
 * drops the blocked component of the remaining displacement and continues with the other one:
 * it <b>slides</b> along walls. Contact coordinates are set exactly to the wall face, so the
 * result is a pure function of (position, action), bit for bit.
 *
 * <p>Rendering ({@link #render}): {@code 3 x S x S} floats in {@code [0, 1]}, channel-major;
 * pixel {@code (row, col)} samples the world at {@code ((col + 0.5) / S, (row + 0.5) / S)}. Floor
 * gray {@value #FLOOR}, walls gray {@value #WALL} (hard edges), agent pure red blended over the
 * gray with coverage {@code alpha = clamp((r - dist) S + 0.5, 0, 1)} (a one-pixel linear edge, so
 * sub-pixel positions are visible). Because the static scene is gray, {@code alpha = R - G}
 * exactly at every pixel, which makes the agent's position recoverable from a frame
 * ({@link #locate}).
 *
 * <p>Not thread-safe (one mutable position); create one environment per thread.
 */
public final class RoomEnv {
    /** Dimension of an action. */
    public static final int ACTION_DIM = 2;
    /** Floor gray level. */
    public static final float FLOOR = 0.1f;
    /** Wall gray level. */
    public static final float WALL = 0.6f;

    private final RoomConfig config;
    private final int size;
    private final double lo, hi, wx0, wx1, gy0, gy1;
    /** The static scene (floor and walls), 3 x S x S. */
    private final float[] background;
    private double x, y;

    public RoomEnv(RoomConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("RoomEnv needs a RoomConfig");
        }
        this.config = config;
        this.size = config.imageSize();
        double t = config.wallThickness(), r = config.agentRadius(), d = config.doorWidth();
        lo = t + r;
        hi = 1 - t - r;
        wx0 = 0.5 - t / 2 - r;
        wx1 = 0.5 + t / 2 + r;
        gy0 = 0.5 - d / 2 + r;
        gy1 = 0.5 + d / 2 - r;
        background = new float[3 * size * size];
        int plane = size * size;
        for (int row = 0; row < size; row++) {
            double py = (row + 0.5) / size;
            for (int col = 0; col < size; col++) {
                double px = (col + 0.5) / size;
                float v = inWall(px, py) ? WALL : FLOOR;
                int o = row * size + col;
                background[o] = v;
                background[plane + o] = v;
                background[2 * plane + o] = v;
            }
        }
        // A valid start: the centre of the left room.
        x = 0.25;
        y = 0.5;
    }

    public RoomConfig config() {
        return config;
    }

    /** Number of image channels (3, RGB). */
    public int channels() {
        return 3;
    }

    /** Image side S in pixels. */
    public int imageSize() {
        return size;
    }

    /** Whether world point {@code (px, py)} lies in a wall (not inflated; used for rendering). */
    public boolean inWall(double px, double py) {
        double t = config.wallThickness(), d = config.doorWidth();
        if (px < t || px > 1 - t || py < t || py > 1 - t) {
            return true;
        }
        return Math.abs(px - 0.5) <= t / 2 && Math.abs(py - 0.5) >= d / 2;
    }

    /** Whether the agent's centre may be at {@code (px, py)} (the closed free set F). */
    public boolean isFree(double px, double py) {
        if (!(px >= lo && px <= hi && py >= lo && py <= hi)) { // also rejects NaN
            return false;
        }
        return !(px > wx0 && px < wx1 && (py < gy0 || py > gy1));
    }

    /** Free-set bounds of the agent's centre: {@code {lo, hi, wx0, wx1, gy0, gy1}} (see the class doc). */
    public double[] freeSetBounds() {
        return new double[] {lo, hi, wx0, wx1, gy0, gy1};
    }

    /** Puts the agent at {@code (px, py)}; the position must be free. */
    public void reset(double px, double py) {
        if (!isFree(px, py)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "reset position (%s, %s) is out of bounds or inside a wall (the agent's centre needs x, y in [%s, %s]"
                            + " and, within x in (%s, %s), y in [%s, %s])", px, py, lo, hi, wx0, wx1, gy0, gy1));
        }
        x = px;
        y = py;
    }

    /** The agent's position {x, y} (a copy). */
    public double[] position() {
        return new double[] {x, y};
    }

    /** Room of point {@code (px, py)}: 0 left ({@code x < 0.5}), 1 right. */
    public int room(double px, double py) {
        return px < 0.5 ? 0 : 1;
    }

    /** Room of the agent. */
    public int room() {
        return room(x, y);
    }

    /** A uniformly random free position (rejection sampling over the inner square). */
    public double[] randomFreePosition(Random rng) {
        while (true) {
            double px = lo + rng.nextDouble() * (hi - lo);
            double py = lo + rng.nextDouble() * (hi - lo);
            if (isFree(px, py)) {
                return new double[] {px, py};
            }
        }
    }

    /**
     * Applies action {@code (ax, ay)} (each clipped to {@code [-1, 1]}) and returns the new
     * position; see the class doc for the sliding collisions.
     */
    public double[] step(double ax, double ay) {
        if (Double.isNaN(ax) || Double.isNaN(ay)) {
            throw new IllegalArgumentException("action must not be NaN, got (" + ax + ", " + ay + ")");
        }
        double s = config.maxStep();
        double[] p = move(x, y, clip(ax) * s, clip(ay) * s);
        x = p[0];
        y = p[1];
        return p;
    }

    /** The position reached from {@code (px, py)} with action {@code (ax, ay)}, without moving the agent. */
    public double[] peek(double px, double py, double ax, double ay) {
        if (!isFree(px, py)) {
            throw new IllegalArgumentException("peek from a non-free position (" + px + ", " + py + ")");
        }
        double s = config.maxStep();
        return move(px, py, clip(ax) * s, clip(ay) * s);
    }

    static double clip(double a) {
        return a < -1 ? -1 : (a > 1 ? 1 : a);
    }

    /** Swept move with sliding; {@code (px, py)} must be free. */
    private double[] move(double px, double py, double dx, double dy) {
        for (int iter = 0; iter < 3 && (dx != 0 || dy != 0); iter++) {
            double tHit = 1;
            int axis = -1; // 0: x blocked, 1: y blocked
            double face = 0;
            // Outer box [lo, hi]^2: the point is inside, so exit times are >= 0.
            if (dx > 0 && (hi - px) / dx < tHit) {
                tHit = (hi - px) / dx;
                axis = 0;
                face = hi;
            } else if (dx < 0 && (lo - px) / dx < tHit) {
                tHit = (lo - px) / dx;
                axis = 0;
                face = lo;
            }
            if (dy > 0 && (hi - py) / dy < tHit) {
                tHit = (hi - py) / dy;
                axis = 1;
                face = hi;
            } else if (dy < 0 && (lo - py) / dy < tHit) {
                tHit = (lo - py) / dy;
                axis = 1;
                face = lo;
            }
            // The two open blocks of the inflated middle wall (y bounded by the outer box anyway).
            for (int k = 0; k < 2; k++) {
                double y0 = k == 0 ? Double.NEGATIVE_INFINITY : gy1;
                double y1 = k == 0 ? gy0 : Double.POSITIVE_INFINITY;
                double[] hit = entry(px, py, dx, dy, wx0, wx1, y0, y1);
                if (hit != null && hit[0] < tHit) {
                    tHit = hit[0];
                    axis = (int) hit[1];
                    face = hit[2];
                }
            }
            double nx = axis == 0 ? face : (tHit == 1 ? px + dx : px + tHit * dx);
            double ny = axis == 1 ? face : (tHit == 1 ? py + dy : py + tHit * dy);
            if (!isFree(nx, ny)) {
                break; // rounding at an exact corner tie: stay put rather than enter a wall
            }
            px = nx;
            py = ny;
            if (axis < 0) {
                break;
            }
            double rest = 1 - tHit;
            dx = axis == 0 ? 0 : dx * rest;
            dy = axis == 1 ? 0 : dy * rest;
        }
        return new double[] {px, py};
    }

    /**
     * First time {@code t in [0, 1]} at which the segment {@code p + t d} enters the open box
     * {@code (x0, x1) x (y0, y1)} from outside: {@code {t, blocked axis, face coordinate}}, or
     * null when it does not enter.
     */
    private static double[] entry(double px, double py, double dx, double dy, double x0, double x1, double y0, double y1) {
        double txIn, txOut, tyIn, tyOut;
        double fx = 0, fy = 0;
        if (dx > 0) {
            txIn = (x0 - px) / dx;
            txOut = (x1 - px) / dx;
            fx = x0;
        } else if (dx < 0) {
            txIn = (x1 - px) / dx;
            txOut = (x0 - px) / dx;
            fx = x1;
        } else if (px > x0 && px < x1) {
            txIn = Double.NEGATIVE_INFINITY;
            txOut = Double.POSITIVE_INFINITY;
        } else {
            return null;
        }
        if (dy > 0) {
            tyIn = (y0 - py) / dy;
            tyOut = (y1 - py) / dy;
            fy = y0;
        } else if (dy < 0) {
            tyIn = (y1 - py) / dy;
            tyOut = (y0 - py) / dy;
            fy = y1;
        } else if (py > y0 && py < y1) {
            tyIn = Double.NEGATIVE_INFINITY;
            tyOut = Double.POSITIVE_INFINITY;
        } else {
            return null;
        }
        double tIn = Math.max(txIn, tyIn), tOut = Math.min(txOut, tyOut);
        if (!(tIn < tOut) || tIn > 1 || tOut <= 0 || tIn < 0) {
            return null;
        }
        return txIn >= tyIn ? new double[] {tIn, 0, fx} : new double[] {tIn, 1, fy};
    }

    /** Renders the current state into {@code dst[offset ..]}, {@code 3 x S x S} floats (see the class doc). */
    public void render(float[] dst, int offset) {
        render(x, y, dst, offset);
    }

    /** Renders the agent at {@code (px, py)} (any point; not checked) into {@code dst[offset ..]}. */
    public void render(double px, double py, float[] dst, int offset) {
        int n = background.length;
        if (dst == null || offset < 0 || offset > dst.length - n) {
            throw new IllegalArgumentException("render needs " + n + " floats from offset " + offset + ", got an array of "
                    + (dst == null ? "null" : dst.length));
        }
        System.arraycopy(background, 0, dst, offset, n);
        int plane = size * size;
        double r = config.agentRadius();
        double cx = px * size - 0.5, cy = py * size - 0.5; // centre in pixel-index coordinates
        double rp = r * size;
        int r0 = Math.max(0, (int) Math.floor(cy - rp - 1)), r1 = Math.min(size - 1, (int) Math.ceil(cy + rp + 1));
        int c0 = Math.max(0, (int) Math.floor(cx - rp - 1)), c1 = Math.min(size - 1, (int) Math.ceil(cx + rp + 1));
        for (int row = r0; row <= r1; row++) {
            for (int col = c0; col <= c1; col++) {
                double ddx = col - cx, ddy = row - cy;
                double a = rp - Math.sqrt(ddx * ddx + ddy * ddy) + 0.5;
                if (a <= 0) {
                    continue;
                }
                float alpha = (float) Math.min(1, a);
                int o = offset + row * size + col;
                float g = dst[o];
                dst[o] = g + alpha * (1 - g);
                dst[plane + o] = g - alpha * g;
                dst[2 * plane + o] = g - alpha * g;
            }
        }
    }

    /** A new {@code 3 x S x S} rendering of the current state. */
    public float[] render() {
        float[] f = new float[background.length];
        render(f, 0);
        return f;
    }

    /**
     * The agent's position estimated from a rendered frame {@code frame[offset ..]}
     * ({@code 3 x S x S}, as {@link #render} writes): the coverage-weighted centroid with
     * {@code alpha = R - G}, in room units; {@code {NaN, NaN}} if no agent pixel is visible.
     * Accurate to a small fraction of a pixel for frames from {@link #render}.
     */
    public double[] locate(float[] frame, int offset) {
        int plane = size * size;
        double sw = 0, sx = 0, sy = 0;
        for (int row = 0; row < size; row++) {
            for (int col = 0; col < size; col++) {
                int o = offset + row * size + col;
                double a = frame[o] - frame[plane + o];
                if (a > 1e-3) {
                    sw += a;
                    sx += a * (col + 0.5);
                    sy += a * (row + 0.5);
                }
            }
        }
        if (sw == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        return new double[] {sx / sw / size, sy / sw / size};
    }

    /** A copy of the static scene (floor and walls), {@code 3 x S x S}. */
    public float[] background() {
        return Arrays.copyOf(background, background.length);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "RoomEnv[%s, agent at (%.4f, %.4f)]", config, x, y);
    }
}
