package dev.circuitlab.local.template;

import dev.circuitlab.local.LabException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeSet;

/**
 * A SAM template read for local runs: the parameters, conditions, {@code Globals.Function} and
 * resources. {@link #resolve} turns it into the functions, routes and tables of one run.
 */
public final class SamTemplate {

    /** The HTTP API SAM creates for HttpApi events that name no ApiId. */
    public static final String IMPLICIT_HTTP_API = "ServerlessHttpApi";

    static final String FUNCTION = "AWS::Serverless::Function";
    static final String TABLE = "AWS::DynamoDB::Table";
    static final String SIMPLE_TABLE = "AWS::Serverless::SimpleTable";
    static final String HTTP_API = "AWS::Serverless::HttpApi";
    static final String AWS_IAM = "AWS_IAM";

    private final String source;
    private final Map<String, ParameterDefinition> parameters = new LinkedHashMap<>();
    private final Map<String, Object> conditions;
    private final Map<String, Object> mappings;
    private final Map<String, Object> globalsFunction;
    private final Map<String, Map<String, Object>> resources = new LinkedHashMap<>();

    private SamTemplate(Map<String, Object> root, String source) {
        this.source = source;
        for (Map.Entry<String, Object> e : section(root, "Parameters").entrySet()) {
            parameters.put(e.getKey(), ParameterDefinition.from(e.getKey(), e.getValue()));
        }
        this.conditions = section(root, "Conditions");
        this.mappings = section(root, "Mappings");
        this.globalsFunction = section(section(root, "Globals"), "Function");
        for (Map.Entry<String, Object> e : section(root, "Resources").entrySet()) {
            if (!(e.getValue() instanceof Map<?, ?> resource) || resource.get("Type") == null) {
                throw new TemplateException(source + ": resource " + e.getKey() + " has no Type");
            }
            resources.put(e.getKey(), stringKeys(resource));
        }
        if (resources.isEmpty()) {
            throw new TemplateException(source + ": the template has no Resources");
        }
    }

    public static SamTemplate load(Path file) {
        return new SamTemplate(CloudFormationYaml.load(file), file.toString());
    }

    public static SamTemplate parse(String yaml) {
        return new SamTemplate(CloudFormationYaml.parse(yaml), "template");
    }

    public Map<String, ParameterDefinition> parameters() {
        return Collections.unmodifiableMap(parameters);
    }

    /** Logical IDs of every {@code AWS::Serverless::Function}, in template order. */
    public List<String> functionIds() {
        return resources.entrySet().stream()
                .filter(e -> FUNCTION.equals(e.getValue().get("Type")))
                .map(Map.Entry::getKey)
                .toList();
    }

    /** Resolves the template for one local run. */
    public ResolvedTemplate resolve(LocalBindings bindings) {
        Map<String, String> parameterValues = parameterValues(bindings.parameterOverrides());
        LocalResources local = localResources(bindings, parameterValues);
        IntrinsicResolver resolver = local.resolver;

        List<String> warnings = new ArrayList<>();
        List<TableDefinition> tables = new ArrayList<>();
        Map<String, FunctionDefinition> functions = new LinkedHashMap<>();
        // APIs first: a route's authorization may come from its API's default authorizer.
        Map<String, HttpApiDefinition> apis = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, Object>> e : resources.entrySet()) {
            if (HTTP_API.equals(e.getValue().get("Type")) && local.exists(e.getKey())) {
                apis.put(e.getKey(), httpApi(e.getKey(), properties(resolver, e.getValue(), e.getKey()), warnings));
            }
        }
        for (Map.Entry<String, Map<String, Object>> e : resources.entrySet()) {
            String id = e.getKey();
            Map<String, Object> resource = e.getValue();
            if (!local.exists(id)) {
                continue; // its Condition is false
            }
            switch (String.valueOf(resource.get("Type"))) {
                case TABLE, SIMPLE_TABLE -> tables.add(new TableDefinition(id, local.tableName(id),
                        String.valueOf(resource.get("Type")), properties(resolver, resource, id)));
                case FUNCTION -> functions.put(id, function(id, resource, resolver, local, bindings, apis, warnings));
                default -> {
                    // Other resources (log groups, alarms, dashboards...) have no local behaviour.
                }
            }
        }
        return new ResolvedTemplate(Collections.unmodifiableMap(parameterValues),
                Collections.unmodifiableMap(functions), List.copyOf(tables), Collections.unmodifiableMap(apis),
                List.copyOf(warnings));
    }

    /**
     * The Properties of every resource of {@code type} that exists in this run (its Condition holds),
     * by logical ID in template order, with every intrinsic resolved to local values: how the local
     * dashboard reads an {@code AWS::CloudWatch::Dashboard}'s {@code DashboardBody}, and tests read alarms.
     */
    public Map<String, Map<String, Object>> resolvedProperties(String type, LocalBindings bindings) {
        LocalResources local = localResources(bindings, parameterValues(bindings.parameterOverrides()));
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, Object>> e : resources.entrySet()) {
            if (type.equals(String.valueOf(e.getValue().get("Type"))) && local.exists(e.getKey())) {
                out.put(e.getKey(), Collections.unmodifiableMap(properties(local.resolver, e.getValue(), e.getKey())));
            }
        }
        return Collections.unmodifiableMap(out);
    }

    private LocalResources localResources(LocalBindings bindings, Map<String, String> parameterValues) {
        Map<String, Object> resolverParameters = new LinkedHashMap<>();
        parameterValues.forEach((name, value) -> resolverParameters.put(name,
                parameters.get(name).isList() ? List.of(value.split(",", -1)) : value));
        LocalResources local = new LocalResources(bindings.localBaseUrl());
        local.resolver = new IntrinsicResolver(resolverParameters, conditions, mappings, local);
        return local;
    }

    private Map<String, String> parameterValues(Map<String, String> overrides) {
        for (String name : overrides.keySet()) {
            if (!parameters.containsKey(name)) {
                throw new LabException("unknown parameter '" + name + "' in --parameter-overrides; the template's parameters are: "
                        + String.join(", ", new TreeSet<>(parameters.keySet())));
            }
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (ParameterDefinition p : parameters.values()) {
            String value;
            if (overrides.containsKey(p.name())) {
                value = overrides.get(p.name());
                p.validate(value, "override");
            } else if (p.defaultValue() != null) {
                value = p.defaultValue();
            } else {
                throw new LabException("parameter " + p.name() + " has no Default: pass --parameter-overrides "
                        + p.name() + "=VALUE");
            }
            values.put(p.name(), value);
        }
        return values;
    }

    private FunctionDefinition function(String id, Map<String, Object> resource, IntrinsicResolver resolver,
                                        LocalResources local, LocalBindings bindings,
                                        Map<String, HttpApiDefinition> apis, List<String> warnings) {
        Map<String, Object> props = deepMerge(globalsFunction, stringKeys(map(resource.get("Properties"))));
        String where = "function " + id;
        if (props.get("Handler") == null) {
            throw new TemplateException(where + " has no Handler");
        }
        String handler = resolver.resolveText(props.get("Handler"), where + " Handler");
        String handlerClass = handler.contains("::") ? handler.substring(0, handler.indexOf("::")) : handler;
        String handlerMethod = handler.contains("::") ? handler.substring(handler.indexOf("::") + 2) : "handleRequest";

        Map<String, String> environment = new LinkedHashMap<>();
        Object variables = map(props.get("Environment")).get("Variables");
        for (Map.Entry<?, ?> v : map(variables).entrySet()) {
            Object value = resolver.resolve(v.getValue());
            if (value != IntrinsicResolver.NO_VALUE) {
                environment.put(String.valueOf(v.getKey()),
                        local.toLocalUrls(resolver.resolveText(value, where + " variable " + v.getKey())));
            }
        }
        environment.putAll(bindings.environmentOverrides());

        List<HttpRoute> routes = new ArrayList<>();
        for (Map.Entry<?, ?> ev : map(props.get("Events")).entrySet()) {
            Map<String, Object> event = stringKeys(map(ev.getValue()));
            String type = String.valueOf(event.get("Type"));
            String eventName = String.valueOf(ev.getKey());
            if (type.equals("HttpApi")) {
                routes.add(route(id, eventName, map(resolver.resolve(event.getOrDefault("Properties", Map.of()))),
                        apis, warnings));
            } else if (type.equals("Api")) {
                warnings.add(id + "." + eventName + ": REST API (Type: Api) events are not served locally; use HttpApi");
            }
        }

        return new FunctionDefinition(
                id,
                props.get("FunctionName") == null ? id : resolver.resolveText(props.get("FunctionName"), where + " FunctionName"),
                handlerClass,
                handlerMethod,
                props.get("CodeUri") == null ? "" : String.valueOf(props.get("CodeUri")),
                environment,
                integer(resolver, props.get("Timeout"), FunctionDefinition.DEFAULT_TIMEOUT_SECONDS, where + " Timeout"),
                integer(resolver, props.get("MemorySize"), FunctionDefinition.DEFAULT_MEMORY_MB, where + " MemorySize"),
                optionalInteger(resolver, props.get("ReservedConcurrentExecutions"), where + " ReservedConcurrentExecutions"),
                routes);
    }

    private static HttpRoute route(String functionId, String eventName, Map<?, ?> props,
                                   Map<String, HttpApiDefinition> apis, List<String> warnings) {
        String api = props.get("ApiId") == null ? IMPLICIT_HTTP_API : String.valueOf(props.get("ApiId"));
        Object authorizer = map(props.get("Auth")).get("Authorizer");
        boolean iam;
        if (authorizer == null) {
            iam = apis.containsKey(api) && apis.get(api).iamByDefault();
        } else {
            iam = authorizer.equals(AWS_IAM);
            if (!iam && !authorizer.equals("NONE")) {
                warnings.add(functionId + "." + eventName + ": authorizer " + authorizer
                        + " is not enforced locally (only AWS_IAM is)");
            }
        }
        Object path = props.get("Path");
        Object method = props.get("Method");
        if (path == null && method == null) {
            return new HttpRoute(api, "ANY", HttpRoute.DEFAULT_ROUTE, functionId, eventName, iam);
        }
        if (path == null || method == null) {
            throw new TemplateException("function " + functionId + " event " + eventName + " needs both Path and Method");
        }
        String m = String.valueOf(method).toUpperCase(Locale.ROOT);
        String p = String.valueOf(path);
        if (!p.startsWith("/") && !p.equals(HttpRoute.DEFAULT_ROUTE)) {
            throw new TemplateException("function " + functionId + " event " + eventName + ": Path must start with '/': " + p);
        }
        return new HttpRoute(api, m, p, functionId, eventName, iam);
    }

    /** The stage's default route throttling and the API's default authorizer. */
    private static HttpApiDefinition httpApi(String id, Map<String, Object> props, List<String> warnings) {
        Map<?, ?> defaults = map(props.get("DefaultRouteSettings"));
        Object rate = defaults.get("ThrottlingRateLimit");
        Object burst = defaults.get("ThrottlingBurstLimit");
        Optional<HttpApiDefinition.Throttle> throttle = Optional.empty();
        if (rate != null && burst != null) {
            throttle = Optional.of(new HttpApiDefinition.Throttle(
                    number(rate, "API " + id + " ThrottlingRateLimit").doubleValue(),
                    wholeNumber(burst, "API " + id + " ThrottlingBurstLimit")));
        } else if (rate != null || burst != null) {
            warnings.add("API " + id + ": DefaultRouteSettings sets only one of ThrottlingRateLimit and"
                    + " ThrottlingBurstLimit; the local server throttles only when both are set");
        }
        if (props.get("RouteSettings") != null) {
            warnings.add("API " + id + ": RouteSettings (per-route overrides) are not applied locally");
        }
        Object defaultAuthorizer = map(props.get("Auth")).get("DefaultAuthorizer");
        return new HttpApiDefinition(id, throttle, AWS_IAM.equals(defaultAuthorizer));
    }

    private static BigDecimal number(Object value, String where) {
        try {
            return new BigDecimal(Scalars.text(value));
        } catch (NumberFormatException e) {
            throw new TemplateException(where + " is not a number: " + value);
        }
    }

    private static int wholeNumber(Object value, String where) {
        try {
            return new BigDecimal(Scalars.text(value)).intValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new TemplateException(where + " is not a whole number: " + value);
        }
    }

    private static Map<String, Object> properties(IntrinsicResolver resolver, Map<String, Object> resource, String id) {
        Object resolved = resolver.resolve(resource.getOrDefault("Properties", Map.of()));
        if (!(resolved instanceof Map<?, ?> m)) {
            throw new TemplateException("resource " + id + ": Properties is not a mapping");
        }
        return stringKeys(m);
    }

    private static int integer(IntrinsicResolver resolver, Object node, int fallback, String where) {
        OptionalInt v = optionalInteger(resolver, node, where);
        return v.isPresent() ? v.getAsInt() : fallback;
    }

    private static OptionalInt optionalInteger(IntrinsicResolver resolver, Object node, String where) {
        if (node == null) {
            return OptionalInt.empty();
        }
        Object v = resolver.resolve(node);
        if (v == IntrinsicResolver.NO_VALUE || v == null) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(wholeNumber(v, where));
    }

    /** Globals merge like SAM's: maps merge key by key, anything else the resource's value wins. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> deepMerge(Map<String, Object> base, Map<String, Object> override) {
        Map<String, Object> out = new LinkedHashMap<>(base);
        for (Map.Entry<String, Object> e : override.entrySet()) {
            Object b = out.get(e.getKey());
            if (b instanceof Map<?, ?> bm && e.getValue() instanceof Map<?, ?> om && !isIntrinsic(om)) {
                out.put(e.getKey(), deepMerge(stringKeys(bm), stringKeys(om)));
            } else {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    private static boolean isIntrinsic(Map<?, ?> m) {
        if (m.size() != 1) {
            return false;
        }
        String k = String.valueOf(m.keySet().iterator().next());
        return k.equals("Ref") || k.startsWith("Fn::");
    }

    private static Map<String, Object> section(Map<String, Object> root, String name) {
        Object v = root.get(name);
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw new TemplateException("template section " + name + " is not a mapping");
        }
        return stringKeys(m);
    }

    private static Map<?, ?> map(Object o) {
        return o instanceof Map<?, ?> m ? m : Map.of();
    }

    private static Map<String, Object> stringKeys(Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    /** Local answers for Ref / Fn::GetAtt of resources. */
    private final class LocalResources implements IntrinsicResolver.Resources {
        private final String localBaseUrl;
        private IntrinsicResolver resolver;

        LocalResources(String localBaseUrl) {
            this.localBaseUrl = localBaseUrl;
        }

        @Override
        public boolean exists(String id) {
            Map<String, Object> r = resources.get(id);
            if (r == null) {
                return id.equals(IMPLICIT_HTTP_API);
            }
            Object condition = r.get("Condition");
            return condition == null || resolver.condition(String.valueOf(condition));
        }

        private String type(String id) {
            Map<String, Object> r = resources.get(id);
            return r == null ? HTTP_API : String.valueOf(r.get("Type"));
        }

        private Map<?, ?> props(String id) {
            Map<String, Object> r = resources.get(id);
            return r == null ? Map.of() : map(r.get("Properties"));
        }

        String tableName(String id) {
            Object name = props(id).get("TableName");
            return name == null ? id : resolver.resolveText(name, "table " + id + " TableName");
        }

        private String functionName(String id) {
            Object name = props(id).get("FunctionName");
            return name == null ? id : resolver.resolveText(name, "function " + id + " FunctionName");
        }

        private boolean isApi(String id) {
            String t = type(id);
            return t.equals(HTTP_API) || t.equals("AWS::ApiGatewayV2::Api") || t.equals("AWS::Serverless::Api");
        }

        @Override
        public Object ref(String id) {
            return switch (type(id)) {
                case TABLE, SIMPLE_TABLE -> tableName(id);
                case FUNCTION, "AWS::Lambda::Function" -> functionName(id);
                default -> id; // APIs: the logical ID stands for the API id (see toLocalUrls)
            };
        }

        @Override
        public Object getAtt(String id, String attribute) {
            String arnPrefix = ":" + IntrinsicResolver.REGION + ":" + IntrinsicResolver.ACCOUNT_ID + ":";
            String t = type(id);
            if ((t.equals(TABLE) || t.equals(SIMPLE_TABLE)) && attribute.equals("Arn")) {
                return "arn:aws:dynamodb" + arnPrefix + "table/" + tableName(id);
            }
            if ((t.equals(TABLE) || t.equals(SIMPLE_TABLE)) && attribute.equals("StreamArn")) {
                return "arn:aws:dynamodb" + arnPrefix + "table/" + tableName(id) + "/stream/local";
            }
            if (t.equals(FUNCTION) && attribute.equals("Arn")) {
                return "arn:aws:lambda" + arnPrefix + "function:" + functionName(id);
            }
            if (isApi(id) && attribute.equals("ApiEndpoint")) {
                return localBaseUrl;
            }
            if (isApi(id) && (attribute.equals("ApiId") || attribute.equals("RootResourceId"))) {
                return id;
            }
            return "arn:aws:local" + arnPrefix + id + "/" + attribute;
        }

        /** {@code https://<ApiLogicalId>.execute-api.<region>.amazonaws.com} → the local server. */
        String toLocalUrls(String value) {
            if (!value.contains(".execute-api.")) {
                return value;
            }
            String result = value;
            for (String id : apiIds()) {
                result = result.replace("https://" + id + ".execute-api." + IntrinsicResolver.REGION + "."
                        + IntrinsicResolver.URL_SUFFIX, localBaseUrl);
            }
            return result;
        }

        private List<String> apiIds() {
            List<String> ids = new ArrayList<>(resources.keySet().stream().filter(this::isApi).toList());
            ids.add(IMPLICIT_HTTP_API);
            return ids;
        }
    }
}
