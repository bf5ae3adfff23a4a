package io.github.jepa4j.benchmarks.step;

import io.github.jepa4j.core.model.PredictorConfig;
import io.github.jepa4j.core.model.VitConfig;
import io.github.jepa4j.core.optim.AdamW;
import io.github.jepa4j.core.task.MaskedBatch;
import io.github.jepa4j.core.task.MaskedJepaConfig;
import io.github.jepa4j.core.task.MaskedJepaTask;
import io.github.jepa4j.core.tensor.Gemm;
import io.github.jepa4j.core.train.BatchSource;
import io.github.jepa4j.core.train.StepContext;
import io.github.jepa4j.core.train.StepEvent;
import io.github.jepa4j.core.train.Trainer;
import io.github.jepa4j.core.train.TrainingListener;
import io.github.jepa4j.image.mask.MaskSet;
import io.github.jepa4j.image.mask.MultiBlockMaskCollator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Speed of one full I-JEPA training step of the reference model, printed as a table.
 *
 * <p>Reference model (issue #2): ViT D=128, depth 4, 4 heads, MLP 512 on 28x28x1 inputs with
 * patch 4 (49 tokens); predictor width 64, depth 2; 4 target blocks (I-JEPA scales); batch 64;
 * float32. A step = target forward + context forward + predictor + loss + backward + AdamW + EMA,
 * exactly what the trainer runs (data loading excluded: batches are pre-built). Reports the
 * median over the measured steps after warm-up, images/s, the achieved GFLOP/s (FLOPs of all
 * matrix products, counted from the shapes) and, measured in the same run, the GFLOP/s of a
 * plain ND4J sgemm of comparable size into a preallocated output.
 *
 * <p>Run: {@code benchmarks/run-step.sh [batch] [warmup] [steps] [rss-steps]}; with rss-steps > 0 it also
 * prints the process RSS over that many further steps.
 */
public final class StepBenchmark {
    private StepBenchmark() {}

    public static void main(String[] args) {
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int rssSteps = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        VitConfig enc = VitConfig.preset("ref", 1, 28, 28);
        PredictorConfig pred = PredictorConfig.forEncoder(enc, 64, 2, 2);
        MaskedJepaTask task = new MaskedJepaTask(MaskedJepaConfig.ijepa(enc, pred), DataType.FLOAT, 0);
        AdamW adam = new AdamW(task.trainable());
        MultiBlockMaskCollator masks = MultiBlockMaskCollator.builder(enc.gridH(), enc.gridW()).minKeep(4).seed(1).build();
        Nd4j.getRandom().setSeed(1);
        List<MaskedBatch> batches = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            MaskSet m = masks.sample(batch, i);
            batches.add(new MaskedBatch(Nd4j.rand(DataType.FLOAT, batch, 1, 28, 28), m.context(), m.targetBlocks(), null));
        }
        double[] ms = new double[steps];
        double flops = 0;
        for (int s = 0; s < warmup + steps; s++) {
            MaskedBatch b = batches.get(s % batches.size());
            StepContext ctx = new StepContext(s, warmup + steps, 100, 0);
            long t0 = System.nanoTime();
            task.trainable().zeroGrads();
            task.forwardBackward(b, ctx);
            adam.step(1e-4, 0.04);
            task.afterUpdate(ctx);
            long t1 = System.nanoTime();
            if (s >= warmup) {
                ms[s - warmup] = (t1 - t0) / 1e6;
                flops += stepFlops(enc, pred, b);
            }
        }
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        double median = sorted[steps / 2];
        double meanFlops = flops / steps;
        double gflops = meanFlops / (median / 1e3) / 1e9;
        double sgemm = sgemmGflops();
        System.out.println();
        System.out.println("| model | batch | median ms/step | p10-p90 ms | images/s | GFLOP/step | achieved GFLOP/s | sgemm GFLOP/s | % of sgemm |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        System.out.printf(Locale.ROOT, "| ViT ref (D128 d4 h4, 49 tok) + pred 64x2 | %d | %.1f | %.0f-%.0f | %.0f | %.2f | %.1f | %.1f | %.0f%% |%n",
                batch, median, sorted[steps / 10], sorted[steps * 9 / 10], batch / (median / 1e3), meanFlops / 1e9, gflops, sgemm,
                100 * gflops / sgemm);
        if (rssSteps > 0) {
            // Memory over a longer run through the real Trainer (per-step workspace): RSS must stay flat
            // once buffers are warm. Java heap committed is shown apart, as it is part of RSS.
            System.out.println();
            System.out.println("| steps | RSS MB | Java heap committed MB | native (RSS - heap) MB |");
            System.out.println("|---|---|---|---|");
            BatchSource<MaskedBatch> source = new BatchSource<>() {
                @Override
                public MaskedBatch next(long step) {
                    return batches.get((int) (step % batches.size()));
                }

                @Override
                public long stepsPerEpoch() {
                    return batches.size();
                }
            };
            int every = Math.max(1, rssSteps / 10);
            try (Trainer<MaskedBatch> t = Trainer.builder(task, source).totalSteps(rssSteps).listener(new TrainingListener() {
                @Override
                public void onStepEnd(StepEvent e) {
                    if ((e.step() + 1) % every == 0) {
                        double rss = rssMb();
                        double heap = Runtime.getRuntime().totalMemory() / 1048576.0;
                        System.out.printf(Locale.ROOT, "| %d | %.0f | %.0f | %.0f |%n", e.step() + 1, rss, heap, rss - heap);
                    }
                }
            }).build()) {
                t.fit();
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "backend %s, OMP_WAIT_POLICY=%s, MALLOC_ARENA_MAX=%s, %d cores%n",
                Nd4j.getBackend().getClass().getSimpleName(), System.getenv("OMP_WAIT_POLICY"), System.getenv("MALLOC_ARENA_MAX"),
                Runtime.getRuntime().availableProcessors());
    }

    static double rssMb() {
        try {
            for (String l : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (java.io.IOException e) {
            return -1;
        }
        return -1;
    }

    /** FLOPs (2 per multiply-add) of every matrix product in one training step with this batch's masks. */
    static double stepFlops(VitConfig enc, PredictorConfig pred, MaskedBatch b) {
        long bs = b.batchSize();
        int m = b.targetBlocks().length;
        long kc = b.contextIdx()[0].length;
        long kt = b.targetBlocks()[0][0].length;
        long n = enc.numTokens();
        long patchIn = (long) enc.channels() * enc.patch() * enc.patch();
        double target = encoderFlops(enc, bs, n) + 2.0 * bs * n * patchIn * enc.dim();
        double context = encoderFlops(enc, bs, kc) + 2.0 * bs * n * patchIn * enc.dim();
        long pb = m * bs;
        long pn = kc + kt;
        double predictor = blocksFlops(pred.dim(), pred.mlpHidden(), pred.depth(), pb, pn)
                + 2.0 * bs * kc * enc.dim() * pred.dim() + 2.0 * pb * kt * pred.dim() * enc.dim();
        // Backward costs two products per forward product (input and weight gradients).
        return target + 3 * (context + predictor);
    }

    static double encoderFlops(VitConfig c, long b, long tokens) {
        return blocksFlops(c.dim(), c.mlpHidden(), c.depth(), b, tokens);
    }

    static double blocksFlops(long d, long hidden, int depth, long b, long n) {
        double rows = (double) b * n;
        double linear = 2 * rows * (3 * d * d + d * d + 2 * d * hidden);
        double attention = 2.0 * 2 * b * n * n * d;
        return depth * (linear + attention);
    }

    /** GFLOP/s of [3136 x 128] x [128 x 512] sgemm into a preallocated output (median of 30). */
    static double sgemmGflops() {
        INDArray a = Nd4j.rand(DataType.FLOAT, 3136, 128);
        INDArray w = Nd4j.rand(DataType.FLOAT, 512, 128);
        INDArray c = Nd4j.create(DataType.FLOAT, 3136, 512);
        double[] t = new double[30];
        for (int i = 0; i < 40; i++) {
            long t0 = System.nanoTime();
            Gemm.mm(a, w, c, false, true);
            long t1 = System.nanoTime();
            if (i >= 10) {
                t[i - 10] = (t1 - t0) / 1e9;
            }
        }
        Arrays.sort(t);
        return 2.0 * 3136 * 128 * 512 / t[15] / 1e9;
    }
}
