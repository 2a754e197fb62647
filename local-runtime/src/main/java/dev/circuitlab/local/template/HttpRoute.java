package dev.circuitlab.local.template;

/**
 * One {@code HttpApi} event of a function: a method and a path on an API.
 *
 * @param apiId      logical ID of the API (the implicit one is {@code ServerlessHttpApi})
 * @param method     upper-case method, or {@code ANY}
 * @param path       e.g. {@code /circuits/{id}}, {@code /files/{proxy+}}, or {@code $default}
 * @param functionId logical ID of the function that serves it
 * @param eventName  the event's name in the template, for messages
 * @param iamAuth    the route needs a SigV4-signed request ({@code Auth.Authorizer: AWS_IAM}, or the
 *                   API's {@code Auth.DefaultAuthorizer: AWS_IAM})
 */
public record HttpRoute(String apiId, String method, String path, String functionId, String eventName,
                        boolean iamAuth) {

    public static final String DEFAULT_ROUTE = "$default";

    /** A route open to anyone. */
    public HttpRoute(String apiId, String method, String path, String functionId, String eventName) {
        this(apiId, method, path, functionId, eventName, false);
    }

    /** API Gateway's route key: {@code GET /circuits/{id}}, or {@code $default}. */
    public String routeKey() {
        return path.equals(DEFAULT_ROUTE) ? DEFAULT_ROUTE : method + " " + path;
    }
}
