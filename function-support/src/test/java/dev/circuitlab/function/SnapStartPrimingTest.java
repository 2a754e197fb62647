package dev.circuitlab.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.circuitlab.observability.StructuredLog;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapStartPrimingTest {

    private final List<String> logLines = new ArrayList<>();
    private final List<String> calls = new ArrayList<>();
    private final SnapStartPriming priming =
            SnapStartPriming.unregistered(new StructuredLog("test", logLines::add, StructuredLog.Level.INFO));

    @Test
    void primesRunInRegistrationOrderAndAFailingOneDoesNotStopTheOthers() {
        priming.register("store", () -> calls.add("prime store"), () -> calls.add("reset store"));
        priming.register("broken", () -> {
            throw new IllegalStateException("table unreachable");
        }, null);
        priming.register("routes", () -> calls.add("prime routes"), null);

        priming.beforeCheckpoint(null);

        assertEquals(List.of("prime store", "prime routes"), calls);
        assertEquals(3, logLines.size(), logLines::toString);
        assertTrue(logLines.get(0).contains("\"snapstart priming done\"") && logLines.get(0).contains("\"store\""),
                logLines.get(0));
        assertTrue(logLines.get(1).contains("\"snapstart priming failed\"") && logLines.get(1).contains("\"broken\"")
                && logLines.get(1).contains("table unreachable"), logLines.get(1));
    }

    @Test
    void resetsRunInRegistrationOrderAndAreNotSwallowed() {
        priming.register("cache", null, () -> calls.add("reset cache"));
        priming.register("breaker", () -> calls.add("prime breaker"), () -> calls.add("reset breaker"));

        priming.afterRestore(null);
        assertEquals(List.of("reset cache", "reset breaker"), calls);

        priming.register("stuck", null, () -> {
            throw new IllegalStateException("cannot drop state");
        });
        assertThrows(IllegalStateException.class, () -> priming.afterRestore(null),
                "an instance that cannot drop its stale state must not serve");
    }
}
