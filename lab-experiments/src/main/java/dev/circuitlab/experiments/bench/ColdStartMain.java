package dev.circuitlab.experiments.bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One cold start, in a fresh JVM started by {@link ColdStartBench}: loads the handler class, builds
 * it with its no-arg constructor from this process's environment (as Lambda does), and invokes it
 * once with an event file. Prints one line:
 * {@code COLDSTART init=<ms> invoke=<ms> jvmToReady=<ms> status=<code> initClasses=<n> invokeClasses=<n> cpu=<ms> mainCpu=<ms>}
 * (the classes loaded by the construction and by the first invocation, the CPU time all the
 * process's threads used meanwhile, and the CPU time of this thread alone: what remains when other
 * threads take over the rest on a second core).
 *
 * <p>With {@code --breakdown} as third argument a {@link StartupProfile} samples the run, and one
 * {@code BREAKDOWN ...} line per phase and stage follows. Those runs are slower by the sampling, so
 * the bench times its headline samples without it. They also load {@link StartMarker} just before
 * the handler class and {@link EndMarker} just after the first invocation, so that a class-loading
 * log ({@code -Xlog:class+load}) of the run shows which classes the cold start loaded between them.
 *
 * <p>Only JDK classes and the function's own dependencies are used, and the event is read with
 * {@link MiniJson}, so nothing warms the handler's libraries before it is timed.
 */
public final class ColdStartMain {

    private ColdStartMain() {
    }

    public static void main(String[] args) throws Exception {
        String handlerClass = args[0];
        Path eventFile = Path.of(args[1]);
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) MiniJson.parse(Files.readString(eventFile));
        APIGatewayV2HTTPEvent event = toEvent(json);
        boolean breakdown = args.length > 2 && args[2].equals("--breakdown");
        ClassLoadingMXBean classLoading = ManagementFactory.getClassLoadingMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        StartupProfile profile = breakdown ? new StartupProfile(Thread.currentThread()) : null;
        if (profile != null) {
            profile.start();
        }

        if (profile != null) {
            StartMarker.load();
        }
        long c0 = classLoading.getTotalLoadedClassCount();
        long cpu0 = os.getProcessCpuTime();
        long mainCpu0 = threads.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        Class<?> type = Class.forName(handlerClass);
        if (profile != null) {
            profile.phase(StartupProfile.Phase.INIT);
        }
        Object handler = type.getConstructor().newInstance();
        long t1 = System.nanoTime();
        long c1 = classLoading.getTotalLoadedClassCount();
        if (profile != null) {
            profile.phase(StartupProfile.Phase.INVOKE);
        }
        Method handle = type.getMethod("handleRequest", APIGatewayV2HTTPEvent.class, Context.class);
        Object response = handle.invoke(handler, event, null);
        long t2 = System.nanoTime();
        long c2 = classLoading.getTotalLoadedClassCount();
        long cpu2 = os.getProcessCpuTime();
        long mainCpu2 = threads.getCurrentThreadCpuTime();
        if (profile != null) {
            profile.stop();
            EndMarker.load();
        }
        Object status = response.getClass().getMethod("getStatusCode").invoke(response);
        long jvmStart = ProcessHandle.current().info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L);
        long ready = jvmStart == 0 ? -1 : System.currentTimeMillis() - jvmStart;
        // stdout may also carry the handler's log lines: the result is one recognisable line.
        System.out.printf(java.util.Locale.ROOT,
                "COLDSTART init=%.2f invoke=%.2f jvmToReady=%d status=%s initClasses=%d invokeClasses=%d cpu=%.1f mainCpu=%.1f%n",
                (t1 - t0) / 1e6, (t2 - t1) / 1e6, ready, status, c1 - c0, c2 - c1, (cpu2 - cpu0) / 1e6,
                (mainCpu2 - mainCpu0) / 1e6);
        if (profile != null) {
            profile.lines().forEach(System.out::println);
        }
        System.out.flush();
        System.exit(0);
    }

    /** Loaded right before the cold start, only to mark it in a class-loading log. */
    static final class StartMarker {
        static void load() {
        }
    }

    /** Loaded right after the first invocation, only to mark it in a class-loading log. */
    static final class EndMarker {
        static void load() {
        }
    }

    @SuppressWarnings("unchecked")
    static APIGatewayV2HTTPEvent toEvent(Map<String, Object> j) {
        Map<String, Object> rc = (Map<String, Object>) j.getOrDefault("requestContext", Map.of());
        Map<String, Object> http = (Map<String, Object>) rc.getOrDefault("http", Map.of());
        Map<String, String> headers = new LinkedHashMap<>();
        ((Map<String, Object>) j.getOrDefault("headers", Map.of())).forEach((k, v) -> headers.put(k, String.valueOf(v)));
        return APIGatewayV2HTTPEvent.builder()
                .withVersion(str(j.get("version")))
                .withRouteKey(str(j.get("routeKey")))
                .withRawPath(str(j.get("rawPath")))
                .withRawQueryString(str(j.get("rawQueryString")))
                .withHeaders(headers)
                .withBody(str(j.get("body")))
                .withIsBase64Encoded(Boolean.TRUE.equals(j.get("isBase64Encoded")))
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withAccountId(str(rc.get("accountId")))
                        .withApiId(str(rc.get("apiId")))
                        .withDomainName(str(rc.get("domainName")))
                        .withRequestId(str(rc.get("requestId")))
                        .withRouteKey(str(rc.get("routeKey")))
                        .withStage(str(rc.get("stage")))
                        .withTime(str(rc.get("time")))
                        .withTimeEpoch(rc.get("timeEpoch") instanceof Number n ? n.longValue() : 0L)
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod(str(http.get("method")))
                                .withPath(str(http.get("path")))
                                .withProtocol(str(http.get("protocol")))
                                .withSourceIp(str(http.get("sourceIp")))
                                .withUserAgent(str(http.get("userAgent")))
                                .build())
                        .build())
                .build();
    }

    private static String str(Object o) {
        return o == null ? null : String.valueOf(o);
    }
}
