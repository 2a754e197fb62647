package dev.circuitlab.local.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.circuitlab.local.Fixtures;
import dev.circuitlab.local.LocalHttp;
import dev.circuitlab.local.LocalRuntime;
import dev.circuitlab.local.RuntimeOptions;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The local dashboard in a real headless browser, during a breaker trip: the real template and
 * handlers run on the local runtime, the downstream is made to fail through its fault API until the
 * circuit opens, and while traffic goes on (fast rejections) Debian's chromium, driven by
 * {@code tools/browser-test/dashboard-check.mjs} (playwright-core), opens {@code /_dashboard}, waits
 * for the state widget to show OPEN, checks that no widget is empty and that the console stays free
 * of errors, and saves {@code local-runtime/target/dashboard-open.png}.
 *
 * <p>Needs chromium ({@code apt-get install chromium}) and {@code npm ci} in {@code tools/browser-test};
 * without them the test is skipped, unless {@code CIRCUITLAB_REQUIRE_BROWSER=1} (CI) makes it fail.
 */
class DashboardBrowserTest {

    private static final long SCRIPT_TIMEOUT_SECONDS = 75;

    @Test
    void dashboardShowsTheTripInAHeadlessBrowser() throws Exception {
        Path root = Fixtures.projectRoot();
        Path script = root.resolve("tools/browser-test/dashboard-check.mjs");
        String chromium = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
        requireBrowser(root, script, chromium);

        Path screenshot = root.resolve("local-runtime/target/dashboard-open.png");
        Files.deleteIfExists(screenshot);
        RuntimeOptions options = RuntimeOptions.forProject(root, 0)
                .withParameterOverrides(Map.of(
                        "EnableFaultInjection", "true",
                        "CircuitFailureThreshold", "3",
                        // Longer than the whole check: a probe (a HALF_OPEN gauge) while the
                        // script takes its last look would show HALF_OPEN, not the trip.
                        "CircuitOpenDurationMs", "60000",
                        "CircuitCallTimeoutMs", "2000",
                        // A rate threshold, so calls are counted and the rate widget has points; the
                        // window never holds this many calls, so the count of 3 still trips.
                        "CircuitFailureRateThreshold", "50",
                        "CircuitMinimumCalls", "100000"))
                .withConsole(new PrintStream(OutputStream.nullOutputStream()), false);
        try (LocalRuntime runtime = LocalRuntime.start(options)) {
            LocalHttp http = new LocalHttp(runtime.baseUrl());
            for (int i = 0; i < 3; i++) {
                assertEquals(200, http.get("/upstream").statusCode(), "a healthy call before the trip");
            }
            HttpResponse<String> fault = LocalHttp.signed(runtime).send("PUT", "/faults",
                    "{\"mode\":\"error\",\"probability\":1}");
            assertEquals(200, fault.statusCode(), "PUT /faults: " + fault.body());
            tripCircuit(http);

            AtomicBoolean traffic = new AtomicBoolean(true);
            Thread load = Thread.ofVirtual().start(() -> {
                while (traffic.get()) {
                    try {
                        http.get("/upstream");
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        return;
                    } catch (RuntimeException e) {
                        // the runtime is stopping
                    }
                }
            });
            try {
                BrowserRun run = runScript(root, script, chromium, runtime.baseUrl() + LocalDashboard.PATH + "?minutes=1",
                        screenshot);
                assertEquals(0, run.exitCode(), "dashboard-check.mjs failed:\n" + run.output());
                assertTrue(Files.size(screenshot) > 10_000, "screenshot written: " + screenshot);
            } finally {
                traffic.set(false);
                load.interrupt();
                load.join(5000);
            }
        }
    }

    /** Failing calls until the upstream answers with the circuit OPEN (bounded). */
    private static void tripCircuit(LocalHttp http) throws InterruptedException {
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = http.get("/upstream");
            if (r.headers().firstValue("X-Circuit-State").orElse("").equals("OPEN") && r.statusCode() == 503) {
                return;
            }
            Thread.sleep(50);
        }
        fail("the circuit did not open after 20 failing calls");
    }

    private record BrowserRun(int exitCode, String output) {
    }

    private static BrowserRun runScript(Path root, Path script, String chromium, String url, Path screenshot)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("dashboard-check", ".log");
        try {
            List<String> command = new ArrayList<>(List.of("node", script.toString(), url, screenshot.toString()));
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(script.getParent().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().put("CHROMIUM", chromium);
            pb.environment().put("DASHBOARD_WAIT_MS", "30000");
            Process p = pb.start();
            if (!p.waitFor(SCRIPT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                return new BrowserRun(-1, "timed out after " + SCRIPT_TIMEOUT_SECONDS + " s\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new BrowserRun(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** Skips (or, with CIRCUITLAB_REQUIRE_BROWSER=1, fails) when the browser or the driver is missing. */
    private static void requireBrowser(Path root, Path script, String chromium) {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(Path.of(chromium))) {
            missing.add(chromium + " (apt-get install chromium)");
        }
        if (!Files.isDirectory(root.resolve("tools/browser-test/node_modules/playwright-core"))) {
            missing.add("playwright-core (cd tools/browser-test && npm ci)");
        }
        if (!Files.isRegularFile(script)) {
            missing.add(script.toString());
        }
        if (!onPath("node")) {
            missing.add("node (Node.js)");
        }
        if (missing.isEmpty()) {
            return;
        }
        String message = "browser test needs " + String.join(", ", missing);
        if ("1".equals(System.getenv("CIRCUITLAB_REQUIRE_BROWSER"))) {
            fail(message + " (CIRCUITLAB_REQUIRE_BROWSER=1)");
        }
        Assumptions.abort(message + "; skipped");
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
