package dev.circuitlab.local.http;

import java.util.List;
import java.util.Map;

/**
 * An HTTP request as received, before it becomes an API Gateway event.
 *
 * @param method    request method
 * @param rawPath   path as sent (still percent-encoded)
 * @param rawQuery  query string as sent, or empty
 * @param headers   header names lower-cased, values in order
 * @param body      request body bytes (empty if none)
 * @param sourceIp  client address
 * @param localPort port the request arrived on
 */
public record HttpRequestData(String method, String rawPath, String rawQuery, Map<String, List<String>> headers,
                              byte[] body, String sourceIp, int localPort) {
}
