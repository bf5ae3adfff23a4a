package io.github.jepa4j.examples;

import io.github.jepa4j.core.model.VitConfig;
import io.github.jepa4j.core.task.MaskedJepaTask;
import java.util.List;

/** The optional anti-collapse term of a run, from the regularizers registry. */
final class AntiCollapseChoice {
    private AntiCollapseChoice() {}

    static List<MaskedJepaTask.Weighted> modules(RunConfig c, VitConfig enc) {
        if (c.antiCollapse().equals("none")) {
            return List.of();
        }
        throw new IllegalArgumentException("anti-collapse '" + c.antiCollapse() + "' is not wired into the CLI yet");
    }
}
