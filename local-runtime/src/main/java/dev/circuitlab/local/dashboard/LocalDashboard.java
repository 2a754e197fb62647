package dev.circuitlab.local.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.circuitlab.local.http.LocalApiServer;
import dev.circuitlab.local.lambda.ExecutionEnvironmentPool;
import dev.circuitlab.local.lambda.LocalLambdaService;
import dev.circuitlab.local.template.LocalBindings;
import dev.circuitlab.local.template.SamTemplate;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The live local dashboard: the template's {@code AWS::CloudWatch::Dashboard}s drawn from the
 * metrics this machine really produced. Collects the functions' EMF documents ({@link EmfCollector})
 * and the runtime's AWS/* counterparts into a {@link MetricStore}, and serves, on the local API port:
 * <ul>
 *   <li>{@code GET /_dashboard}: the page (Chart.js from its webjar, no network needed);</li>
 *   <li>{@code GET /_dashboard/data?minutes=5&period=1}: widgets, series and transitions as JSON;</li>
 *   <li>{@code GET /_dashboard/assets/...}: the page's script, style and Chart.js.</li>
 * </ul>
 */
public final class LocalDashboard implements AutoCloseable {

    public static final String PATH = "/_dashboard";
    static final String DASHBOARD_TYPE = "AWS::CloudWatch::Dashboard";
    static final int DEFAULT_MINUTES = 5;
    static final int DEFAULT_PERIOD_SECONDS = 1;

    private static final String ASSETS = "/dev/circuitlab/local/dashboard/";
    private static final String CHART_JS_POM = "/META-INF/maven/org.webjars.npm/chart.js/pom.properties";
    private static final Map<String, String> ASSET_TYPES = Map.of(
            "dashboard.js", "text/javascript; charset=utf-8",
            "dashboard.css", "text/css; charset=utf-8");

    private final List<DashboardDefinition> dashboards;
    private final Map<String, String> errors;
    private final MetricStore store = new MetricStore();
    private final TransitionTimeline timeline;
    private final EmfCollector collector;
    private final DashboardData data;
    private final ObjectMapper mapper;
    private final LocalLambdaService lambdas;
    private final List<LambdaMetricsRecorder> lambdaRecorders = new ArrayList<>();
    private final ScheduledExecutorService sampler;

    private LocalDashboard(List<DashboardDefinition> dashboards, Map<String, String> errors, LocalLambdaService lambdas,
                           ObjectMapper mapper) {
        this.dashboards = List.copyOf(dashboards);
        this.errors = Map.copyOf(errors);
        this.lambdas = lambdas;
        this.mapper = mapper;
        this.timeline = new TransitionTimeline(mapper);
        this.collector = new EmfCollector(store, timeline);
        this.data = new DashboardData(mapper, store, timeline);
        this.sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "local-dashboard-sampler");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Reads the template's dashboards, starts collecting and adds the pages to the server.
     * A dashboard that cannot be read is reported on the page (and in the returned object's
     * {@link #errors()}), never a reason not to start.
     */
    public static LocalDashboard start(SamTemplate template, LocalBindings bindings, LocalLambdaService lambdas,
                                       LocalApiServer server, ObjectMapper mapper) {
        List<DashboardDefinition> dashboards = new ArrayList<>();
        Map<String, String> errors = new LinkedHashMap<>();
        try {
            template.resolvedProperties(DASHBOARD_TYPE, bindings).forEach((id, props) -> {
                String name = props.get("DashboardName") == null ? id : String.valueOf(props.get("DashboardName"));
                try {
                    if (!(props.get("DashboardBody") instanceof String body)) {
                        throw new IllegalArgumentException("dashboard " + name + ": DashboardBody is not a string");
                    }
                    dashboards.add(DashboardDefinition.parse(name, body));
                } catch (IllegalArgumentException e) {
                    errors.put(name, e.getMessage());
                }
            });
        } catch (RuntimeException e) {
            errors.put("(template)", "dashboards not read: " + e.getMessage());
        }
        LocalDashboard dashboard = new LocalDashboard(dashboards, errors, lambdas, mapper);
        dashboard.attach(server);
        return dashboard;
    }

    private void attach(LocalApiServer server) {
        for (ExecutionEnvironmentPool pool : lambdas.pools()) {
            collector.attach(pool.log());
            LambdaMetricsRecorder recorder = new LambdaMetricsRecorder(store, pool);
            recorder.attach();
            lambdaRecorders.add(recorder);
        }
        server.addResponseListener(new ApiGatewayMetricsRecorder(store));
        DynamoDbMetricsInterceptor.register(store);
        sampler.scheduleAtFixedRate(() -> {
            long now = System.currentTimeMillis();
            lambdaRecorders.forEach(r -> r.sample(now));
        }, 0, 1, TimeUnit.SECONDS);
        server.addContext(PATH, this::handle);
    }

    public List<DashboardDefinition> dashboards() {
        return dashboards;
    }

    /** Dashboards that could not be read, by name, with the reason. */
    public Map<String, String> errors() {
        return errors;
    }

    /** Every metric recorded locally, from the functions' EMF documents and the runtime's AWS/* counterparts. */
    public MetricStore store() {
        return store;
    }

    public EmfCollector collector() {
        return collector;
    }

    public TransitionTimeline timeline() {
        return timeline;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
            String path = exchange.getRequestURI().getRawPath();
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                send(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n".getBytes(StandardCharsets.UTF_8));
            } else if (path.equals(PATH) || path.equals(PATH + "/")) {
                send(exchange, 200, "text/html; charset=utf-8", resource(ASSETS + "dashboard.html"));
            } else if (path.equals(PATH + "/data")) {
                Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
                int minutes = bounded(query.get("minutes"), DEFAULT_MINUTES, 1, (int) (MetricStore.DEFAULT_RETENTION_SECONDS / 60));
                int period = bounded(query.get("period"), DEFAULT_PERIOD_SECONDS, 1, 3600);
                byte[] json = mapper.writeValueAsBytes(
                        data.build(dashboards, errors, System.currentTimeMillis(), minutes, period));
                send(exchange, 200, "application/json", json);
            } else if (path.equals(PATH + "/assets/chart.umd.js")) {
                send(exchange, 200, "text/javascript; charset=utf-8", resource(chartJsPath()));
            } else if (path.startsWith(PATH + "/assets/") && ASSET_TYPES.containsKey(path.substring((PATH + "/assets/").length()))) {
                String name = path.substring((PATH + "/assets/").length());
                send(exchange, 200, ASSET_TYPES.get(name), resource(ASSETS + name));
            } else {
                send(exchange, 404, "application/json", "{\"message\":\"Not Found\"}".getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // the browser went away
        }
    }

    /** Chart.js's browser bundle in its webjar, whatever version the build put on the classpath. */
    static String chartJsPath() throws IOException {
        try (InputStream in = LocalDashboard.class.getResourceAsStream(CHART_JS_POM)) {
            if (in == null) {
                throw new IOException("the chart.js webjar is not on the classpath");
            }
            Properties p = new Properties();
            p.load(in);
            return "/META-INF/resources/webjars/chart.js/" + p.getProperty("version") + "/dist/chart.umd.js";
        }
    }

    private static byte[] resource(String path) throws IOException {
        try (InputStream in = LocalDashboard.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IOException("missing resource " + path);
            }
            return in.readAllBytes();
        }
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    out.putIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    private static int bounded(String value, int fallback, int min, int max) {
        try {
            return value == null ? fallback : Math.max(min, Math.min(max, Integer.parseInt(value.strip())));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** Stops collecting (the server's contexts go away with the server). */
    @Override
    public void close() {
        sampler.shutdownNow();
        DynamoDbMetricsInterceptor.unregister(store);
        lambdaRecorders.forEach(LambdaMetricsRecorder::detach);
        for (ExecutionEnvironmentPool pool : lambdas.pools()) {
            collector.detach(pool.log());
        }
    }
}
