package dev.circuitlab.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StartupWarmupTest {

    private final List<String> calls = new CopyOnWriteArrayList<>();

    @BeforeEach
    void aSecondCpu(org.junit.jupiter.api.TestInfo test) {
        // With one CPU no warm-up thread starts (by design); only the shared code path is testable there.
        if (!test.getDisplayName().startsWith("theSharedWarmUp")) {
            assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "one CPU: no warm-up thread");
        }
    }

    @Test
    void tasksRunInOrderOnAnotherThreadAndAFailingOneDoesNotStopTheRest() {
        Thread caller = Thread.currentThread();
        StartupWarmup warmup = StartupWarmup.start(kind(), List.of(
                () -> calls.add("first on " + (Thread.currentThread() == caller ? "caller" : "warm-up thread")),
                () -> {
                    throw new IllegalStateException("a broken task");
                },
                () -> {
                    throw new NoClassDefFoundError("a missing class");
                },
                () -> calls.add("last")));

        assertTrue(warmup.await(Duration.ofSeconds(10)));
        assertEquals(List.of("first on warm-up thread", "last"), calls);
    }

    @Test
    void aKindWarmsUpOncePerJvm() {
        String kind = kind();
        StartupWarmup first = StartupWarmup.start(kind, List.of(() -> calls.add("first")));
        StartupWarmup second = StartupWarmup.start(kind, List.of(() -> calls.add("second")));

        assertTrue(first.await(Duration.ofSeconds(10)));
        assertTrue(second.await(Duration.ZERO), "nothing to wait for");
        assertEquals(List.of("first"), calls);
        assertTrue(StartupWarmup.start(kind(), List.of(() -> calls.add("other kind"))).await(Duration.ofSeconds(10)));
        assertEquals(List.of("first", "other kind"), calls);
    }

    @Test
    void awaitGivesUpAfterItsTimeoutWhileATaskStillRuns() throws InterruptedException {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        StartupWarmup warmup = StartupWarmup.start(kind(), List.of(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        try {
            assertEquals(false, warmup.await(Duration.ofMillis(20)));
        } finally {
            release.countDown();
        }
        assertTrue(warmup.await(Duration.ofSeconds(10)));
    }

    @Test
    void theSharedWarmUpWritesNothing() {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            StartupWarmup.httpApi();
            StartupWarmup.logLine();
        } finally {
            System.setOut(saved);
        }
        assertEquals("", out.toString(StandardCharsets.UTF_8));
        assertNotEquals(null, StartupWarmup.none());
        assertTrue(StartupWarmup.none().await(Duration.ZERO));
    }

    private static String kind() {
        return "test-" + UUID.randomUUID();
    }
}
