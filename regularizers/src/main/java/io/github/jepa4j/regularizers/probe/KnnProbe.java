package io.github.jepa4j.regularizers.probe;

import io.github.jepa4j.core.tensor.Gemm;
import io.github.jepa4j.regularizers.Embeddings;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Weighted k-nearest-neighbour classifier on frozen features, as DINO's kNN evaluation (Caron et
 * al., "Emerging Properties in Self-Supervised Vision Transformers", ICCV 2021; Wu et al. 2018):
 * rows are L2-normalised, the {@code k} training rows with the highest cosine similarity
 * {@code s} vote for their class with weight {@code exp(s / T)}, and the class with the largest
 * total wins (ties: the lowest class).
 *
 * <p>Defaults: {@code k = 20}, {@code T = 0.07} (DINO). Similarities are computed in double with
 * one matrix product per block of 512 query rows; the neighbours are chosen in Java (ties in
 * similarity: the lower training index first), so results are deterministic. When
 * {@code k > N_train} all training rows vote.
 */
public final class KnnProbe {
    public static final int DEFAULT_K = 20;
    public static final double DEFAULT_TEMPERATURE = 0.07;

    private static final String OWNER = "KnnProbe";
    private static final int BLOCK = 512;

    private final int k;
    private final double temperature;
    private INDArray train;
    private int[] labels;
    private int classes;

    /** k = 20, T = 0.07. */
    public KnnProbe() {
        this(DEFAULT_K, DEFAULT_TEMPERATURE);
    }

    public KnnProbe(int k, double temperature) {
        if (k < 1) {
            throw new IllegalArgumentException(OWNER + ": k must be >= 1, got " + k);
        }
        if (!(temperature > 0) || !Double.isFinite(temperature)) {
            throw new IllegalArgumentException(OWNER + ": temperature must be finite and > 0, got " + temperature);
        }
        this.k = k;
        this.temperature = temperature;
    }

    /** Stores the L2-normalised training features {@code x [N, D]} and their labels. */
    public KnnProbe fit(INDArray x, int[] labels) {
        INDArray m = Embeddings.requireMatrix(OWNER, "x", x, 1, "");
        ProbeData.labels(OWNER, labels, m.size(0), 0);
        this.train = normalised(m);
        this.labels = labels.clone();
        this.classes = ProbeData.classesOf(labels);
        return this;
    }

    /** The voted class of each row of {@code x [N, D]}. */
    public int[] predict(INDArray x) {
        if (train == null) {
            throw new IllegalStateException(OWNER + ": call fit before predicting");
        }
        ProbeData.requireWidth(OWNER, x, train.size(1));
        INDArray q = normalised(Embeddings.requireMatrix(OWNER, "x", x, 1, ""));
        int n = (int) q.size(0);
        int nt = (int) train.size(0);
        int kk = Math.min(k, nt);
        int[] out = new int[n];
        int[] idx = new int[kk];
        double[] sim = new double[kk];
        double[] votes = new double[classes];
        // One similarity block reused (and freed at the end): a fresh [512, N] block per step
        // would leave GBs of native memory to the garbage collector on a 60k-image index.
        INDArray block = Nd4j.createUninitialized(DataType.DOUBLE, Math.min(BLOCK, n), nt);
        for (int from = 0; from < n; from += BLOCK) {
            int to = Math.min(n, from + BLOCK);
            INDArray s = to - from == block.size(0) ? block
                    : block.get(NDArrayIndex.interval(0, to - from), NDArrayIndex.all());
            Gemm.mm(q.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()), train, s, false, true);
            double[] all = block.data().asDouble();   // rows past to - from are stale and unread
            for (int r = 0; r < to - from; r++) {
                int found = topK(all, r * nt, nt, kk, idx, sim);
                java.util.Arrays.fill(votes, 0.0);
                for (int j = 0; j < found; j++) {
                    votes[labels[idx[j]]] += Math.exp((sim[j] - 1.0) / temperature);   // exp(s/T) up to a common factor
                }
                int best = 0;
                for (int c = 1; c < classes; c++) {
                    if (votes[c] > votes[best]) {
                        best = c;
                    }
                }
                out[from + r] = best;
            }
        }
        block.close();
        return out;
    }

    /** Fraction of rows of {@code x} whose voted class equals the label. */
    public double accuracy(INDArray x, int[] labels) {
        ProbeData.labels(OWNER, labels, x == null ? -1 : x.size(0), 0);
        return ProbeData.accuracy(predict(x), labels);
    }

    public int k() {
        return k;
    }

    public double temperature() {
        return temperature;
    }

    /** The {@code kk} largest of {@code v[off .. off+len)}, descending (ties: lower index first), by insertion. */
    private static int topK(double[] v, int off, int len, int kk, int[] idx, double[] sim) {
        int found = 0;
        for (int i = 0; i < len; i++) {
            double x = v[off + i];
            if (found == kk && !(x > sim[kk - 1])) {
                continue;
            }
            int pos = found < kk ? found++ : kk - 1;
            while (pos > 0 && x > sim[pos - 1]) {
                sim[pos] = sim[pos - 1];
                idx[pos] = idx[pos - 1];
                pos--;
            }
            sim[pos] = x;
            idx[pos] = i;
        }
        return found;
    }

    private static INDArray normalised(INDArray m) {
        INDArray d = m.castTo(DataType.DOUBLE).dup('c');
        INDArray norms = Transforms.max(d.norm2(1), 1e-12, false);
        return d.diviColumnVector(norms);
    }
}
