package dev.circuitlab.experiments.bench;

import com.sun.net.httpserver.HttpServer;
import dev.circuitlab.experiments.scenario.Percentiles;
import dev.circuitlab.local.lambda.LocalLambdaService;
import dev.circuitlab.local.template.FunctionDefinition;
import dev.circuitlab.local.template.LocalBindings;
import dev.circuitlab.local.template.ResolvedTemplate;
import dev.circuitlab.local.template.SamTemplate;
import dev.circuitlab.testing.LocalCredentials;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cold start of each function, and of the reference handler, in a fresh JVM per sample
 * ({@link ColdStartMain}): class loading and construction ("init", what Lambda reports as Init
 * Duration), then the first invocation with the function's event file from {@code events/}. The
 * child gets the function's environment from template.yaml (including its {@code JAVA_TOOL_OPTIONS};
 * the reference gets the upstream's), its own runtime classpath only, a real DynamoDB endpoint
 * (dynalite) and a loopback stand-in downstream.
 *
 * <p>Samples are taken in rounds, one of each function per round, so a change in the machine's load
 * (2 shared cores) hits all of them alike. Then a few more rounds run with a {@link StartupProfile}
 * for the breakdown by stage; those are not among the timed samples.
 */
final class ColdStartBench {

    /**
     * @param initClasses classes loaded by the construction; {@code invokeClasses} by the first invocation
     * @param cpuMs       CPU time of all the process's threads during both
     * @param mainCpuMs   CPU time of the thread that constructs and invokes the handler: with a second
     *                    core free, the part of the cold start no other thread can take over
     */
    record Sample(double initMs, double invokeMs, long jvmToReadyMs, int status, long initClasses, long invokeClasses,
                  double cpuMs, double mainCpuMs) {
        double totalMs() {
            return initMs + invokeMs;
        }

        long classes() {
            return initClasses + invokeClasses;
        }
    }

    /** One stage of one phase of the breakdown: the median over the profiled runs. */
    record Stage(String phase, String stage, String label, double medianMs) {
    }

    /**
     * @param oneCpu    samples pinned to one CPU (taskset), empty when not taken
     * @param libraries classes the cold start loaded, by the library they come from (medians over the
     *                  profiled runs)
     */
    record Result(String logicalId, String handlerClass, String event, List<Sample> samples, List<Sample> oneCpu,
                  String classpathKind, List<Stage> breakdown, Map<String, Double> libraries, int breakdownRuns) {
        double median(java.util.function.ToDoubleFunction<Sample> f) {
            return Percentiles.of(samples.stream().mapToDouble(f).toArray(), 0.5);
        }

        double oneCpuMedian(java.util.function.ToDoubleFunction<Sample> f) {
            return Percentiles.of(oneCpu.stream().mapToDouble(f).toArray(), 0.5);
        }

        double min(java.util.function.ToDoubleFunction<Sample> f) {
            return samples.stream().mapToDouble(f).min().orElse(Double.NaN);
        }

        double max(java.util.function.ToDoubleFunction<Sample> f) {
            return samples.stream().mapToDouble(f).max().orElse(Double.NaN);
        }
    }

    static final Map<String, String> EVENTS = Map.of(
            "UpstreamFunction", "events/upstream-get.json",
            "DownstreamFunction", "events/downstream-get.json",
            FunctionArtifacts.REFERENCE, "events/upstream-get.json");
    private static final Pattern LINE = Pattern.compile("COLDSTART init=([0-9.]+) invoke=([0-9.]+) jvmToReady=(-?[0-9]+)"
            + " status=(-?[0-9]+) initClasses=([0-9]+) invokeClasses=([0-9]+) cpu=([0-9.]+) mainCpu=([0-9.]+)");
    private static final Pattern BREAKDOWN = Pattern.compile("BREAKDOWN phase=([A-Z_]+) stage=([A-Z_]+) ms=([0-9.]+)");
    /** A line of {@code -Xlog:class+load}: the class and where it came from. */
    private static final Pattern CLASS_LOAD = Pattern.compile("\\] (\\S+) source: (.+)$");

    private final Path root;
    private final URI dynamoDbEndpoint;

    ColdStartBench(Path root, URI dynamoDbEndpoint) {
        this.root = root;
        this.dynamoDbEndpoint = dynamoDbEndpoint;
    }

    /** What one child JVM runs. */
    private record Subject(String logicalId, String handlerClass, String classpath, String classpathKind,
                           Map<String, String> environment) {
    }

    /**
     * @param functions     the template's functions and the reference handler (a missing one runs on the
     *                      bench's own classpath, and says so)
     * @param oneCpuSamples rounds pinned to one CPU with {@code taskset} (none where it is missing or
     *                      the machine has one CPU)
     */
    List<Result> run(List<FunctionArtifacts.Function> functions, int samples, int oneCpuSamples, int breakdownRuns)
            throws IOException, InterruptedException {
        HttpServer downstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        downstream.createContext("/", exchange -> {
            byte[] body = "{\"item\":{\"id\":1},\"servedAt\":0}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(body);
            }
        });
        downstream.start();
        try {
            String base = "http://127.0.0.1:" + downstream.getAddress().getPort();
            ResolvedTemplate template = SamTemplate.load(root.resolve("template.yaml"))
                    .resolve(new LocalBindings(Map.of(), base, Map.of("DYNAMODB_ENDPOINT", dynamoDbEndpoint.toString())));
            Path ownClasses = root.resolve("lab-experiments/target/classes");
            List<Subject> subjects = new ArrayList<>();
            for (String id : List.of("UpstreamFunction", "DownstreamFunction", FunctionArtifacts.REFERENCE)) {
                boolean reference = id.equals(FunctionArtifacts.REFERENCE);
                // The reference runs with the upstream's environment: same table, downstream, region and JVM options.
                FunctionDefinition fn = template.function(reference ? "UpstreamFunction" : id).orElseThrow();
                String cp = functions.stream().filter(f -> f.logicalId().equals(id)).findFirst()
                        .map(f -> f.classpath(ownClasses)).orElse(null);
                String kind = cp != null ? "its own runtime classpath" : "bench JVM classpath (fallback)";
                if (cp == null) {
                    cp = System.getProperty("java.class.path");
                }
                // What Lambda sets, with the local credentials (the upstream signs its call to the stand-in).
                Map<String, String> env = new LinkedHashMap<>(LocalLambdaService.lambdaEnvironment(fn, LocalCredentials.DEFAULT));
                String handler = reference ? FunctionArtifacts.REFERENCE_HANDLER_CLASS : fn.handlerClass();
                if (reference) {
                    env.put("_HANDLER", handler + "::handleRequest");
                }
                subjects.add(new Subject(id, handler, cp, kind, env));
            }
            Map<String, List<Sample>> timed = new LinkedHashMap<>();
            Map<String, List<Sample>> pinned = new LinkedHashMap<>();
            Map<String, List<Map<String, Double>>> profiled = new LinkedHashMap<>();
            Map<String, List<Map<String, Double>>> loaded = new LinkedHashMap<>();
            subjects.forEach(s -> {
                timed.put(s.logicalId(), new ArrayList<>());
                pinned.put(s.logicalId(), new ArrayList<>());
                profiled.put(s.logicalId(), new ArrayList<>());
                loaded.put(s.logicalId(), new ArrayList<>());
            });
            for (int i = 0; i < samples; i++) {
                for (Subject s : subjects) {
                    timed.get(s.logicalId()).add(parseSample(s, run(s, null, null)));
                }
            }
            String oneCpu = oneCpuSamples > 0 ? lastCpu() : null;
            for (int i = 0; oneCpu != null && i < oneCpuSamples; i++) {
                for (Subject s : subjects) {
                    pinned.get(s.logicalId()).add(parseSample(s, run(s, null, oneCpu)));
                }
            }
            for (int i = 0; i < breakdownRuns; i++) {
                for (Subject s : subjects) {
                    Path classLog = Files.createTempFile("lab-coldstart-classes", ".log");
                    try {
                        profiled.get(s.logicalId()).add(parseBreakdown(run(s, classLog, null)));
                        loaded.get(s.logicalId()).add(classesByLibrary(Files.readAllLines(classLog, StandardCharsets.UTF_8)));
                    } finally {
                        Files.deleteIfExists(classLog);
                    }
                }
            }
            List<Result> results = new ArrayList<>();
            for (Subject s : subjects) {
                results.add(new Result(s.logicalId(), s.handlerClass(), EVENTS.get(s.logicalId()), timed.get(s.logicalId()),
                        pinned.get(s.logicalId()), s.classpathKind(), stages(profiled.get(s.logicalId())),
                        medianByKey(loaded.get(s.logicalId())), breakdownRuns));
            }
            return results;
        } finally {
            downstream.stop(0);
        }
    }

    /**
     * The number of this machine's last CPU, for {@code taskset -c}, or null when there is only one or
     * no {@code taskset} (util-linux) to pin with.
     */
    private static String lastCpu() {
        int cpus = Runtime.getRuntime().availableProcessors();
        if (cpus < 2) {
            return null;
        }
        for (String dir : List.of("/usr/bin", "/bin")) {
            if (Files.isExecutable(Path.of(dir, "taskset"))) {
                return Integer.toString(cpus - 1);
            }
        }
        return null;
    }

    /**
     * @param classLog null for a timed sample; else a profiled run ({@code --breakdown}) that logs the
     *                 classes it loads to this file
     * @param cpu      null, or the CPU to pin the child JVM to
     * @return the child's output
     */
    private String run(Subject subject, Path classLog, String cpu) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>();
        if (cpu != null) {
            cmd.addAll(List.of("taskset", "-c", cpu));
        }
        cmd.add(java);
        if (classLog != null) {
            cmd.add("-Xlog:class+load=info:file=" + classLog);
        }
        cmd.addAll(List.of("-cp", subject.classpath(), ColdStartMain.class.getName(),
                subject.handlerClass(), root.resolve(EVENTS.get(subject.logicalId())).toString()));
        if (classLog != null) {
            cmd.add("--breakdown");
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        String path = env.get("PATH");
        env.clear();
        if (path != null) {
            env.put("PATH", path);
        }
        env.putAll(subject.environment());
        Path out = Files.createTempFile("lab-coldstart", ".out");
        try {
            Process p = pb.redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(subject.logicalId() + " cold start did not finish within 60 s");
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0 || !LINE.matcher(text).find()) {
                throw new IllegalStateException(subject.logicalId() + " cold start failed (exit " + p.exitValue() + "): "
                        + (text.length() > 600 ? text.substring(text.length() - 600) : text));
            }
            return text;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static Sample parseSample(Subject subject, String text) {
        Matcher m = LINE.matcher(text);
        if (!m.find()) {
            throw new IllegalStateException(subject.logicalId() + ": no COLDSTART line");
        }
        return new Sample(Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)), Long.parseLong(m.group(3)),
                Integer.parseInt(m.group(4)), Long.parseLong(m.group(5)), Long.parseLong(m.group(6)),
                Double.parseDouble(m.group(7)), Double.parseDouble(m.group(8)));
    }

    /** "PHASE/STAGE" to ms of one profiled run. */
    static Map<String, Double> parseBreakdown(String text) {
        Map<String, Double> cells = new LinkedHashMap<>();
        Matcher m = BREAKDOWN.matcher(text);
        while (m.find()) {
            cells.put(m.group(1) + "/" + m.group(2), Double.parseDouble(m.group(3)));
        }
        return cells;
    }

    /**
     * The classes a profiled run loaded between {@link ColdStartMain.StartMarker} and
     * {@link ColdStartMain.EndMarker}, on any thread, counted by where they come from: a jar (without
     * its version), a module's own classes, the JDK. A generated class (a lambda) counts for the
     * library of the class that defined it.
     */
    static Map<String, Double> classesByLibrary(List<String> classLoadLog) {
        Map<String, String> libraryOf = new java.util.HashMap<>();
        Map<String, Double> counts = new java.util.TreeMap<>();
        boolean counting = false;
        for (String line : classLoadLog) {
            Matcher m = CLASS_LOAD.matcher(line);
            if (!m.find()) {
                continue;
            }
            String name = m.group(1);
            String library = library(m.group(2), libraryOf);
            libraryOf.put(name, library);
            if (name.equals(ColdStartMain.StartMarker.class.getName())) {
                counting = true;
            } else if (name.equals(ColdStartMain.EndMarker.class.getName())) {
                break;
            } else if (counting) {
                counts.merge(library, 1.0, Double::sum);
            }
        }
        return counts;
    }

    private static String library(String source, Map<String, String> libraryOf) {
        if (source.startsWith("jrt:/")) {
            return source.equals("jrt:/java.net.http") ? "JDK java.net.http" : "JDK";
        }
        if (source.startsWith("file:")) {
            String path = source.substring("file:".length());
            if (path.endsWith(".jar")) {
                String jar = path.substring(path.lastIndexOf('/') + 1);
                return jar.replaceFirst("-\\d[^/]*\\.jar$", "").replaceFirst("\\.jar$", "");
            }
            String dir = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
            dir = dir.endsWith("/target/classes") ? dir.substring(0, dir.length() - "/target/classes".length()) : dir;
            return dir.substring(dir.lastIndexOf('/') + 1) + " (own classes)";
        }
        // A hidden class names the class that defined it; anything else is the JVM's own.
        return libraryOf.getOrDefault(source, "JDK");
    }

    /** Each key's median over the runs (a run without the key counts as 0). */
    static Map<String, Double> medianByKey(List<Map<String, Double>> runs) {
        Map<String, Double> medians = new LinkedHashMap<>();
        runs.stream().flatMap(r -> r.keySet().stream()).distinct().sorted().forEach(key -> medians.put(key,
                Percentiles.of(runs.stream().mapToDouble(r -> r.getOrDefault(key, 0.0)).toArray(), 0.5)));
        return medians;
    }

    /** Each stage's median over the runs (a run without the stage counts as 0), in phase and stage order. */
    static List<Stage> stages(List<Map<String, Double>> runs) {
        Map<String, Double> medians = medianByKey(runs);
        List<Stage> stages = new ArrayList<>();
        for (StartupProfile.Phase phase : StartupProfile.Phase.values()) {
            for (StartupProfile.Stage stage : StartupProfile.Stage.values()) {
                Double ms = medians.get(phase.name() + "/" + stage.name());
                if (ms != null) {
                    stages.add(new Stage(phase.name(), stage.name(), stage.label, ms));
                }
            }
        }
        return stages;
    }
}
