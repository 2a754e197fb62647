package dev.circuitlab.downstream;

import com.amazonaws.services.lambda.runtime.Context;
import dev.circuitlab.function.HttpApiRequest;
import dev.circuitlab.function.HttpApiResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/** Exact-path routing with proper 404 and 405 (with {@code Allow}) answers. */
final class Routes {

    @FunctionalInterface
    interface Endpoint {
        HttpApiResponse handle(HttpApiRequest request, Context context);
    }

    private static final int MAX_ECHOED_PATH_CHARS = 100;

    private final Map<String, Map<String, Endpoint>> byPath = new LinkedHashMap<>();

    Routes add(String method, String path, Endpoint endpoint) {
        byPath.computeIfAbsent(path, p -> new LinkedHashMap<>()).put(method, endpoint);
        return this;
    }

    HttpApiResponse dispatch(HttpApiRequest request, Context context) {
        Map<String, Endpoint> methods = byPath.get(request.path());
        if (methods == null) {
            return HttpApiResponse.error(404, "no route for " + request.method() + " " + echo(request.path())
                    + "; routes: " + String.join(", ", byPath.keySet()));
        }
        Endpoint endpoint = methods.get(request.method());
        if (endpoint == null) {
            String allow = String.join(", ", methods.keySet());
            return HttpApiResponse.error(405, "method " + echo(request.method()) + " is not allowed on " + request.path()
                    + "; allowed: " + allow).withHeader("Allow", allow);
        }
        return endpoint.handle(request, context);
    }

    private static String echo(String value) {
        return value.length() <= MAX_ECHOED_PATH_CHARS ? value : value.substring(0, MAX_ECHOED_PATH_CHARS) + "...";
    }
}
