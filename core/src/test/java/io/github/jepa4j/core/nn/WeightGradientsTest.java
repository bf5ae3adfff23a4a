package io.github.jepa4j.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WeightGradientsTest {
    @AfterEach
    void restore() {
        WeightGradients.setEnabled(true);
    }

    @Test
    void outsideAScopeRunsInlineOnTheCaller() {
        Thread[] ran = new Thread[1];
        WeightGradients.run(() -> ran[0] = Thread.currentThread());
        assertSame(Thread.currentThread(), ran[0]);
        assertFalse(WeightGradients.deferring());
    }

    @Test
    void insideAScopeRunsInOrderOnAnotherThreadAndCloseWaits() throws Exception {
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        Thread[] ran = new Thread[1];
        CountDownLatch release = new CountDownLatch(1);
        WeightGradients scope = WeightGradients.defer();
        assertTrue(WeightGradients.deferring());
        WeightGradients.run(() -> {
            ran[0] = Thread.currentThread();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            order.add(1);
        });
        WeightGradients.run(() -> order.add(2));
        // The caller goes on while the first product still waits.
        assertTrue(order.isEmpty());
        release.countDown();
        scope.close();
        assertEquals(List.of(1, 2), order, "close returns after every product, in submission order");
        assertNotEquals(Thread.currentThread(), ran[0]);
        assertFalse(WeightGradients.deferring());
    }

    @Test
    void aFailureIsRethrownByCloseAfterTheOthersFinish() {
        List<Integer> done = Collections.synchronizedList(new ArrayList<>());
        WeightGradients scope = WeightGradients.defer();
        WeightGradients.run(() -> {
            throw new IllegalArgumentException("bad gradient shape");
        });
        WeightGradients.run(() -> done.add(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, scope::close);
        assertEquals("bad gradient shape", e.getMessage());
        assertEquals(List.of(1), done);
        assertFalse(WeightGradients.deferring());
    }

    @Test
    void disabledScopesRunInline() {
        WeightGradients.setEnabled(false);
        Thread[] ran = new Thread[1];
        try (WeightGradients scope = WeightGradients.defer()) {
            assertFalse(WeightGradients.deferring());
            WeightGradients.run(() -> ran[0] = Thread.currentThread());
        }
        assertSame(Thread.currentThread(), ran[0]);
    }

    @Test
    void nestedScopesRestoreTheOuterOne() {
        try (WeightGradients outer = WeightGradients.defer()) {
            try (WeightGradients inner = WeightGradients.defer()) {
                assertTrue(WeightGradients.deferring());
            }
            assertTrue(WeightGradients.deferring(), "the outer scope is current again");
        }
        assertFalse(WeightGradients.deferring());
    }
}
