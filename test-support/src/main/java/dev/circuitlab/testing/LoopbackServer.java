package dev.circuitlab.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A DynamoDB-API server the tests run as a child process listening on a loopback port.
 * {@link #close()} stops it together with every process it started; a JVM shutdown hook does the
 * same for a server nobody closed.
 */
public abstract sealed class LoopbackServer implements AutoCloseable permits DynaliteServer, MotoServer {

    private static final long STOP_TIMEOUT_SECONDS = 5;

    private final Process process;
    private final URI endpoint;
    private final Thread shutdownHook;

    LoopbackServer(String name, Process process, int port) {
        this.process = process;
        this.endpoint = URI.create("http://127.0.0.1:" + port);
        this.shutdownHook = new Thread(() -> stopTree(process), name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts {@code builder}'s command; {@code what} names the server and what to check if it cannot run. */
    static Process launch(ProcessBuilder builder, String what) {
        try {
            return builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + what + " (" + e.getMessage() + ")", e);
        }
    }

    /** A loopback port nothing listens on right now (another process may still take it before the server binds). */
    static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("cannot find a free loopback port: " + e.getMessage(), e);
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
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running or about to: it stops the same tree.
        }
        stopTree(process);
    }

    /** Stops {@code process} and every process it started (also used when a start fails half-way). */
    static void stopTree(Process process) {
        // Taken before the parent goes: its children are re-parented once it exits.
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        descendants.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
            for (ProcessHandle child : descendants) {
                child.onExit().get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } catch (ExecutionException | TimeoutException e) {
            // A child that ignored SIGTERM for STOP_TIMEOUT_SECONDS.
        } finally {
            descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
            closeQuietly(process.getOutputStream());
        }
    }

    private static void closeQuietly(AutoCloseable stream) {
        try {
            stream.close();
        } catch (Exception ignored) {
            // already closed by the exiting process
        }
    }

    /**
     * Reads a child's output on a daemon thread so the child never blocks on a full pipe, keeping
     * the last lines for error messages and, if asked, the first line that announces something.
     */
    static final class OutputTail {

        private static final int KEPT_LINES = 20;

        private final Deque<String> lines = new ArrayDeque<>();
        private final String announcementPrefix;
        private final CompletableFuture<String> announcement = new CompletableFuture<>();
        private final CompletableFuture<Void> ended = new CompletableFuture<>();

        private OutputTail(String announcementPrefix) {
            this.announcementPrefix = announcementPrefix;
        }

        /** Follows {@code output}; {@code announcementPrefix} may be null when nothing is announced. */
        static OutputTail follow(String name, InputStream output, String announcementPrefix) {
            OutputTail tail = new OutputTail(announcementPrefix);
            BufferedReader reader = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8));
            Thread reading = new Thread(() -> tail.readAll(reader), name + "-output");
            reading.setDaemon(true);
            reading.start();
            return tail;
        }

        /** The rest of the first line starting with the announcement prefix; fails if the output ends first. */
        CompletableFuture<String> announcement() {
            return announcement;
        }

        private void readAll(BufferedReader reader) {
            try {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (announcementPrefix != null && line.startsWith(announcementPrefix)) {
                        announcement.complete(line.substring(announcementPrefix.length()).trim());
                    }
                    synchronized (lines) {
                        if (lines.size() == KEPT_LINES) {
                            lines.removeFirst();
                        }
                        lines.addLast(line);
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            } finally {
                announcement.completeExceptionally(new IllegalStateException("the process ended its output first"));
                ended.complete(null);
            }
        }

        /** Waits (a few seconds at most) until the output has been read to its end, after the process stopped. */
        void awaitEnd() {
            try {
                ended.get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // a grandchild still holds the pipe: the tail has what was read so far
            }
        }

        boolean contains(String text) {
            synchronized (lines) {
                return lines.stream().anyMatch(l -> l.contains(text));
            }
        }

        @Override
        public String toString() {
            synchronized (lines) {
                return lines.isEmpty() ? "(no output)" : String.join("\n", lines);
            }
        }
    }
}
