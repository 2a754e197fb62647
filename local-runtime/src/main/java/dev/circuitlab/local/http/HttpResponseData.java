package dev.circuitlab.local.http;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * An HTTP response to send: status, headers in order (a name may repeat, e.g. Set-Cookie), body.
 */
public record HttpResponseData(int status, List<Map.Entry<String, String>> headers, byte[] body) {

    public static HttpResponseData json(int status, String json) {
        return new HttpResponseData(status, List.of(Map.entry("Content-Type", "application/json")),
                json.getBytes(StandardCharsets.UTF_8));
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
