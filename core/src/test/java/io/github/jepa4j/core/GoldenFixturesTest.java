package io.github.jepa4j.core;

import io.github.jepa4j.core.loss.IjepaLossFixture;
import io.github.jepa4j.core.nn.PosEmbedFixture;
import io.github.jepa4j.core.nn.VitBlockFixture;
import io.github.jepa4j.core.optim.EmaFixture;
import io.github.jepa4j.core.schedule.LrScheduleFixture;
import io.github.jepa4j.core.testing.Fixtures;
import org.junit.jupiter.api.Test;

/**
 * Core's golden checks against float64 PyTorch reference values, to 1e-6 in double precision.
 *
 * <p>Files are read from the directory in system property {@code jepa4j.fixtures} (default: the
 * copies in test resources); a missing file fails. Every checker reads the shapes from the file,
 * so other fixtures of the same formats work too:
 * {@code mvn -pl core test -Dtest=GoldenFixturesTest -Djepa4j.fixtures=DIR}.
 */
class GoldenFixturesTest {
    @Test
    void ijepaLoss() {
        IjepaLossFixture.check(Fixtures.load("ijepa_loss.json"));
    }

    @Test
    void ema() {
        EmaFixture.check(Fixtures.load("ema.json"));
    }

    @Test
    void lrSchedule() {
        LrScheduleFixture.check(Fixtures.load("lr_schedule.json"));
    }

    @Test
    void posEmbed2d() {
        PosEmbedFixture.check(Fixtures.load("pos_embed_2d.json"));
    }

    @Test
    void vitBlock() {
        VitBlockFixture.check(Fixtures.load("vit_block.json"));
    }
}
