package dev.circuitlab.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** start-api in a child JVM, stopped by SIGTERM or SIGINT (Ctrl-C): nothing it started may outlive it. */
class ShutdownTest {

    private static final Pattern RUNNING = Pattern.compile("^Running on (http://127\\.0\\.0\\.1:(\\d+))$");

    @Test
    void sigtermLeavesNoChildProcess() throws Exception {
        stopsCleanly(Process::destroy);
    }

    @Test
    void ctrlCLeavesNoChildProcess() throws Exception {
        stopsCleanly(p -> {
            try {
                new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).inheritIO().start().waitFor(5, TimeUnit.SECONDS);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private static void stopsCleanly(java.util.function.Consumer<Process> signal) throws Exception {
        try (ChildJvm child = ChildJvm.start(Map.of(), "start-api", "--port", "0",
                "--template", Fixtures.fixtureTemplate().toString(), "--project-root", Fixtures.projectRoot().toString())) {
            Matcher running = child.awaitStdout(RUNNING, 60);
            String base = running.group(1);
            child.awaitStdout(Pattern.compile("GET\\s+" + Pattern.quote(base) + "/echo -> EchoFunction"), 5);
            // Warm environments and their threads exist when the signal comes.
            assertEquals(200, new LocalHttp(base).get("/echo").statusCode());
            assertEquals(200, new LocalHttp(base).get("/caller").statusCode());

            List<ProcessHandle> descendants = child.process().descendants().toList();
            assertTrue(descendants.stream().anyMatch(ShutdownTest::isNode), "dynalite runs as a child: " + describe(descendants));

            signal.accept(child.process());
            int exit = child.awaitExit(20);
            assertTrue(exit == 0 || exit == 130 || exit == 143, "exit " + exit + " stderr=" + child.stderr());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (descendants.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            for (ProcessHandle h : descendants) {
                assertFalse(h.isAlive(), "still running after the runtime stopped: " + describe(List.of(h)));
            }
            assertFalse(child.stderr().stream().anyMatch(l -> l.contains("Exception")), child.stderr().toString());
        }
    }

    private static boolean isNode(ProcessHandle h) {
        return h.info().command().map(c -> c.endsWith("/node") || c.equals("node")).orElse(false);
    }

    private static String describe(List<ProcessHandle> handles) {
        return handles.stream().map(h -> h.pid() + ":" + h.info().commandLine().orElse("?")).toList().toString();
    }
}
