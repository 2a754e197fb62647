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
 * Cold start of each function in a fresh JVM per sample ({@link ColdStartMain}): class loading and
 * construction ("init", what Lambda reports as Init Duration), then the first invocation with the
 * function's event file from {@code events/}. The child gets the function's environment from
 * template.yaml (including its {@code JAVA_TOOL_OPTIONS}), its own runtime classpath only, a real
 * DynamoDB endpoint (dynalite) and, for the upstream, a loopback stand-in downstream.
 */
final class ColdStartBench {

    record Sample(double initMs, double invokeMs, long jvmToReadyMs, int status) {
        double totalMs() {
            return initMs + invokeMs;
        }
    }

    record Result(String logicalId, String event, List<Sample> samples, String classpathKind) {
        double median(java.util.function.ToDoubleFunction<Sample> f) {
            return Percentiles.of(samples.stream().mapToDouble(f).toArray(), 0.5);
        }
    }

    static final Map<String, String> EVENTS = Map.of(
            "UpstreamFunction", "events/upstream-get.json",
            "DownstreamFunction", "events/downstream-get.json");
    private static final Pattern LINE = Pattern.compile(
            "COLDSTART init=([0-9.]+) invoke=([0-9.]+) jvmToReady=(-?[0-9]+) status=(-?[0-9]+)");

    private final Path root;
    private final URI dynamoDbEndpoint;

    ColdStartBench(Path root, URI dynamoDbEndpoint) {
        this.root = root;
        this.dynamoDbEndpoint = dynamoDbEndpoint;
    }

    List<Result> run(List<FunctionArtifacts.Function> functions, int samples) throws IOException, InterruptedException {
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
            List<Result> results = new ArrayList<>();
            for (String id : List.of("UpstreamFunction", "DownstreamFunction")) {
                FunctionDefinition fn = template.function(id).orElseThrow();
                String cp = functions.stream().filter(f -> f.logicalId().equals(id)).findFirst()
                        .map(f -> f.classpath(ownClasses)).orElse(null);
                String kind = cp != null ? "function's own runtime classpath" : "bench JVM classpath (fallback)";
                if (cp == null) {
                    cp = System.getProperty("java.class.path");
                }
                List<Sample> list = new ArrayList<>();
                for (int i = 0; i < samples; i++) {
                    list.add(sample(fn, cp));
                }
                results.add(new Result(id, EVENTS.get(id), list, kind));
            }
            return results;
        } finally {
            downstream.stop(0);
        }
    }

    private Sample sample(FunctionDefinition fn, String classpath) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", classpath, ColdStartMain.class.getName(), fn.handlerClass(),
                root.resolve(EVENTS.get(fn.logicalId())).toString());
        Map<String, String> env = pb.environment();
        String path = env.get("PATH");
        env.clear();
        if (path != null) {
            env.put("PATH", path);
        }
        // What Lambda sets, with the local credentials (the upstream signs its call to the stand-in).
        env.putAll(LocalLambdaService.lambdaEnvironment(fn, LocalCredentials.DEFAULT));
        Path out = Files.createTempFile("lab-coldstart", ".out");
        try {
            Process p = pb.redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(fn.logicalId() + " cold start did not finish within 60 s");
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            Matcher m = LINE.matcher(text);
            if (p.exitValue() != 0 || !m.find()) {
                throw new IllegalStateException(fn.logicalId() + " cold start failed (exit " + p.exitValue() + "): "
                        + (text.length() > 600 ? text.substring(text.length() - 600) : text));
            }
            return new Sample(Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)), Long.parseLong(m.group(3)),
                    Integer.parseInt(m.group(4)));
        } finally {
            Files.deleteIfExists(out);
        }
    }

}
