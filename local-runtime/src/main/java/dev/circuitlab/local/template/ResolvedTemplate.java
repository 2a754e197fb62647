package dev.circuitlab.local.template;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The template as the local runtime runs it: parameter values, functions, their routes and the
 * tables to create.
 *
 * @param parameterValues every parameter's value (defaults with overrides applied)
 * @param functions       functions by logical ID, in template order
 * @param tables          DynamoDB tables, in template order
 * @param apis            the HTTP APIs' throttling and default authorizer, by logical ID
 * @param warnings        things the local runtime ignores that a user may want to know about
 */
public record ResolvedTemplate(Map<String, String> parameterValues, Map<String, FunctionDefinition> functions,
                               List<TableDefinition> tables, Map<String, HttpApiDefinition> apis,
                               List<String> warnings) {

    public Optional<FunctionDefinition> function(String logicalId) {
        return Optional.ofNullable(functions.get(logicalId));
    }

    /** The API's settings; an API the template does not declare (the implicit one) has none. */
    public HttpApiDefinition api(String logicalId) {
        HttpApiDefinition api = apis.get(logicalId);
        return api != null ? api : new HttpApiDefinition(logicalId, Optional.empty(), false);
    }

    /** Every HttpApi route of every function, in template order. */
    public List<HttpRoute> routes() {
        return functions.values().stream().flatMap(f -> f.routes().stream()).toList();
    }
}
