package dev.circuitlab.local.http;

import dev.circuitlab.local.template.HttpRoute;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Picks the route for a request the way an HTTP API does: an exact path beats one with path
 * variables, which beats a greedy {@code {proxy+}}; a specific method beats {@code ANY}; the
 * {@code $default} route catches the rest. Every API is served on the one local port (as
 * {@code sam local start-api} does), so two APIs declaring the same route key is reported.
 */
public final class RouteTable {

    /** A matched route with its decoded path parameters. */
    public record Match(HttpRoute route, Map<String, String> pathParameters) {
    }

    private final List<HttpRoute> routes;
    private final List<String> conflicts = new ArrayList<>();

    public RouteTable(List<HttpRoute> routes) {
        List<HttpRoute> kept = new ArrayList<>();
        Map<String, HttpRoute> byKey = new LinkedHashMap<>();
        for (HttpRoute r : routes) {
            HttpRoute earlier = byKey.putIfAbsent(r.routeKey(), r);
            if (earlier != null) {
                conflicts.add("route " + r.routeKey() + " of " + r.functionId() + " (" + r.apiId()
                        + ") is also declared by " + earlier.functionId() + " (" + earlier.apiId() + "); the first wins");
            } else {
                kept.add(r);
            }
        }
        this.routes = List.copyOf(kept);
    }

    public List<HttpRoute> routes() {
        return routes;
    }

    /** Routes declared twice across APIs (the local server can serve only one of them). */
    public List<String> conflicts() {
        return List.copyOf(conflicts);
    }

    public Optional<Match> match(String method, String rawPath) {
        record Candidate(HttpRoute route, Map<String, String> params, int greedy, int variables, int anyMethod) {
        }
        List<Candidate> candidates = new ArrayList<>();
        HttpRoute fallback = null;
        for (HttpRoute route : routes) {
            if (route.path().equals(HttpRoute.DEFAULT_ROUTE)) {
                fallback = route;
                continue;
            }
            boolean any = route.method().equals("ANY");
            if (!any && !route.method().equalsIgnoreCase(method)) {
                continue;
            }
            Map<String, String> params = new LinkedHashMap<>();
            int[] shape = matchPath(route.path(), rawPath, params);
            if (shape != null) {
                candidates.add(new Candidate(route, params, shape[0], shape[1], any ? 1 : 0));
            }
        }
        Optional<Match> best = candidates.stream()
                .min(Comparator.comparingInt(Candidate::greedy)
                        .thenComparingInt(Candidate::variables)
                        .thenComparingInt(Candidate::anyMethod))
                .map(c -> new Match(c.route(), c.params()));
        if (best.isEmpty() && fallback != null) {
            return Optional.of(new Match(fallback, Map.of()));
        }
        return best;
    }

    /** Returns {greedy, variableCount} if the path matches, else null; fills params. */
    private static int[] matchPath(String template, String rawPath, Map<String, String> params) {
        String[] t = template.substring(1).split("/", -1);
        String[] p = rawPath.startsWith("/") ? rawPath.substring(1).split("/", -1) : rawPath.split("/", -1);
        int variables = 0;
        for (int i = 0; i < t.length; i++) {
            String seg = t[i];
            boolean variable = seg.startsWith("{") && seg.endsWith("}");
            if (variable && seg.endsWith("+}") && i == t.length - 1) {
                if (i >= p.length || (p.length == i + 1 && p[i].isEmpty())) {
                    return null; // {proxy+} needs at least one segment
                }
                String rest = String.join("/", java.util.Arrays.copyOfRange(p, i, p.length));
                params.put(seg.substring(1, seg.length() - 2), decode(rest));
                return new int[] {1, variables + 1};
            }
            if (i >= p.length) {
                return null;
            }
            if (variable) {
                if (p[i].isEmpty()) {
                    return null;
                }
                params.put(seg.substring(1, seg.length() - 1), decode(p[i]));
                variables++;
            } else if (!seg.equals(p[i])) {
                return null;
            }
        }
        return t.length == p.length ? new int[] {0, variables} : null;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
