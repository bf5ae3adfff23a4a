package io.github.jepa4j.world.model;

import io.github.jepa4j.core.train.Trainer;
import io.github.jepa4j.core.train.OptimConfig;
import io.github.jepa4j.core.train.listeners.ProgressLogger;
import io.github.jepa4j.world.env.Trajectories;
import io.github.jepa4j.world.env.TrajectoryGenerator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

@Tag("slow")
class PredictorSanityTest {
    @Test
    void learnsOnSmoothLatents() {
        TrajectoryGenerator gen = TrajectoryGenerator.builder().seed(1).build();
        Trajectories data = gen.generate(0, 200);
        INDArray p = data.positions(); // [N, T, 2]
        int d = 16;
        INDArray z = Nd4j.create(DataType.FLOAT, p.size(0), p.size(1), d);
        for (int k = 0; k < d / 4; k++) {
            double f = Math.PI * (k + 1);
            INDArray x = p.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(0)).mul(f);
            INDArray y = p.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(1)).mul(f);
            z.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(4 * k)).assign(Transforms.sin(x));
            z.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(4 * k + 1)).assign(Transforms.cos(x));
            z.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(4 * k + 2)).assign(Transforms.sin(y));
            z.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(4 * k + 3)).assign(Transforms.cos(y));
        }
        // layer norm
        INDArray z2 = z.reshape('c', -1, d);
        INDArray mu = z2.mean(1);
        z2.subiColumnVector(mu);
        INDArray sd = z2.std(false, 1).addi(1e-6);
        z2.diviColumnVector(sd);
        PredictorSpec spec = new PredictorSpec("mlp", d, 2, 128, 2, true, 4, 1.0);
        ActionConditionedTask task = new ActionConditionedTask(spec, DataType.FLOAT, 1);
        try (Trainer<TransitionBatch> tr = Trainer.builder(task, new LatentTrajectories(z, data.actions(), 64, 6, 2))
                .totalSteps(600).optim(OptimConfig.defaults().withWarmupSteps(30).withWeightDecay(0.01, 0.01))
                .listener(new ProgressLogger(100)).build()) {
            tr.fit();
        }
    }
}
