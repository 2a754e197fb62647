package dev.circuitlab.upstream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.circuitlab.function.HttpApiRequest;
import dev.circuitlab.function.HttpApiResponse;
import dev.circuitlab.function.Json;
import java.util.function.Supplier;

/**
 * Maps method and path to a route. Matching uses the raw path rather than API Gateway's routeKey,
 * so the same code answers behind a {@code $default} catch-all route and in the local runtime.
 *
 * <pre>
 * GET  /upstream                          the protected downstream call
 * GET  /upstream/with-faults              the same (its route needs IAM, so X-Fault-* headers are forwarded)
 * GET  /health                            liveness; touches neither DynamoDB nor the downstream
 * GET  /circuits/{id}                     snapshot
 * POST /circuits/{id}/reset|force-open|disable
 * </pre>
 * An event without a method or path → 400, unknown path → 404, known path with another method → 405 with {@code Allow}, a body over
 * {@value HttpApiRequest#MAX_BODY_BYTES} bytes → 413. No route reads its body: the admin actions take none.
 */
final class UpstreamRouter {

    /** The IAM route for operators; whether fault headers count depends on the authorizer, not the path. */
    static final String WITH_FAULTS = "/upstream/with-faults";

    private final GuardedDownstreamCall call;
    private final CircuitAdminRoutes admin;

    UpstreamRouter(GuardedDownstreamCall call, CircuitAdminRoutes admin) {
        this.call = call;
        this.admin = admin;
    }

    HttpApiResponse route(HttpApiRequest request) {
        if (!request.isHttpApiEvent()) {
            return HttpApiResponse.error(400, HttpApiRequest.NOT_AN_HTTP_API_EVENT);
        }
        String path = withoutTrailingSlash(request.path());
        String[] segments = path.substring(1).split("/", -1);
        if (path.equals("/upstream") || path.equals(WITH_FAULTS)) {
            return only("GET", request, () -> call.handle(request));
        }
        if (path.equals("/health")) {
            return only("GET", request, UpstreamRouter::health);
        }
        // Like API Gateway's {id}, an empty segment matches no circuit route.
        boolean circuitRoute = segments[0].equals("circuits") && segments.length >= 2 && !segments[1].isEmpty();
        if (circuitRoute && segments.length == 2) {
            return only("GET", request, () -> admin.get(segments[1]));
        }
        if (circuitRoute && segments.length == 3 && CircuitAdminRoutes.ACTIONS.containsKey(segments[2])) {
            return only("POST", request, () -> admin.act(segments[1], segments[2]));
        }
        return HttpApiResponse.error(404, "no such route", "method", request.method(), "path", shorten(path));
    }

    private static HttpApiResponse only(String method, HttpApiRequest request, Supplier<HttpApiResponse> route) {
        if (!method.equals(request.method())) {
            return HttpApiResponse.error(405, "method not allowed", "method", request.method(), "allowed", method)
                    .withHeader("Allow", method);
        }
        if (request.bodyBytes() > HttpApiRequest.MAX_BODY_BYTES) {
            return HttpApiResponse.error(413, "request body too large", "limitBytes", HttpApiRequest.MAX_BODY_BYTES,
                    "bodyBytes", request.bodyBytes());
        }
        return route.get();
    }

    private static HttpApiResponse health() {
        ObjectNode body = Json.object();
        body.put("status", "ok");
        return HttpApiResponse.json(200, body);
    }

    /** "/health/" is "/health"; "/" stays "/". */
    private static String withoutTrailingSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static String shorten(String path) {
        return path.length() > 200 ? path.substring(0, 200) + "..." : path;
    }
}
