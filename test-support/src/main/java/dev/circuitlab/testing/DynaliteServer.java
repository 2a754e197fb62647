package dev.circuitlab.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A dynalite process (the pinned npm install under {@code tools/dynalite}) listening on an
 * ephemeral loopback port. Closing it stops the process; the process also exits when its stdin
 * closes, so it cannot outlive a JVM that dies without running shutdown hooks.
 */
public final class DynaliteServer implements AutoCloseable {

    private static final long START_TIMEOUT_SECONDS = 30;

    private final Process process;
    private final URI endpoint;

    private DynaliteServer(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    /** Starts dynalite from {@code <projectRoot>/tools/dynalite}. */
    public static DynaliteServer start(Path projectRoot) {
        Path dir = projectRoot.resolve("tools/dynalite");
        if (!Files.isDirectory(dir.resolve("node_modules/dynalite"))) {
            throw new IllegalStateException("dynalite is not installed in " + dir
                    + ": run 'npm ci' there (./lab does it for you)");
        }
        ProcessBuilder pb = new ProcessBuilder(List.of("node", "serve.js"))
                .directory(dir.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start dynalite: is Node.js installed and on PATH? ("
                    + e.getMessage() + ")", e);
        }
        BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Integer> port = CompletableFuture.supplyAsync(() -> readPort(out));
        try {
            int p = port.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            // Keep draining stdout so the child never blocks on a full pipe.
            Thread drain = new Thread(() -> drain(out), "dynalite-stdout");
            drain.setDaemon(true);
            drain.start();
            return new DynaliteServer(process, URI.create("http://127.0.0.1:" + p));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("interrupted while starting dynalite", e);
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException("dynalite did not report its port within "
                    + START_TIMEOUT_SECONDS + " s", e);
        }
    }

    /** Finds the project root from the {@code circuitlab.root} system property or the working directory. */
    public static Path projectRoot() {
        String prop = System.getProperty("circuitlab.root");
        if (prop != null && Files.isDirectory(Path.of(prop, "tools/dynalite"))) {
            return Path.of(prop);
        }
        Path dir = Path.of("").toAbsolutePath();
        for (int i = 0; i < 5 && dir != null; i++, dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("tools/dynalite"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the project root (tools/dynalite): set -Dcircuitlab.root");
    }

    private static int readPort(BufferedReader out) {
        try {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("DYNALITE_PORT=")) {
                    return Integer.parseInt(line.substring("DYNALITE_PORT=".length()).trim());
                }
            }
            throw new IllegalStateException("dynalite exited before reporting its port");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void drain(BufferedReader out) {
        try {
            while (out.readLine() != null) {
                // discard
            }
        } catch (IOException ignored) {
            // process ended
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    public int port() {
        return endpoint.getPort();
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
