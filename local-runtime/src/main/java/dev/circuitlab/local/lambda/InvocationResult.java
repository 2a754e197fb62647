package dev.circuitlab.local.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;

/** How one invocation ended, as the Lambda service would report it to its caller. */
public sealed interface InvocationResult {

    String requestId();

    /** What Lambda's Invoke API returns as the payload: the handler's result or an error object. */
    JsonNode payload(ObjectMapper mapper);

    /** The handler returned; {@code response} is its result serialized to JSON. */
    record Success(String requestId, JsonNode response) implements InvocationResult {
        @Override
        public JsonNode payload(ObjectMapper mapper) {
            return response;
        }
    }

    /** The handler (or its construction) threw. The shape is the Java runtime's error payload. */
    record FunctionError(String requestId, String errorType, String errorMessage, List<String> stackTrace)
            implements InvocationResult {
        @Override
        public JsonNode payload(ObjectMapper mapper) {
            ObjectNode error = mapper.createObjectNode();
            error.put("errorMessage", errorMessage);
            error.put("errorType", errorType);
            error.putPOJO("stackTrace", stackTrace);
            return error;
        }
    }

    /** The function ran past its Timeout; its environment was discarded. */
    record TimedOut(String requestId, int timeoutSeconds) implements InvocationResult {
        public String message() {
            return "Task timed out after " + String.format(Locale.ROOT, "%.2f", (double) timeoutSeconds) + " seconds";
        }

        @Override
        public JsonNode payload(ObjectMapper mapper) {
            ObjectNode error = mapper.createObjectNode();
            error.put("errorMessage", "RequestId: " + requestId + " Error: " + message());
            error.put("errorType", "Sandbox.Timedout");
            return error;
        }
    }

    /** Every allowed execution environment was busy (the concurrency limit). */
    record Throttled(String requestId, int concurrencyLimit) implements InvocationResult {
        @Override
        public JsonNode payload(ObjectMapper mapper) {
            ObjectNode error = mapper.createObjectNode();
            error.put("errorMessage", "Rate Exceeded.");
            error.put("errorType", "TooManyRequestsException");
            error.put("Reason", concurrencyLimit == 0 ? "ReservedFunctionConcurrentInvocationLimitExceeded"
                    : "ConcurrentInvocationLimitExceeded");
            return error;
        }
    }
}
