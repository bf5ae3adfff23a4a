package io.github.jepa4j.core.train.listeners;

import io.github.jepa4j.core.train.StepEvent;
import io.github.jepa4j.core.train.Trainer;
import io.github.jepa4j.core.train.TrainingListener;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@code DIR/last.ckpt} every {@code every} steps and when training ends (also after a
 * clean stop). Each write is atomic, so a crash mid-write keeps the previous checkpoint.
 */
public final class CheckpointSaver implements TrainingListener {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointSaver.class);
    /** File name of the latest checkpoint inside the run directory. */
    public static final String LAST = "last.ckpt";

    private final Path file;
    private final long every;
    private long lastSaved = -1;

    public CheckpointSaver(Path dir, long every) {
        if (every <= 0) {
            throw new IllegalArgumentException("checkpoint interval must be > 0, got " + every);
        }
        this.file = dir.resolve(LAST);
        this.every = every;
    }

    public Path file() {
        return file;
    }

    @Override
    public void onStepEnd(StepEvent e) {
        if ((e.step() + 1) % every == 0) {
            save(e.trainer());
        }
    }

    @Override
    public void onEnd(Trainer<?> t) {
        if (lastSaved != t.step()) {
            save(t);
        }
    }

    private void save(Trainer<?> t) {
        long t0 = System.nanoTime();
        t.saveCheckpoint(file);
        lastSaved = t.step();
        LOG.debug("checkpoint at step {} -> {} ({} ms)", t.step(), file, (System.nanoTime() - t0) / 1_000_000);
    }
}
