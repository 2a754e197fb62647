package dev.circuitlab.local.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.circuitlab.local.template.HttpRoute;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteTableTest {

    private static HttpRoute route(String method, String path, String fn) {
        return new HttpRoute("Api", method, path, fn, fn);
    }

    private final RouteTable table = new RouteTable(List.of(
            route("GET", "/circuits/{id}", "Get"),
            route("POST", "/circuits/{id}/reset", "Reset"),
            route("GET", "/circuits/special", "Special"),
            route("ANY", "/files/{proxy+}", "Files"),
            route("GET", "/files/{proxy+}", "FilesGet"),
            route("GET", "/upstream", "Up")));

    private String fn(String method, String path) {
        return table.match(method, path).map(m -> m.route().functionId()).orElse("none");
    }

    @Test
    void mostSpecificRouteWins() {
        assertEquals("Up", fn("GET", "/upstream"));
        assertEquals("Special", fn("GET", "/circuits/special"), "a literal segment beats a variable");
        assertEquals("Get", fn("GET", "/circuits/abc"));
        assertEquals("Reset", fn("POST", "/circuits/abc/reset"));
        assertEquals("FilesGet", fn("GET", "/files/a/b"), "a method beats ANY");
        assertEquals("Files", fn("DELETE", "/files/a/b"));
    }

    @Test
    void unmatchedMethodOrPathIsNoRoute() {
        assertEquals("none", fn("POST", "/upstream"));
        assertEquals("none", fn("GET", "/upstream/"));
        assertEquals("none", fn("GET", "/circuits"));
        assertEquals("none", fn("GET", "/files"), "{proxy+} needs one segment");
        assertEquals("none", fn("GET", "/circuits/a/b"));
    }

    @Test
    void pathParametersAreDecoded() {
        assertEquals(Map.of("id", "a b+c"), table.match("GET", "/circuits/a%20b+c").orElseThrow().pathParameters());
        assertEquals(Map.of("proxy", "x/y z"), table.match("PUT", "/files/x/y%20z").orElseThrow().pathParameters());
    }

    @Test
    void defaultRouteCatchesTheRestAndDuplicatesAreReported() {
        RouteTable t = new RouteTable(List.of(
                route("GET", "/a", "A"),
                new HttpRoute("Other", "GET", "/a", "B", "B"),
                route("ANY", HttpRoute.DEFAULT_ROUTE, "Fallback")));
        assertEquals("A", t.match("GET", "/a").orElseThrow().route().functionId());
        assertEquals("Fallback", t.match("POST", "/zzz").orElseThrow().route().functionId());
        assertEquals(1, t.conflicts().size());
        assertTrue(t.conflicts().get(0).contains("GET /a"));
    }
}
