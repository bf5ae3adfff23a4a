package io.github.jepa4j.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PrefetchRingTest {
    /** A slot holding the batch number it was filled for. */
    static final class Box {
        long value = -1;
    }

    private static List<Box> boxes(int r) {
        List<Box> l = new ArrayList<>();
        for (int i = 0; i < r; i++) {
            l.add(new Box());
        }
        return l;
    }

    @Test
    void deliversInOrderInSlotGModR() {
        List<Box> slots = boxes(3);
        PrefetchRing.Worker<Box> w = (s, g) -> s.value = g * 10;
        try (PrefetchRing<Box> ring = PrefetchRing.builder("T", slots, () -> w).range(5, 25).workers(4).build().start()) {
            for (long g = 5; g < 25; g++) {
                assertTrue(ring.hasNext());
                PrefetchRing.Lease<Box> l = ring.next();
                assertEquals(g, l.number());
                assertEquals(g * 10, l.slot().value);
                assertSame(slots.get((int) (g % 3)), l.slot());
                assertTrue(l.waitNanos() >= 0);
                l.release();
                l.release(); // idempotent
            }
            assertFalse(ring.hasNext());
            NoSuchElementException e = assertThrows(NoSuchElementException.class, ring::next);
            assertEquals("T has delivered all 25 batches", e.getMessage());
            assertTrue(ring.totalWaitNanos() >= ring.lastWaitNanos());
        }
    }

    @Test
    void boundedPrefetchAndAllHeldError() throws Exception {
        AtomicInteger filled = new AtomicInteger();
        PrefetchRing.Worker<Box> w = (s, g) -> {
            s.value = g;
            filled.incrementAndGet();
        };
        try (PrefetchRing<Box> ring = PrefetchRing.builder("T", boxes(2), () -> w).workers(3)
                .nouns("step", "steps", "test buffers", "Box").build().start()) {
            PrefetchRing.Lease<Box> a = ring.next();
            PrefetchRing.Lease<Box> b = ring.next();
            Thread.sleep(100);
            assertEquals(2, filled.get(), "no slot is free, so nothing more is filled");
            IllegalStateException e = assertThrows(IllegalStateException.class, ring::next);
            assertEquals("all 2 test buffers are held by the consumer; release() each Box (or use try-with-resources)"
                    + " before asking for the next one", e.getMessage());
            a.release();
            assertEquals(2, ring.next().number());
            b.release();
        }
    }

    @Test
    void workerErrorIsRethrownForItsBatchAfterEarlierOnes() {
        RuntimeException boom = new RuntimeException("boom");
        AtomicInteger closedWorkers = new AtomicInteger();
        PrefetchRing<Box> ring = PrefetchRing.builder("T", boxes(4), () -> new PrefetchRing.Worker<Box>() {
            @Override
            public void fill(Box s, long g) {
                if (g == 3) {
                    throw boom;
                }
                s.value = g;
            }

            @Override
            public void close() {
                closedWorkers.incrementAndGet();
            }
        }).workers(2).failure((s, g, cause) -> "failed " + g + ": " + cause.getMessage()).build().start();
        for (long g = 0; g < 3; g++) {
            ring.next().release();
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, ring::next);
        assertEquals("failed 3: boom", e.getMessage());
        assertSame(boom, e.getCause());
        assertTrue(ring.isClosed());
        for (Thread t : ring.workers()) {
            assertFalse(t.isAlive());
        }
        assertEquals(2, closedWorkers.get());
        assertEquals("T is closed", assertThrows(IllegalStateException.class, ring::next).getMessage());
    }

    @Test
    void claimsInOrderAndCloseRunsHookAndStopsWorkers() {
        List<Long> claims = new ArrayList<>();
        AtomicInteger hook = new AtomicInteger();
        PrefetchRing<Box> ring = PrefetchRing.builder("T", boxes(2), () -> new PrefetchRing.Worker<Box>() {
            @Override
            public boolean claim(long g) {
                claims.add(g); // under the claim lock
                return true;
            }

            @Override
            public void fill(Box s, long g) {
                s.value = g;
            }
        }).workers(3).onClose(hook::incrementAndGet).build().start();
        for (int i = 0; i < 10; i++) {
            ring.next().release();
        }
        ring.close();
        ring.close();
        assertEquals(2, hook.get());
        for (Thread t : ring.workers()) {
            assertFalse(t.isAlive());
        }
        for (int i = 0; i < claims.size(); i++) {
            assertEquals(i, claims.get(i));
        }
        assertFalse(ring.hasNext());
    }

    @Test
    void rejectsBadConfiguration() {
        PrefetchRing.Worker<Box> w = (s, g) -> { };
        assertThrows(IllegalArgumentException.class, () -> PrefetchRing.builder("T", List.<Box>of(), () -> w).build());
        assertThrows(IllegalArgumentException.class, () -> PrefetchRing.builder("T", boxes(1), () -> w).workers(0).build());
        assertThrows(IllegalArgumentException.class, () -> PrefetchRing.builder("T", boxes(1), () -> w).range(5, 4).build());
    }
}
