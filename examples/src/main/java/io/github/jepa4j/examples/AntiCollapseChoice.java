package io.github.jepa4j.examples;

import io.github.jepa4j.core.task.MaskedJepaTask;
import io.github.jepa4j.regularizers.anticollapse.AntiCollapseRegistry;
import java.util.List;

/** The optional anti-collapse term of an I-JEPA run, from the regularizers registry. */
final class AntiCollapseChoice {
    private AntiCollapseChoice() {}

    static List<MaskedJepaTask.Weighted> modules(RunConfig c) {
        if (c.antiCollapse().equals("none")) {
            return List.of();
        }
        // Barlow Twins and EMA distillation need a second branch: the EMA target's pooled embeddings.
        boolean withTarget = RunConfig.TWO_BRANCH_ANTI_COLLAPSE.contains(c.antiCollapse());
        return List.of(new MaskedJepaTask.Weighted(AntiCollapseRegistry.create(c.antiCollapse()), c.antiCollapseWeight(),
                withTarget, c.antiCollapseOn().equals("tokens")));
    }
}
