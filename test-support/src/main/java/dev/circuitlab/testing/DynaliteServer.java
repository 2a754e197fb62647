package dev.circuitlab.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A dynalite process (the pinned npm install under {@code tools/dynalite}) listening on an
 * ephemeral loopback port. Closing it stops the process; the process also exits when its stdin
 * closes, so it cannot outlive a JVM that dies without running shutdown hooks.
 */
public final class DynaliteServer extends LoopbackServer {

    private static final long START_TIMEOUT_SECONDS = 30;

    private DynaliteServer(Process process, int port) {
        super("dynalite", process, port);
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
        Process process = launch(pb, "dynalite: is Node.js installed and on PATH?");
        OutputTail output = OutputTail.follow("dynalite", process.getInputStream(), "DYNALITE_PORT=");
        try {
            int port = Integer.parseInt(output.announcement().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS));
            return new DynaliteServer(process, port);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopTree(process);
            throw new IllegalStateException("interrupted while starting dynalite", e);
        } catch (ExecutionException | TimeoutException | NumberFormatException e) {
            stopTree(process);
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
}
