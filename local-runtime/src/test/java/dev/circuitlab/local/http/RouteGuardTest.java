package dev.circuitlab.local.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.circuitlab.local.template.HttpApiDefinition;
import dev.circuitlab.local.template.HttpRoute;
import dev.circuitlab.testing.LocalCredentials;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What stands between a request and a route's function: throttling first, then the signature on IAM routes. */
class RouteGuardTest {

    private static final HttpRoute PUBLIC = new HttpRoute("Api", "GET", "/upstream", "Up", "Get");
    private static final HttpRoute IAM = new HttpRoute("Api", "PUT", "/faults", "Down", "Put", true);
    private static final HttpRequestData UNSIGNED = new HttpRequestData("PUT", "/faults", "",
            Map.of("host", List.of("127.0.0.1:3000")), new byte[0], "127.0.0.1", 3000);
    private static final IamCaller LOCAL = IamCaller.local("local");

    private static RouteGuard guard(SigV4Verifier verifier, Optional<HttpApiDefinition.Throttle> throttle) {
        return new RouteGuard(Map.of("Api", new HttpApiDefinition("Api", throttle, false)), verifier, LOCAL);
    }

    @Test
    void anIamRouteRefusesAnUnsignedRequestAndAPublicOneTakesItWithoutACaller() {
        RouteGuard guard = guard(new SigV4Verifier(LocalCredentials.DEFAULT, Clock.systemUTC()), Optional.empty());

        RouteGuard.Decision refused = guard.check(IAM, UNSIGNED);
        assertFalse(refused.allowed());
        assertEquals(403, refused.rejection().status());
        assertEquals("{\"message\":\"Forbidden\"}", refused.rejection().bodyText());

        RouteGuard.Decision open = guard.check(PUBLIC, UNSIGNED);
        assertTrue(open.allowed());
        assertNull(open.caller());
    }

    @Test
    void noAuthLetsUnsignedRequestsThroughIamRoutesAsTheLocalCaller() {
        RouteGuard guard = guard(null, Optional.empty());

        RouteGuard.Decision decision = guard.check(IAM, UNSIGNED);

        assertFalse(guard.verifiesSignatures());
        assertTrue(decision.allowed());
        assertEquals(LOCAL, decision.caller());
    }

    @Test
    void throttlingComesBeforeTheSignatureCheck() {
        RouteGuard guard = guard(new SigV4Verifier(LocalCredentials.DEFAULT, Clock.systemUTC()),
                Optional.of(new HttpApiDefinition.Throttle(0.001, 1)));

        assertEquals(403, guard.check(IAM, UNSIGNED).rejection().status(), "the bucket's one token");
        assertEquals(429, guard.check(IAM, UNSIGNED).rejection().status());
        assertTrue(guard.check(PUBLIC, UNSIGNED).allowed(), "another route, another bucket");
    }
}
