package dev.circuitlab.testing;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * A {@code moto_server} process (Python moto's stand-alone server: a second DynamoDB-API
 * implementation, independent of dynalite) on a free loopback port. Closing it stops the process
 * tree; a small shell watchdog also stops moto when its stdin closes, so it cannot outlive a JVM
 * that dies without running shutdown hooks.
 */
public final class MotoServer extends LoopbackServer {

    /** Set to {@code 1} to make moto-backed tests fail, not skip, where moto_server is missing. */
    public static final String REQUIRE_ENV = "CIRCUITLAB_REQUIRE_MOTO";

    static final int BIND_ATTEMPTS = 3;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    private static final long PROBE_INTERVAL_MILLIS = 100;

    /**
     * Runs the server ("$@") with stdin closed, and a watcher that kills it once this shell's stdin
     * (the JVM's pipe) reaches end of file; exits with the server's status.
     */
    private static final String WATCHDOG = "exec 3<&0; \"$@\" 3<&- & server=$!; "
            + "{ cat >/dev/null; kill \"$server\" 2>/dev/null; } <&3 3<&- >/dev/null 2>&1 & "
            + "exec 3<&-; wait \"$server\"";

    private static volatile Optional<List<String>> command;

    private MotoServer(Process process, int port) {
        super("moto_server", process, port);
    }

    /** Whether moto_server can be started here. */
    public static boolean installed() {
        return command().isPresent();
    }

    /** Whether missing moto_server is an error ({@value #REQUIRE_ENV}=1) rather than a reason to skip. */
    public static boolean required() {
        return "1".equals(System.getenv(REQUIRE_ENV));
    }

    /** Why moto-backed tests skip or fail where moto_server is missing, and how to change that. */
    static String notInstalledMessage(boolean required) {
        return "moto_server is not installed (not on PATH, and 'python3 -m moto.server' does not run); "
                + (required ? REQUIRE_ENV + "=1 requires it" : "set " + REQUIRE_ENV + "=1 to fail instead of skipping");
    }

    /** Starts moto_server on a free loopback port. */
    public static MotoServer start() {
        List<String> moto = command().orElseThrow(() -> new IllegalStateException(notInstalledMessage(required())));
        return start(moto, LoopbackServer::freeLoopbackPort);
    }

    /**
     * Starts {@code moto} (the command without its host and port options) on a port from
     * {@code ports}; when another process takes that port first, tries the next one,
     * {@value #BIND_ATTEMPTS} ports at most.
     */
    static MotoServer start(List<String> moto, IntSupplier ports) {
        String lastFailure = "";
        for (int attempt = 1; attempt <= BIND_ATTEMPTS; attempt++) {
            int port = ports.getAsInt();
            List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", WATCHDOG, "moto-watchdog"));
            argv.addAll(moto);
            argv.addAll(List.of("-H", "127.0.0.1", "-p", Integer.toString(port)));
            Process process = launch(new ProcessBuilder(argv).redirectErrorStream(true), "moto_server (" + moto + ")");
            OutputTail output = OutputTail.follow("moto_server", process.getInputStream(), null);
            if (answers(process, port)) {
                return new MotoServer(process, port);
            }
            String outcome = process.isAlive() ? "did not answer within " + START_TIMEOUT.toSeconds() + " s"
                    : "exited with status " + process.exitValue();
            if (!process.isAlive()) {
                output.awaitEnd(); // read what it wrote before stopping closes its streams
            }
            stopTree(process);
            output.awaitEnd();
            lastFailure = "port " + port + ": " + output;
            if (!output.contains("in use")) {
                throw new IllegalStateException("moto_server on 127.0.0.1:" + port + " " + outcome + ":\n" + output);
            }
        }
        throw new IllegalStateException("moto_server found its port taken " + BIND_ATTEMPTS + " times; last "
                + lastFailure);
    }

    /** Waits until moto answers on {@code port}, or its process exits, or the start timeout passes. */
    private static boolean answers(Process process, int port) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(PROBE_TIMEOUT).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/moto-api/data.json"))
                .timeout(PROBE_TIMEOUT).GET().build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try {
            while (System.nanoTime() < deadline && process.isAlive()) {
                try {
                    if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return process.isAlive(); // another program answering on a port moto failed to bind
                    }
                } catch (IOException notYetListening) {
                    // retried until the deadline
                }
                process.waitFor(PROBE_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /** moto_server from PATH, else {@code python3 -m moto.server}; looked up once. */
    static Optional<List<String>> command() {
        Optional<List<String>> found = command;
        if (found == null) {
            found = onPath("moto_server").map(p -> List.of(p.toString()))
                    .or(() -> onPath("python3").filter(MotoServer::hasMotoModule)
                            .map(p -> List.of(p.toString(), "-m", "moto.server")));
            command = found;
        }
        return found;
    }

    private static Optional<Path> onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = dir.isEmpty() ? null : Path.of(dir, program);
            if (candidate != null && Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static boolean hasMotoModule(Path python) {
        try {
            Process check = new ProcessBuilder(python.toString(), "-c", "import moto.server")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!check.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                check.destroyForcibly();
                return false;
            }
            return check.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
