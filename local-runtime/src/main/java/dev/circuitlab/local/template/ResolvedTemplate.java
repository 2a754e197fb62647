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
 * @param warnings        things the local runtime ignores that a user may want to know about
 */
public record ResolvedTemplate(Map<String, String> parameterValues, Map<String, FunctionDefinition> functions,
                               List<TableDefinition> tables, List<String> warnings) {

    public Optional<FunctionDefinition> function(String logicalId) {
        return Optional.ofNullable(functions.get(logicalId));
    }

    /** Every HttpApi route of every function, in template order. */
    public List<HttpRoute> routes() {
        return functions.values().stream().flatMap(f -> f.routes().stream()).toList();
    }
}
