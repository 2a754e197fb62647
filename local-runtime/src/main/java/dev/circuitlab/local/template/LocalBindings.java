package dev.circuitlab.local.template;

import java.util.Map;

/**
 * What the local run decides that the template cannot know.
 *
 * @param parameterOverrides   {@code --parameter-overrides} values by parameter name
 * @param localBaseUrl         where the local HTTP server answers for every API, e.g. {@code http://127.0.0.1:3000}
 * @param environmentOverrides variables set on every function after the template's (e.g. {@code DYNAMODB_ENDPOINT})
 */
public record LocalBindings(Map<String, String> parameterOverrides, String localBaseUrl,
                            Map<String, String> environmentOverrides) {

    public LocalBindings {
        parameterOverrides = Map.copyOf(parameterOverrides);
        environmentOverrides = Map.copyOf(environmentOverrides);
    }
}
