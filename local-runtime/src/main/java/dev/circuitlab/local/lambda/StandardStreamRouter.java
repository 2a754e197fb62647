package dev.circuitlab.local.lambda;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Replaces {@code System.out} and {@code System.err} with streams that send each complete line
 * to the log of the function whose execution environment wrote it. Handlers run in one JVM, so
 * this is how each function gets "its own" stdout, where its EMF metric lines go.
 *
 * <p>The function is found through an inheritable thread-local bound on each environment's
 * thread, which threads a handler starts inherit; and, for threads created without inheriting
 * thread-locals (the JDK HttpClient's selector and worker threads are), through the thread group,
 * which every new platform thread takes from its creator. Lines from threads that belong to no
 * function go to the original stream. Each thread assembles its own line, so concurrent writers
 * never interleave inside a line. Limitation: a shared pool thread (e.g. the common
 * ForkJoinPool's) is attributed to the function whose code happened to create it.
 */
public final class StandardStreamRouter {

    private static final InheritableThreadLocal<OutputScope> SCOPE = new InheritableThreadLocal<>();
    private static final Map<ThreadGroup, OutputScope> GROUPS = Collections.synchronizedMap(new WeakHashMap<>());
    private static final int MAX_LINE_BYTES = 256 * 1024;

    private static int users;
    private static PrintStream originalOut;
    private static PrintStream originalErr;
    private static PrintStream routedOut;
    private static PrintStream routedErr;

    private StandardStreamRouter() {
    }

    /** Installs the router (counted: each runtime installs and uninstalls once). */
    public static synchronized void install() {
        if (users++ > 0) {
            return;
        }
        originalOut = System.out;
        originalErr = System.err;
        routedOut = new PrintStream(new LineRouter("stdout", originalOut), true, StandardCharsets.UTF_8);
        routedErr = new PrintStream(new LineRouter("stderr", originalErr), true, StandardCharsets.UTF_8);
        System.setOut(routedOut);
        System.setErr(routedErr);
    }

    public static synchronized void uninstall() {
        if (users == 0 || --users > 0) {
            return;
        }
        // Only put back what we replaced; someone may have swapped the streams since.
        if (System.out == routedOut) {
            System.setOut(originalOut);
        }
        if (System.err == routedErr) {
            System.setErr(originalErr);
        }
    }

    /** The process's real stderr, for consoles that must not loop back into a function log. */
    public static synchronized PrintStream unroutedErr() {
        return users > 0 ? originalErr : System.err;
    }

    /** The process's real stdout (where {@code ./lab invoke} prints the response). */
    public static synchronized PrintStream unroutedOut() {
        return users > 0 ? originalOut : System.out;
    }

    static void bind(OutputScope scope) {
        SCOPE.set(scope);
    }

    /** Threads created in this group (by any code) write for {@code scope}. */
    static void bind(ThreadGroup group, OutputScope scope) {
        GROUPS.put(group, scope);
    }

    static OutputScope current() {
        OutputScope scope = SCOPE.get();
        if (scope != null) {
            return scope;
        }
        Thread t = Thread.currentThread();
        return t.isVirtual() ? null : GROUPS.get(t.getThreadGroup());
    }

    private static final class LineRouter extends OutputStream {
        private final String stream;
        private final PrintStream fallback;
        private final ThreadLocal<ByteArrayOutputStream> lines = ThreadLocal.withInitial(ByteArrayOutputStream::new);
        /** Set while a line is handed to a log, so a console that loops back here cannot recurse. */
        private final ThreadLocal<Boolean> emitting = new ThreadLocal<>();

        LineRouter(String stream, PrintStream fallback) {
            this.stream = stream;
            this.fallback = fallback;
        }

        @Override
        public void write(int b) {
            ByteArrayOutputStream line = lines.get();
            if (b == '\n') {
                emit(line);
            } else {
                line.write(b);
                if (line.size() >= MAX_LINE_BYTES) {
                    emit(line);
                }
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ByteArrayOutputStream line = lines.get();
            int start = off;
            int end = off + len;
            for (int i = off; i < end; i++) {
                if (b[i] == '\n') {
                    line.write(b, start, i - start);
                    emit(line);
                    start = i + 1;
                }
            }
            line.write(b, start, end - start);
            if (line.size() >= MAX_LINE_BYTES) {
                emit(line);
            }
        }

        private void emit(ByteArrayOutputStream buffer) {
            String text = buffer.toString(StandardCharsets.UTF_8);
            buffer.reset();
            if (text.endsWith("\r")) {
                text = text.substring(0, text.length() - 1);
            }
            OutputScope scope = current();
            if (scope == null || emitting.get() != null) {
                fallback.println(text);
                return;
            }
            emitting.set(Boolean.TRUE);
            try {
                scope.log.append(stream, scope.requestId(), text);
            } finally {
                emitting.remove();
            }
        }
    }
}
