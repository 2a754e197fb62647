package dev.circuitlab.experiments;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What must stop when the JVM does, including on Ctrl-C / SIGTERM: the local runtime of the
 * current run (closed in reverse order of registration), then any child process this JVM started
 * and still has (cold-start JVMs, JMH's fork, Chromium; dynalite also exits when its stdin closes).
 */
public final class Cleanup {

    private static final Deque<AutoCloseable> OPEN = new ArrayDeque<>();
    private static boolean hooked;

    private Cleanup() {
    }

    /** Registers {@code c} until {@link #unregister}; installs the shutdown hook once. */
    public static synchronized void register(AutoCloseable c) {
        if (!hooked) {
            Runtime.getRuntime().addShutdownHook(new Thread(Cleanup::runAll, "lab-experiments-cleanup"));
            hooked = true;
        }
        OPEN.push(c);
    }

    public static synchronized void unregister(AutoCloseable c) {
        OPEN.remove(c);
    }

    private static void runAll() {
        AutoCloseable[] all;
        synchronized (Cleanup.class) {
            all = OPEN.toArray(new AutoCloseable[0]);
            OPEN.clear();
        }
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort while the JVM stops
            }
        }
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroy);
    }

    /** Installs the hook without registering anything (for commands that only start child processes). */
    public static void install() {
        AutoCloseable none = () -> { };
        register(none);
        unregister(none);
    }
}
