package dev.circuitlab.upstream;

import dev.circuitlab.function.HttpApiRequest;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Which {@code X-Fault-*} request headers the upstream forwards to the downstream. Only a request
 * API Gateway authorized with IAM (a signed request to {@code /upstream/with-faults}, or an invoke
 * event whose request context carries the IAM authorizer) may inject a fault: anyone else's
 * {@code X-Fault-*} headers are ignored, neither forwarded nor checked, so an anonymous caller can
 * neither open the circuit for everyone nor make the downstream hang.
 */
final class FaultHeaderPolicy {

    /** Names the downstream understands are short; anything odd is rejected rather than forwarded. */
    private static final Pattern NAME = Pattern.compile("(?i)x-fault-[a-z0-9-]{1,40}");
    private static final Pattern VALUE = Pattern.compile("[\\x20-\\x7E]{0,256}");
    static final int MAX_HEADERS = 10;
    static final String PREFIX = "x-fault-";

    /** What to do with a request's fault headers. */
    sealed interface Decision {
    }

    /** Forward these (possibly none). */
    record Forward(Map<String, String> headers) implements Decision {
    }

    /** An authorized request sent a header that cannot be forwarded: 400 naming it. */
    record Invalid(String header) implements Decision {
    }

    private FaultHeaderPolicy() {
    }

    static Decision decide(HttpApiRequest request) {
        Map<String, String> forward = new LinkedHashMap<>();
        if (!request.iamAuthorized()) {
            return new Forward(forward);
        }
        for (Map.Entry<String, String> h : request.headers().entrySet()) {
            String name = h.getKey();
            if (!name.toLowerCase(Locale.ROOT).startsWith(PREFIX)) {
                continue;
            }
            if (!NAME.matcher(name).matches() || !VALUE.matcher(h.getValue()).matches() || forward.size() >= MAX_HEADERS) {
                return new Invalid(name.length() > 64 ? name.substring(0, 64) : name);
            }
            forward.put(name, h.getValue());
        }
        return new Forward(forward);
    }

    /** Counts the fault headers a request sent that were not forwarded (for the call's log line). */
    static int ignored(HttpApiRequest request) {
        if (request.iamAuthorized()) {
            return 0;
        }
        return (int) request.headers().keySet().stream()
                .filter(n -> n.toLowerCase(Locale.ROOT).startsWith(PREFIX)).count();
    }
}
