package dev.circuitlab.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * template.yaml protects its HTTP APIs: the downstream is reachable only with IAM, the fault and
 * admin routes need IAM, and every route (public ones above all) sits behind its stage's default
 * route throttling, whose limits are parameters with positive defaults.
 */
class ApiProtectionTest {

    private static final StackTemplate TEMPLATE = StackTemplate.load();
    /** Anonymous callers may use these, and only these. */
    private static final Set<String> PUBLIC_ROUTES = Set.of("GET /upstream", "GET /health");

    @Test
    void onlyUpstreamAndHealthArePublicEverythingElseNeedsIam() {
        Set<String> publicRoutes = new TreeSet<>();
        for (StackTemplate.Route r : TEMPLATE.httpApiRoutes()) {
            if (!r.iam()) {
                publicRoutes.add(r.routeKey());
            }
        }
        assertEquals(new TreeSet<>(PUBLIC_ROUTES), publicRoutes);
        assertTrue(TEMPLATE.httpApiRoutes().stream().filter(r -> r.apiId().equals("DownstreamApi")).allMatch(StackTemplate.Route::iam),
                "every downstream route needs IAM");
        assertTrue(TEMPLATE.httpApiRoutes().stream().anyMatch(r -> r.routeKey().equals("GET /upstream/with-faults") && r.iam()),
                "the signed way to drive per-request faults through the upstream");
    }

    @Test
    void everyRouteIsOnAnApiWhoseStageThrottlesEachRouteWithParameterisedLimits() {
        Map<String, Object> parameters = StackTemplate.map(TEMPLATE.root().get("Parameters"));
        for (StackTemplate.Route r : TEMPLATE.httpApiRoutes()) {
            assertFalse(r.apiId().equals("ServerlessHttpApi"), r + ": the implicit API has no throttling");
            Map<String, Object> api = TEMPLATE.properties(r.apiId());
            Map<String, Object> defaults = StackTemplate.map(api.get("DefaultRouteSettings"));
            for (String limit : List.of("ThrottlingRateLimit", "ThrottlingBurstLimit")) {
                Object ref = StackTemplate.map(defaults.get(limit)).get("Ref");
                assertTrue(ref != null && parameters.containsKey(ref.toString()),
                        r.apiId() + " DefaultRouteSettings." + limit + " is a parameter: " + defaults);
                Map<String, Object> parameter = StackTemplate.map(parameters.get(ref.toString()));
                double dflt = Double.parseDouble(String.valueOf(parameter.get("Default")));
                double min = Double.parseDouble(String.valueOf(parameter.get("MinValue")));
                assertTrue(dflt > 0 && min > 0, ref + ": a positive default and minimum, got " + parameter);
            }
            assertFalse(api.containsKey("RouteSettings"), r.apiId() + ": no per-route override of the stage's limits");
        }
    }

    @Test
    void functionsReachNoApiButTheOnesTheyAreGranted() {
        assertEquals(Set.of(), TEMPLATE.executeApiGrants("DownstreamFunction"), "the downstream calls nothing");
        assertFalse(TEMPLATE.executeApiGrants("UpstreamFunction").isEmpty());
    }
}
