package dev.circuitlab.experiments.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Each function's runtime classpath (its {@code target/classes} plus its runtime dependency jars,
 * resolved by Maven for that module alone, offline) and the deployment artifact SAM's java-maven
 * workflow would build from it: classes at the zip root, jars under {@code lib/}. The same for the
 * reference handler: its classes are its package in lab-experiments, its jars those of
 * {@code lab-experiments/reference-handler/pom.xml}.
 */
final class FunctionArtifacts {

    /** The bench's name for the reference handler, beside the template's logical IDs. */
    static final String REFERENCE = "ReferenceHandler";
    static final String REFERENCE_HANDLER_CLASS = "dev.circuitlab.experiments.reference.ReferenceHandler";
    private static final String REFERENCE_POM = "lab-experiments/reference-handler/pom.xml";
    private static final String REFERENCE_CLASSES = "dev/circuitlab/experiments/reference";

    /**
     * @param jars          runtime dependencies, without the module's own classes
     * @param classesSubdir the part of {@code classes} that is the function's ("" for all of it)
     */
    record Function(String logicalId, Path module, Path classes, String classesSubdir, List<Path> jars) {
        String classpath(Path extra) {
            List<String> parts = new ArrayList<>();
            parts.add(classes.toString());
            jars.forEach(j -> parts.add(j.toString()));
            if (extra != null && !extra.equals(classes)) {
                parts.add(extra.toString());
            }
            return String.join(java.io.File.pathSeparator, parts);
        }
    }

    record Size(String logicalId, long zipBytes, long unzippedBytes, int jars, long classesBytes) {
    }

    private FunctionArtifacts() {
    }

    /**
     * @param modules function logical ID -> module folder (the template's CodeUri)
     * @return the functions, or an empty list when Maven could not resolve them (the reason printed)
     */
    static List<Function> resolve(Path root, Map<String, String> modules, PrintStream progress)
            throws IOException, InterruptedException {
        Path dir = root.resolve("lab-experiments/target/function-classpath");
        Files.createDirectories(dir);
        boolean stale = false;
        for (String module : modules.values()) {
            stale |= isStale(root, dir.resolve(artifactId(module) + ".txt"));
        }
        if (stale) {
            progress.println("bench: resolving the functions' runtime classpaths with Maven (offline)");
            String problem = mavenClasspaths(root, dir, List.of("-pl", String.join(",", modules.values())));
            if (problem != null) {
                progress.println("bench: cannot resolve the functions' classpaths: " + problem);
                return List.of();
            }
        }
        List<Function> functions = new ArrayList<>();
        for (Map.Entry<String, String> e : modules.entrySet()) {
            Path module = root.resolve(e.getValue());
            functions.add(new Function(e.getKey(), module, module.resolve("target/classes"), "",
                    jars(dir.resolve(artifactId(e.getValue()) + ".txt"))));
        }
        return functions;
    }

    /** The reference handler, or empty when Maven could not resolve its classpath (the reason printed). */
    static java.util.Optional<Function> resolveReference(Path root, PrintStream progress)
            throws IOException, InterruptedException {
        Path dir = root.resolve("lab-experiments/target/function-classpath");
        Files.createDirectories(dir);
        Path file = dir.resolve("reference-handler.txt");
        if (isStale(root, file) || Files.getLastModifiedTime(root.resolve(REFERENCE_POM)).toMillis()
                > Files.getLastModifiedTime(file).toMillis()) {
            progress.println("bench: resolving the reference handler's runtime classpath with Maven (offline)");
            String problem = mavenClasspaths(root, dir, List.of("-f", root.resolve(REFERENCE_POM).toString()));
            if (problem != null) {
                progress.println("bench: cannot resolve the reference handler's classpath: " + problem);
                return java.util.Optional.empty();
            }
        }
        Path module = root.resolve("lab-experiments");
        return java.util.Optional.of(new Function(REFERENCE, module, module.resolve("target/classes"),
                REFERENCE_CLASSES, jars(file)));
    }

    private static boolean isStale(Path root, Path classpathFile) throws IOException {
        return !Files.isRegularFile(classpathFile) || newerPom(root, Files.getLastModifiedTime(classpathFile).toMillis());
    }

    private static List<Path> jars(Path classpathFile) throws IOException {
        List<Path> jars = new ArrayList<>();
        for (String p : Files.readString(classpathFile).trim().split(java.io.File.pathSeparator)) {
            if (!p.isBlank()) {
                jars.add(Path.of(p));
            }
        }
        return jars;
    }

    private static String artifactId(String module) {
        String m = module.endsWith("/") ? module.substring(0, module.length() - 1) : module;
        return m.substring(m.lastIndexOf('/') + 1);
    }

    private static boolean newerPom(Path root, long than) throws IOException {
        try (Stream<Path> poms = Stream.concat(Stream.of(root.resolve("pom.xml")), Files.list(root)
                .map(d -> d.resolve("pom.xml")))) {
            return poms.filter(Files::isRegularFile).anyMatch(p -> {
                try {
                    return Files.getLastModifiedTime(p).toMillis() > than;
                } catch (IOException e) {
                    return true;
                }
            });
        }
    }

    /** Offline first, then online; @return null on success, else the problem */
    private static String mavenClasspaths(Path root, Path dir, List<String> projects)
            throws IOException, InterruptedException {
        String problem = mavenClasspaths(root, dir, projects, true);
        return problem == null ? null : mavenClasspaths(root, dir, projects, false);
    }

    /** @param projects {@code -pl <modules>} of the reactor, or {@code -f <pom>} */
    private static String mavenClasspaths(Path root, Path dir, List<String> projects, boolean offline)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(root.resolve("mvnw").toString()));
        if (!projects.contains("-f")) {
            cmd.addAll(List.of("-f", root.resolve("pom.xml").toString()));
        }
        cmd.addAll(List.of("-B", "-ntp", "-q"));
        if (offline) {
            cmd.add("-o");
        }
        cmd.addAll(projects);
        cmd.addAll(List.of("dependency:build-classpath", "-DincludeScope=runtime",
                "-Dmdep.outputFile=" + dir.toAbsolutePath() + "/${project.artifactId}.txt"));
        Path log = Files.createTempFile("lab-bench-mvn", ".log");
        try {
            Process p = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                return "Maven did not finish within 120 s";
            }
            if (p.exitValue() != 0) {
                String out = Files.readString(log, StandardCharsets.UTF_8);
                return "Maven exited " + p.exitValue() + ": " + (out.length() > 400 ? out.substring(out.length() - 400) : out);
            }
            return null;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** Builds the artifact zip in a temporary file and measures it. */
    static Size size(Function f) throws IOException {
        Path zip = Files.createTempFile("lab-artifact-" + f.logicalId(), ".zip");
        long classesBytes = 0;
        long unzipped = 0;
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(out)) {
            Path own = f.classes().resolve(f.classesSubdir());
            if (Files.isDirectory(own)) {
                List<Path> files;
                try (Stream<Path> s = Files.walk(own)) {
                    files = s.filter(Files::isRegularFile).sorted().toList();
                }
                for (Path file : files) {
                    String name = f.classes().relativize(file).toString().replace('\\', '/');
                    z.putNextEntry(new ZipEntry(name));
                    long n = Files.copy(file, z);
                    classesBytes += n;
                    z.closeEntry();
                }
            }
            unzipped += classesBytes;
            for (Path jar : f.jars()) {
                z.putNextEntry(new ZipEntry("lib/" + jar.getFileName()));
                unzipped += Files.copy(jar, z);
                z.closeEntry();
            }
        }
        long zipBytes = Files.size(zip);
        Files.deleteIfExists(zip);
        return new Size(f.logicalId(), zipBytes, unzipped, f.jars().size(), classesBytes);
    }
}
