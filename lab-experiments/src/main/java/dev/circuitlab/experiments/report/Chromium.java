package dev.circuitlab.experiments.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * PNG screenshots of a local HTML file with headless Chromium, when it is installed. Bounded: a
 * fresh profile directory, no network features, a time limit, and the whole process tree is
 * stopped afterwards.
 */
public final class Chromium {

    static final long TIMEOUT_SECONDS = 60;

    private Chromium() {
    }

    /** {@code /usr/bin/chromium}, else chromium / chromium-browser / google-chrome on PATH. */
    public static Optional<Path> find() {
        Path fixed = Path.of("/usr/bin/chromium");
        if (Files.isExecutable(fixed)) {
            return Optional.of(fixed);
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Screenshots {@code html} into {@code png}.
     *
     * @return null on success, else why not
     */
    public static String screenshot(Path chromium, Path html, Path png, int width, int height) {
        Path profile = null;
        Process p = null;
        try {
            profile = Files.createTempDirectory("lab-chromium-");
            List<String> cmd = List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--hide-scrollbars", "--user-data-dir=" + profile, "--screenshot=" + png.toAbsolutePath(),
                    "--window-size=" + width + "," + height, "--virtual-time-budget=5000",
                    html.toAbsolutePath().toUri().toString());
            p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(profile.resolve("chromium.log").toFile()).start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                return "chromium did not finish within " + TIMEOUT_SECONDS + " s";
            }
            if (!Files.isRegularFile(png) || Files.size(png) == 0) {
                String log = Files.readString(profile.resolve("chromium.log"));
                return "chromium exited " + p.exitValue() + " without a screenshot: " + tail(log);
            }
            return null;
        } catch (IOException e) {
            return "cannot run chromium: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } finally {
            if (p != null) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
            deleteQuietly(profile);
        }
    }

    private static String tail(String log) {
        String t = log.strip();
        return t.length() > 300 ? "..." + t.substring(t.length() - 300) : t;
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // a temp dir left behind is harmless
        }
    }
}
