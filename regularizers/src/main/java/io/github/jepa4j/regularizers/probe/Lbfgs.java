package io.github.jepa4j.regularizers.probe;

/**
 * Limited-memory BFGS (Nocedal and Wright, "Numerical Optimization", algorithm 7.4 / 7.5) with a
 * backtracking Armijo line search, for the small smooth convex problems of the probes. Plain
 * Java, deterministic.
 */
final class Lbfgs {
    /** {@code f(w)}, writing {@code df/dw} into {@code grad}. */
    @FunctionalInterface
    interface Objective {
        double valueAndGradient(double[] w, double[] grad);
    }

    /** Where it stopped: the minimiser, its value and the iterations taken. */
    record Result(double[] x, double value, int iterations) {}

    private static final int MEMORY = 10;
    private static final double ARMIJO = 1e-4;

    private Lbfgs() {}

    /**
     * Minimises {@code f} from {@code x0} until the largest gradient entry is at most
     * {@code gradTol}, the value stops decreasing (relative change below 1e-12), the line search
     * fails, or {@code maxIter} iterations.
     */
    static Result minimize(Objective f, double[] x0, int maxIter, double gradTol) {
        int n = x0.length;
        double[] x = x0.clone();
        double[] g = new double[n];
        double fx = f.valueAndGradient(x, g);
        double[][] s = new double[MEMORY][];
        double[][] y = new double[MEMORY][];
        double[] rho = new double[MEMORY];
        double[] alpha = new double[MEMORY];
        int stored = 0;
        int newest = -1;
        int iter = 0;
        double[] xn = new double[n];
        double[] gn = new double[n];
        while (iter < maxIter && normInf(g) > gradTol) {
            // Two-loop recursion: d = -H g.
            double[] r = g.clone();
            for (int j = 0; j < stored; j++) {
                int i = Math.floorMod(newest - j, MEMORY);
                alpha[i] = rho[i] * dot(s[i], r);
                axpy(-alpha[i], y[i], r);
            }
            double gamma = stored > 0 ? dot(s[newest], y[newest]) / dot(y[newest], y[newest]) : 1.0 / Math.max(1.0, norm2(g));
            scale(r, gamma);
            for (int j = stored - 1; j >= 0; j--) {
                int i = Math.floorMod(newest - j, MEMORY);
                double beta = rho[i] * dot(y[i], r);
                axpy(alpha[i] - beta, s[i], r);
            }
            double[] d = r;
            scale(d, -1);
            double dg = dot(d, g);
            if (!(dg < 0)) {                                       // not a descent direction: restart
                d = g.clone();
                scale(d, -1.0 / Math.max(1.0, norm2(g)));
                dg = dot(d, g);
                stored = 0;
            }
            double t = 1.0;
            double fn = Double.NaN;
            boolean accepted = false;
            for (int ls = 0; ls < 50; ls++) {
                for (int k = 0; k < n; k++) {
                    xn[k] = x[k] + t * d[k];
                }
                fn = f.valueAndGradient(xn, gn);
                if (fn <= fx + ARMIJO * t * dg) {
                    accepted = true;
                    break;
                }
                t *= 0.5;
            }
            iter++;
            if (!accepted) {
                break;
            }
            double[] sk = new double[n];
            double[] yk = new double[n];
            for (int k = 0; k < n; k++) {
                sk[k] = xn[k] - x[k];
                yk[k] = gn[k] - g[k];
            }
            double sy = dot(sk, yk);
            if (sy > 1e-12 * dot(yk, yk)) {                       // keep the inverse Hessian positive definite
                newest = (newest + 1) % MEMORY;
                s[newest] = sk;
                y[newest] = yk;
                rho[newest] = 1.0 / sy;
                stored = Math.min(stored + 1, MEMORY);
            }
            double decrease = fx - fn;
            System.arraycopy(xn, 0, x, 0, n);
            System.arraycopy(gn, 0, g, 0, n);
            fx = fn;
            if (decrease <= 1e-12 * Math.max(1.0, Math.abs(fx))) {
                break;
            }
        }
        return new Result(x, fx, iter);
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += a * x[i];
        }
    }

    private static void scale(double[] x, double a) {
        for (int i = 0; i < x.length; i++) {
            x[i] *= a;
        }
    }

    private static double norm2(double[] x) {
        return Math.sqrt(dot(x, x));
    }

    private static double normInf(double[] x) {
        double m = 0;
        for (double v : x) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
