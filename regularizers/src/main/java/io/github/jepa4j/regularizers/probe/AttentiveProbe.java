package io.github.jepa4j.regularizers.probe;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Attentive probe: a learned query cross-attends over frozen token features {@code [N, T, D]}
 * and a linear layer reads the pooled result (the attentive-pooling evaluation of V-JEPA, Bardes
 * et al. 2024, reduced to one cross-attention block without MLP). For classification (softmax
 * cross-entropy, accuracy) or regression (mean squared error on standardised targets, R²).
 *
 * <p>Model, per example with standardised tokens {@code x_t} (per-dimension mean/std of the
 * training tokens) and heads {@code h = 1..H}:
 *
 * <pre>
 *   s_ht = u_h . x_t,   A_ht = softmax_t(s_ht),   p_h = sum_t A_ht x_t,   out = c + sum_h M_h p_h
 * </pre>
 *
 * This is a cross-attention block with one learned query {@code q} followed by a linear layer,
 * written in its reduced form: with frozen inputs, {@code q_h^T W_k,h x / sqrt(d_h) = u_h . x}
 * with {@code u_h = W_k,h^T q_h / sqrt(d_h)} (the key bias is the same for every token and
 * cancels in the softmax), and the value and output maps compose into one matrix
 * {@code M_h = W_out,h W_v,h} ({@code [K, D]}; the value bias folds into {@code c}). So the probe
 * learns {@code u [H, D]}, {@code M [H, K, D]} and {@code c [K]} directly: the same functions
 * (up to the rank of {@code M_h}) without any {@code D x D} projection, in plain Java doubles.
 *
 * <p>Any number of tokens per example works at prediction time (attention normalises over them).
 *
 * <p>Training: AdamW (betas 0.9/0.999, eps 1e-8, decoupled weight decay on {@code u} and
 * {@code M}), constant learning rate, minibatches shuffled per epoch; {@code u} starts small
 * (near-uniform attention, i.e. mean pooling), {@code M} small random. Everything derives from the
 * config's seed, so fits are deterministic. See {@link AttentiveProbeConfig#defaults()}.
 */
public final class AttentiveProbe {
    private static final String OWNER = "AttentiveProbe";
    private static final int PREDICT_BLOCK = 256;

    private final AttentiveProbeConfig config;
    private int dim;
    private int outputs;
    private boolean classifier;
    private double[] mean;
    private double[] std;
    private double[] yMean;
    private double[] yStd;
    private double[] u;      // [H, D]
    private double[] m;      // [H, K, D]
    private double[] c;      // [K]
    private double[] epochLoss;

    public AttentiveProbe() {
        this(AttentiveProbeConfig.defaults());
    }

    public AttentiveProbe(AttentiveProbeConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    public AttentiveProbeConfig config() {
        return config;
    }

    /** Trains a classifier on tokens {@code [N, T, D]} with labels in {@code [0, C)}, {@code C = max + 1 >= 2}. */
    public AttentiveProbe fitClassifier(INDArray x, int[] labels) {
        checkTokens(x, 2);
        ProbeData.labels(OWNER, labels, x.size(0), 0);
        int classes = ProbeData.classesOf(labels);
        if (classes < 2) {
            throw new IllegalArgumentException(OWNER + ": needs at least 2 classes, got labels " + Arrays.toString(labels));
        }
        double[][] y = new double[labels.length][classes];
        for (int i = 0; i < labels.length; i++) {
            y[i][labels[i]] = 1;
        }
        fit(x, y, true);
        return this;
    }

    /** Trains a regressor on tokens {@code [N, T, D]} and targets {@code [N, K]} (or {@code [N]}). */
    public AttentiveProbe fitRegressor(INDArray x, INDArray targets) {
        checkTokens(x, 2);
        fit(x, targets(targets, x.size(0)), false);
        return this;
    }

    /** Outputs {@code [N, K]}: class logits for a classifier, targets in their units for a regressor. */
    public double[][] predictOutputs(INDArray x) {
        requireFitted();
        checkTokens(x, 1);
        ProbeData.requireWidth(OWNER, x, dim);
        int n = (int) x.size(0);
        int t = (int) x.size(1);
        double[][] out = new double[n][];
        Work w = new Work(config.heads(), t, dim, outputs);
        INDArray flat = flat(x);
        for (int from = 0; from < n; from += PREDICT_BLOCK) {
            int to = Math.min(n, from + PREDICT_BLOCK);
            double[] block = rows(flat, from, to);
            for (int i = from; i < to; i++) {
                int off = (i - from) * t * dim;
                standardiseInPlace(block, off, t);
                forward(block, off, t, w);
                double[] o = w.out.clone();
                if (!classifier) {
                    for (int k = 0; k < outputs; k++) {
                        o[k] = o[k] * yStd[k] + yMean[k];
                    }
                }
                out[i] = o;
            }
        }
        return out;
    }

    /** The predicted class of each example (classifier only). */
    public int[] predict(INDArray x) {
        requireClassifier(true);
        double[][] o = predictOutputs(x);
        int[] out = new int[o.length];
        for (int i = 0; i < o.length; i++) {
            for (int k = 1; k < outputs; k++) {
                if (o[i][k] > o[i][out[i]]) {
                    out[i] = k;
                }
            }
        }
        return out;
    }

    /** Classification accuracy on {@code x [N, T, D]}. */
    public double accuracy(INDArray x, int[] labels) {
        requireClassifier(true);
        ProbeData.labels(OWNER, labels, x == null ? -1 : x.size(0), 0);
        return ProbeData.accuracy(predict(x), labels);
    }

    /** R² per target column (regressor only). */
    public double[] r2(INDArray x, INDArray targets) {
        requireClassifier(false);
        double[][] pred = predictOutputs(x);
        return ProbeData.r2(targets(targets, x.size(0)), pred);
    }

    /** The attention weights {@code [N][H][T]} of each example. */
    public double[][][] attention(INDArray x) {
        requireFitted();
        checkTokens(x, 1);
        ProbeData.requireWidth(OWNER, x, dim);
        int n = (int) x.size(0);
        int t = (int) x.size(1);
        double[][][] out = new double[n][config.heads()][];
        Work w = new Work(config.heads(), t, dim, outputs);
        double[] all = rows(flat(x), 0, n);
        for (int i = 0; i < n; i++) {
            standardiseInPlace(all, i * t * dim, t);
            forward(all, i * t * dim, t, w);
            for (int h = 0; h < config.heads(); h++) {
                out[i][h] = Arrays.copyOfRange(w.att, h * t, (h + 1) * t);
            }
        }
        return out;
    }

    /** Mean training loss of each epoch (cross-entropy, or MSE on standardised targets). */
    public double[] epochLoss() {
        return epochLoss == null ? new double[0] : epochLoss.clone();
    }

    private void fit(INDArray x, double[][] y, boolean isClassifier) {
        int n = (int) x.size(0);
        int t = (int) x.size(1);
        int d = (int) x.size(2);
        int k = y[0].length;
        int heads = config.heads();
        this.dim = d;
        this.outputs = k;
        this.classifier = isClassifier;
        INDArray flat = flat(x);
        tokenStatistics(flat, n, t, d);
        if (!isClassifier) {
            double[][] st = ProbeData.standardisation(y);
            yMean = st[0];
            yStd = st[1];
            y = ProbeData.standardise(copy(y), yMean, yStd);
        }
        SplittableRandom rng = new SplittableRandom(config.seed());
        u = new double[heads * d];
        m = new double[heads * k * d];
        c = new double[k];
        for (int i = 0; i < u.length; i++) {
            u[i] = 0.01 * gaussian(rng);
        }
        double mScale = 0.1 / Math.sqrt((double) heads * d);
        for (int i = 0; i < m.length; i++) {
            m[i] = mScale * gaussian(rng);
        }
        double[] gu = new double[u.length];
        double[] gm = new double[m.length];
        double[] gc = new double[k];
        Adam adamU = new Adam(u.length);
        Adam adamM = new Adam(m.length);
        Adam adamC = new Adam(k);
        Work w = new Work(heads, t, d, k);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        epochLoss = new double[config.epochs()];
        int bs = Math.min(config.batchSize(), n);
        // All tokens on the heap once, and one reused batch buffer: a gathered array per batch (native
        // INDArray plus heap copy) made RSS climb by GBs over the epochs until a GC released them.
        int row = t * d;
        double[] all = rows(flat, 0, n);
        double[] batch = new double[bs * row];
        for (int epoch = 0; epoch < config.epochs(); epoch++) {
            SplittableRandom shuffle = new SplittableRandom(config.seed() * 31 + epoch + 1);
            for (int i = n - 1; i > 0; i--) {
                int j = shuffle.nextInt(i + 1);
                int tmp = order[i];
                order[i] = order[j];
                order[j] = tmp;
            }
            double total = 0;
            for (int from = 0; from < n; from += bs) {
                int to = Math.min(n, from + bs);
                int b = to - from;
                for (int i = 0; i < b; i++) {
                    System.arraycopy(all, order[from + i] * row, batch, i * row, row);
                }
                Arrays.fill(gu, 0);
                Arrays.fill(gm, 0);
                Arrays.fill(gc, 0);
                for (int i = 0; i < b; i++) {
                    int off = i * row;
                    standardiseInPlace(batch, off, t);
                    forward(batch, off, t, w);
                    total += lossAndGradient(w, y[order[from + i]], 1.0 / b);
                    backward(batch, off, t, w, gu, gm, gc);
                }
                adamU.step(u, gu, config.lr(), config.weightDecay());
                adamM.step(m, gm, config.lr(), config.weightDecay());
                adamC.step(c, gc, config.lr(), 0);
            }
            epochLoss[epoch] = total / n;
        }
    }

    /**
     * The mean loss over all of {@code x} with targets {@code y} (one-hot rows for a classifier,
     * standardised targets for a regressor) at the current parameters, adding its gradients into
     * {@code gu, gm, gc}. For gradient checks.
     */
    double objective(INDArray x, double[][] y, double[] gu, double[] gm, double[] gc) {
        int n = (int) x.size(0);
        int t = (int) x.size(1);
        double[] all = rows(flat(x), 0, n);
        Work w = new Work(config.heads(), t, dim, outputs);
        double total = 0;
        for (int i = 0; i < n; i++) {
            standardiseInPlace(all, i * t * dim, t);
            forward(all, i * t * dim, t, w);
            total += lossAndGradient(w, y[i], 1.0 / n);
            backward(all, i * t * dim, t, w, gu, gm, gc);
        }
        return total / n;
    }

    /** The live parameter arrays {@code u [H*D]}, {@code M [H*K*D]}, {@code c [K]}, for gradient checks. */
    double[][] parameters() {
        return new double[][] {u, m, c};
    }

    /** Scratch of one example: scores/attention [H, T], pooled [H, D], outputs and their gradients. */
    private static final class Work {
        final double[] att;
        final double[] pooled;
        final double[] out;
        final double[] gOut;
        final double[] gPooled;
        final double[] gAtt;

        Work(int heads, int t, int d, int k) {
            att = new double[heads * t];
            pooled = new double[heads * d];
            out = new double[k];
            gOut = new double[k];
            gPooled = new double[heads * d];
            gAtt = new double[t];
        }
    }

    private void forward(double[] x, int off, int t, Work w) {
        int d = dim;
        int k = outputs;
        for (int h = 0; h < config.heads(); h++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int s = 0; s < t; s++) {
                double v = 0;
                int xo = off + s * d;
                for (int j = 0; j < d; j++) {
                    v += u[h * d + j] * x[xo + j];
                }
                w.att[h * t + s] = v;
                max = Math.max(max, v);
            }
            double sum = 0;
            for (int s = 0; s < t; s++) {
                double e = Math.exp(w.att[h * t + s] - max);
                w.att[h * t + s] = e;
                sum += e;
            }
            Arrays.fill(w.pooled, h * d, (h + 1) * d, 0.0);
            for (int s = 0; s < t; s++) {
                double a = w.att[h * t + s] / sum;
                w.att[h * t + s] = a;
                int xo = off + s * d;
                for (int j = 0; j < d; j++) {
                    w.pooled[h * d + j] += a * x[xo + j];
                }
            }
        }
        for (int o = 0; o < k; o++) {
            double v = c[o];
            for (int h = 0; h < config.heads(); h++) {
                int mo = (h * k + o) * d;
                for (int j = 0; j < d; j++) {
                    v += m[mo + j] * w.pooled[h * d + j];
                }
            }
            w.out[o] = v;
        }
    }

    /** Loss of one example; writes {@code scale * d loss / d out} into {@code w.gOut}. */
    private double lossAndGradient(Work w, double[] y, double scale) {
        int k = outputs;
        if (classifier) {
            double max = Double.NEGATIVE_INFINITY;
            for (double v : w.out) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (int o = 0; o < k; o++) {
                sum += Math.exp(w.out[o] - max);
            }
            double loss = Math.log(sum) + max;
            for (int o = 0; o < k; o++) {
                loss -= y[o] * w.out[o];
                w.gOut[o] = scale * (Math.exp(w.out[o] - max) / sum - y[o]);
            }
            return loss;
        }
        double loss = 0;
        for (int o = 0; o < k; o++) {
            double e = w.out[o] - y[o];
            loss += e * e / k;
            w.gOut[o] = scale * 2 * e / k;
        }
        return loss;
    }

    private void backward(double[] x, int off, int t, Work w, double[] gu, double[] gm, double[] gc) {
        int d = dim;
        int k = outputs;
        Arrays.fill(w.gPooled, 0.0);
        for (int o = 0; o < k; o++) {
            double g = w.gOut[o];
            gc[o] += g;
            for (int h = 0; h < config.heads(); h++) {
                int mo = (h * k + o) * d;
                for (int j = 0; j < d; j++) {
                    gm[mo + j] += g * w.pooled[h * d + j];
                    w.gPooled[h * d + j] += g * m[mo + j];
                }
            }
        }
        for (int h = 0; h < config.heads(); h++) {
            double mix = 0;
            for (int s = 0; s < t; s++) {
                double v = 0;
                int xo = off + s * d;
                for (int j = 0; j < d; j++) {
                    v += w.gPooled[h * d + j] * x[xo + j];
                }
                w.gAtt[s] = v;                                    // d loss / d A_hs
                mix += w.att[h * t + s] * v;
            }
            for (int s = 0; s < t; s++) {
                double ds = w.att[h * t + s] * (w.gAtt[s] - mix);  // softmax backward
                int xo = off + s * d;
                for (int j = 0; j < d; j++) {
                    gu[h * d + j] += ds * x[xo + j];
                }
            }
        }
    }

    /** AdamW state of one parameter group. */
    private static final class Adam {
        private final double[] m1;
        private final double[] m2;
        private long t;

        Adam(int n) {
            m1 = new double[n];
            m2 = new double[n];
        }

        void step(double[] p, double[] g, double lr, double wd) {
            t++;
            double c1 = 1 - Math.pow(0.9, t);
            double c2 = 1 - Math.pow(0.999, t);
            for (int i = 0; i < p.length; i++) {
                m1[i] = 0.9 * m1[i] + 0.1 * g[i];
                m2[i] = 0.999 * m2[i] + 0.001 * g[i] * g[i];
                p[i] -= lr * (wd * p[i] + (m1[i] / c1) / (Math.sqrt(m2[i] / c2) + 1e-8));
            }
        }
    }

    private void tokenStatistics(INDArray flat, int n, int t, int d) {
        INDArray tok = flat.reshape('c', (long) n * t, d);
        mean = tok.mean(0).data().asDouble();
        std = tok.std(false, 0).data().asDouble();
        for (int j = 0; j < d; j++) {
            if (!(std[j] > 1e-12)) {
                std[j] = 1.0;
            }
        }
    }

    private void standardiseInPlace(double[] x, int off, int t) {
        for (int s = 0; s < t; s++) {
            int xo = off + s * dim;
            for (int j = 0; j < dim; j++) {
                x[xo + j] = (x[xo + j] - mean[j]) / std[j];
            }
        }
    }

    /** {@code x [N, T, D]} as a c-order DOUBLE matrix {@code [N, T*D]}. */
    private static INDArray flat(INDArray x) {
        INDArray d = x.dataType() == DataType.DOUBLE ? x : x.castTo(DataType.DOUBLE);
        if (d.ordering() != 'c' || !org.nd4j.linalg.api.shape.Shape.hasDefaultStridesForShape(d)) {
            d = d.dup('c');
        }
        return d.reshape('c', d.size(0), d.size(1) * d.size(2));
    }

    private static double[] rows(INDArray flat, int from, int to) {
        return flat.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to), org.nd4j.linalg.indexing.NDArrayIndex.all())
                .dup('c').data().asDouble();
    }

    private static void checkTokens(INDArray x, int minRows) {
        if (x == null || x.rank() != 3) {
            throw new IllegalArgumentException(OWNER + ": tokens must be [N, T, D], got "
                    + (x == null ? "null" : Arrays.toString(x.shape())));
        }
        if (!x.dataType().isFPType()) {
            throw new IllegalArgumentException(OWNER + ": tokens must be floating point, got " + x.dataType());
        }
        if (x.size(0) < minRows || x.size(1) < 1 || x.size(2) < 1) {
            throw new IllegalArgumentException(OWNER + ": tokens " + Arrays.toString(x.shape()) + " need at least "
                    + minRows + " example(s), 1 token and 1 feature");
        }
        io.github.jepa4j.regularizers.Embeddings.requireFinite(OWNER, "tokens", x);
    }

    private static double[][] targets(INDArray y, long n) {
        if (y == null) {
            throw new IllegalArgumentException(OWNER + ": targets are null");
        }
        INDArray y2 = y.rank() == 1 ? y.reshape(y.length(), 1) : y;
        if (y2.rank() != 2 || y2.size(0) != n) {
            throw new IllegalArgumentException(OWNER + ": targets must be [N, K] or [N] with N = " + n + ", got "
                    + Arrays.toString(y.shape()));
        }
        return ProbeData.matrix(OWNER, "targets", y2, 1);
    }

    private static double[][] copy(double[][] a) {
        double[][] out = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].clone();
        }
        return out;
    }

    private static double gaussian(SplittableRandom rng) {
        return io.github.jepa4j.core.nn.Init.gaussian(rng);
    }

    private void requireFitted() {
        if (u == null) {
            throw new IllegalStateException(OWNER + ": call fitClassifier or fitRegressor before predicting");
        }
    }

    private void requireClassifier(boolean want) {
        requireFitted();
        if (classifier != want) {
            throw new IllegalStateException(OWNER + ": fitted as a " + (classifier ? "classifier" : "regressor")
                    + "; " + (want ? "accuracy/predict need a classifier" : "r2 needs a regressor"));
        }
    }
}
