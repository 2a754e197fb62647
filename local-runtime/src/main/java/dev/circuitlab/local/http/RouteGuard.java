package dev.circuitlab.local.http;

import dev.circuitlab.local.template.HttpApiDefinition;
import dev.circuitlab.local.template.HttpRoute;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What API Gateway checks before it invokes a route's function: the stage's route throttling
 * (429) and, on IAM routes, the SigV4 signature (403). Without a verifier (the {@code --no-auth}
 * teaching mode) IAM routes accept any request as if the local credentials had signed it.
 */
public final class RouteGuard {

    /** Let the request through; {@code caller} is set for IAM routes. */
    public record Decision(HttpResponseData rejection, IamCaller caller) {
        public boolean allowed() {
            return rejection == null;
        }
    }

    private final Map<String, RouteThrottle> throttles = new LinkedHashMap<>();
    private final SigV4Verifier verifier;
    private final IamCaller unverifiedCaller;

    /**
     * @param apis           the template's HTTP APIs (their default route throttling)
     * @param verifier       checks signatures on IAM routes; null accepts unsigned requests there
     * @param unverifiedCaller who an unsigned request on an IAM route is taken for when {@code verifier} is null
     */
    public RouteGuard(Map<String, HttpApiDefinition> apis, SigV4Verifier verifier, IamCaller unverifiedCaller) {
        apis.forEach((id, api) -> api.defaultRouteThrottle().ifPresent(t -> throttles.put(id, new RouteThrottle(t))));
        this.verifier = verifier;
        this.unverifiedCaller = Objects.requireNonNull(unverifiedCaller, "unverifiedCaller");
    }

    /** Signatures are checked on IAM routes. */
    public boolean verifiesSignatures() {
        return verifier != null;
    }

    public Decision check(HttpRoute route, HttpRequestData request) {
        RouteThrottle throttle = throttles.get(route.apiId());
        if (throttle != null && !throttle.tryAcquire(route.routeKey())) {
            return new Decision(HttpApiResponses.THROTTLED, null);
        }
        if (!route.iamAuth()) {
            return new Decision(null, null);
        }
        if (verifier == null) {
            return new Decision(null, unverifiedCaller);
        }
        return switch (verifier.verify(request)) {
            case SigV4Verifier.Allowed allowed -> new Decision(null, allowed.caller());
            case SigV4Verifier.Denied denied -> new Decision(HttpApiResponses.forbidden(denied.message()), null);
        };
    }
}
