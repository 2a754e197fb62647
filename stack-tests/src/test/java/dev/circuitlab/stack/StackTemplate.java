package dev.circuitlab.stack;

import dev.circuitlab.local.template.CloudFormationYaml;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** template.yaml as plain maps (intrinsics in long form), with the few look-ups these tests need. */
final class StackTemplate {

    private final Map<String, Object> root;

    private StackTemplate(Map<String, Object> root) {
        this.root = root;
    }

    static Path projectRoot() {
        String prop = System.getProperty("circuitlab.root");
        Path dir = prop != null ? Path.of(prop) : Path.of("").toAbsolutePath();
        for (int i = 0; i < 4 && dir != null; i++, dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("template.yaml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("template.yaml not found above " + Path.of("").toAbsolutePath());
    }

    static StackTemplate load() {
        return new StackTemplate(CloudFormationYaml.load(projectRoot().resolve("template.yaml")));
    }

    Map<String, Object> root() {
        return root;
    }

    Map<String, Object> resources() {
        return map(root.get("Resources"));
    }

    /** Logical ids of resources of one type, in template order. */
    List<String> resourcesOfType(String type) {
        return resources().entrySet().stream()
                .filter(e -> type.equals(map(e.getValue()).get("Type")))
                .map(Map.Entry::getKey)
                .toList();
    }

    Map<String, Object> properties(String logicalId) {
        return map(map(resources().get(logicalId)).get("Properties"));
    }

    /** Environment variable names a function gets: Globals.Function plus its own. */
    Set<String> environmentNames(String functionId) {
        Set<String> names = new LinkedHashSet<>();
        Map<String, Object> globals = map(map(root.get("Globals")).get("Function"));
        names.addAll(map(map(globals.get("Environment")).get("Variables")).keySet());
        names.addAll(map(map(properties(functionId).get("Environment")).get("Variables")).keySet());
        return names;
    }

    /** DynamoDB actions granted to a function, by the logical id of the table each statement names. */
    Map<String, Set<String>> dynamoDbGrants(String functionId) {
        Map<String, Set<String>> grants = new TreeMap<>();
        for (Object policy : list(properties(functionId).get("Policies"))) {
            for (Object statement : list(map(policy).get("Statement"))) {
                Map<String, Object> s = map(statement);
                if (!"Allow".equals(s.get("Effect"))) {
                    continue;
                }
                for (Object resource : asList(s.get("Resource"))) {
                    String table = tableOf(resource);
                    for (Object action : asList(s.get("Action"))) {
                        if (action.toString().startsWith("dynamodb:")) {
                            grants.computeIfAbsent(table, k -> new LinkedHashSet<>()).add(action.toString());
                        }
                    }
                }
            }
        }
        return grants;
    }

    /** One HttpApi event: where it is served and whether it needs a SigV4 signature. */
    record Route(String functionId, String apiId, String method, String path, boolean iam) {
        String routeKey() {
            return method + " " + path;
        }
    }

    /** Every HttpApi event of every function; an event without ApiId is on the implicit API ("ServerlessHttpApi"). */
    List<Route> httpApiRoutes() {
        List<Route> routes = new ArrayList<>();
        for (String fn : resourcesOfType("AWS::Serverless::Function")) {
            for (Object event : map(properties(fn).get("Events")).values()) {
                Map<String, Object> e = map(event);
                if (!"HttpApi".equals(e.get("Type"))) {
                    continue;
                }
                Map<String, Object> p = map(e.get("Properties"));
                Object api = map(p.get("ApiId")).get("Ref");
                routes.add(new Route(fn, api == null ? "ServerlessHttpApi" : api.toString(), String.valueOf(p.get("Method")),
                        String.valueOf(p.get("Path")), "AWS_IAM".equals(map(p.get("Auth")).get("Authorizer"))));
            }
        }
        return routes;
    }

    /**
     * The {@code execute-api:Invoke} grants of a function, as "ApiLogicalId METHOD /path" from
     * resources written {@code !Sub "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/<stage>/METHOD/path"}.
     */
    Set<String> executeApiGrants(String functionId) {
        Set<String> grants = new TreeSet<>();
        Pattern arn = Pattern.compile(
                "arn:\\$\\{AWS::Partition}:execute-api:\\$\\{AWS::Region}:\\$\\{AWS::AccountId}:\\$\\{(\\w+)}/\\$default/([A-Z*]+)(/.*)");
        for (Object policy : list(properties(functionId).get("Policies"))) {
            for (Object statement : list(map(policy).get("Statement"))) {
                Map<String, Object> s = map(statement);
                if (!"Allow".equals(s.get("Effect")) || !asList(s.get("Action")).contains("execute-api:Invoke")) {
                    continue;
                }
                for (Object resource : asList(s.get("Resource"))) {
                    Object sub = map(resource).get("Fn::Sub");
                    Matcher m = arn.matcher(String.valueOf(sub));
                    grants.add(m.matches() ? m.group(1) + " " + m.group(2) + " " + m.group(3)
                            : "unrecognised resource " + resource);
                }
            }
        }
        return grants;
    }

    /** {@code {"Fn::GetAtt": ["T", "Arn"]}} → "T"; anything else is reported as it is. */
    private static String tableOf(Object resource) {
        if (resource instanceof Map<?, ?> m && m.get("Fn::GetAtt") instanceof List<?> att && att.size() == 2
                && "Arn".equals(att.get(1))) {
            return att.get(0).toString();
        }
        return String.valueOf(resource);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : new LinkedHashMap<>();
    }

    static List<Object> list(Object o) {
        return o instanceof List<?> l ? List.copyOf(l) : List.of();
    }

    private static List<Object> asList(Object o) {
        return o instanceof List<?> l ? List.copyOf(l) : o == null ? List.of() : List.of(o);
    }
}
