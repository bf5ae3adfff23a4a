package io.github.jepa4j.benchmarks.speed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jepa4j.core.tensor.Gemm;
import io.github.jepa4j.core.tensor.Kernels;
import org.junit.jupiter.api.Test;

/** The interleaved sgemm reference of the speed table. */
class SgemmSamplerTest {
    @Test
    void ratesSummariseTheSamplesTaken() {
        SgemmSampler s = new SgemmSampler(256, 64, 128);
        IllegalStateException none = assertThrows(IllegalStateException.class, s::rates);
        assertTrue(none.getMessage().contains("no sgemm sample"), none.getMessage());
        for (int i = 0; i < 5; i++) {
            s.sample();
        }
        SgemmSampler.Rates r = s.rates();
        assertEquals(15, r.samples(), "3 timed calls per sample");
        assertTrue(r.p10() > 0 && r.p10() <= r.median() && r.median() <= r.p90() && Double.isFinite(r.p90()), r.toString());
        if (Kernels.hostBackend() && Gemm.direct()) {
            assertTrue(r.oneThread() > 0 && Double.isFinite(r.oneThread()), r.toString());
        } else {
            assertTrue(Double.isNaN(r.oneThread()), r.toString());
        }
    }

    @Test
    void settlesForOpenBlasSpinTimeoutAfterMultiThreadCalls() {
        // 2^t TSC ticks at >= 1 GHz; OpenBLAS clamps a positive value to 4..30 and keeps 28 otherwise.
        assertEquals(269, SgemmSampler.settleMillis(null, true));
        assertEquals(269, SgemmSampler.settleMillis("abc", true));
        assertEquals(269, SgemmSampler.settleMillis("0", true));
        assertEquals(269, SgemmSampler.settleMillis("-3", true));
        assertEquals(1, SgemmSampler.settleMillis("4", true));
        assertEquals(1, SgemmSampler.settleMillis("2", true));
        assertEquals(17, SgemmSampler.settleMillis(" 24 ", true));
        assertEquals(1074, SgemmSampler.settleMillis("30", true));
        assertEquals(1074, SgemmSampler.settleMillis("31", true));
        assertEquals(0, SgemmSampler.settleMillis(null, false), "nothing spins without multi-thread direct BLAS calls");
    }

    @Test
    void eachSampleEndsWithTheSettlePause() {
        long settle = SgemmSampler.settleMillis(System.getenv("OPENBLAS_THREAD_TIMEOUT"),
                Kernels.hostBackend() && Gemm.direct() && io.github.jepa4j.core.tensor.BlasThreads.DEFAULT > 1);
        SgemmSampler s = new SgemmSampler(64, 32, 32);
        long t0 = System.nanoTime();
        s.sample();
        s.sample();
        // A lower bound only (sleep guarantees it): the next step must not start beside spinning BLAS workers.
        assertTrue((System.nanoTime() - t0) / 1e6 >= 2 * settle, "two samples took less than two pauses of " + settle + " ms");
    }

    @Test
    void badSizesAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SgemmSampler(0, 64, 128));
        assertTrue(e.getMessage().contains("0x64x128"), e.getMessage());
    }
}
