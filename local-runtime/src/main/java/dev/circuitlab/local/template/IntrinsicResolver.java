package dev.circuitlab.local.template;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Evaluates CloudFormation intrinsic functions (long form) against local values: parameters,
 * pseudo parameters of a fixed local account/region, conditions, mappings and what the
 * local runtime says a resource's {@code Ref} / {@code Fn::GetAtt} is.
 */
final class IntrinsicResolver {

    /** {@code AWS::NoValue}: removes the enclosing property or list element. */
    static final Object NO_VALUE = new Object() {
        @Override
        public String toString() {
            return "AWS::NoValue";
        }
    };

    static final String REGION = "us-east-1";
    static final String ACCOUNT_ID = "123456789012";
    static final String STACK_NAME = "local";
    static final String URL_SUFFIX = "amazonaws.com";

    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}]*)}");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the local runtime answers for resources (tables, functions, APIs, anything else). */
    interface Resources {
        boolean exists(String logicalId);

        Object ref(String logicalId);

        Object getAtt(String logicalId, String attribute);
    }

    private final Map<String, Object> parameters;
    private final Map<String, Object> conditionDefinitions;
    private final Map<String, Object> mappings;
    private final Resources resources;
    private final Map<String, Boolean> conditionValues = new HashMap<>();
    private final Set<String> conditionsInProgress = new HashSet<>();

    IntrinsicResolver(Map<String, Object> parameters, Map<String, Object> conditionDefinitions,
                      Map<String, Object> mappings, Resources resources) {
        this.parameters = parameters;
        this.conditionDefinitions = conditionDefinitions;
        this.mappings = mappings;
        this.resources = resources;
    }

    /** Resolves every intrinsic in a node; may return {@link #NO_VALUE}. */
    Object resolve(Object node) {
        if (node instanceof Map<?, ?> map) {
            if (map.size() == 1) {
                String key = String.valueOf(map.keySet().iterator().next());
                if (key.equals("Ref") || key.startsWith("Fn::")) {
                    return function(key, map.values().iterator().next());
                }
            }
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                Object v = resolve(e.getValue());
                if (v != NO_VALUE) {
                    out.put(String.valueOf(e.getKey()), v);
                }
            }
            return out;
        }
        if (node instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            for (Object item : list) {
                Object v = resolve(item);
                if (v != NO_VALUE) {
                    out.add(v);
                }
            }
            return out;
        }
        return node;
    }

    /** Resolves a node that must end up a string (environment values, names). */
    String resolveText(Object node, String where) {
        Object v = resolve(node);
        if (v instanceof Map<?, ?> || v instanceof List<?>) {
            throw new TemplateException(where + " does not resolve to a single value: " + v);
        }
        return v == null ? "" : Scalars.text(v);
    }

    /** The value of a named condition from the template's {@code Conditions}. */
    boolean condition(String name) {
        Boolean known = conditionValues.get(name);
        if (known != null) {
            return known;
        }
        if (!conditionDefinitions.containsKey(name)) {
            throw new TemplateException("unknown condition '" + name + "'");
        }
        if (!conditionsInProgress.add(name)) {
            throw new TemplateException("condition '" + name + "' refers to itself");
        }
        boolean value = truth(conditionDefinitions.get(name), "condition " + name);
        conditionsInProgress.remove(name);
        conditionValues.put(name, value);
        return value;
    }

    private boolean truth(Object node, String where) {
        if (node instanceof Map<?, ?> map && map.size() == 1 && map.containsKey("Condition")) {
            return condition(String.valueOf(map.get("Condition")));
        }
        Object v = resolve(node);
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(s);
        }
        throw new TemplateException(where + " is not a condition: " + v);
    }

    private Object function(String name, Object arg) {
        return switch (name) {
            case "Ref" -> ref(String.valueOf(resolve(arg)));
            case "Fn::GetAtt" -> getAtt(arg);
            case "Fn::Sub" -> sub(arg);
            case "Fn::Join" -> join(arg);
            case "Fn::Select" -> select(arg);
            case "Fn::Split" -> split(arg);
            case "Fn::If" -> ifThenElse(arg);
            case "Fn::Equals" -> equalsFn(arg);
            case "Fn::Not" -> !truth(args(name, arg, 1).get(0), name);
            case "Fn::And" -> args(name, arg, -1).stream().allMatch(a -> truth(a, name));
            case "Fn::Or" -> args(name, arg, -1).stream().anyMatch(a -> truth(a, name));
            case "Fn::FindInMap" -> findInMap(arg);
            case "Fn::Base64" -> Base64.getEncoder().encodeToString(
                    resolveText(arg, name).getBytes(StandardCharsets.UTF_8));
            case "Fn::GetAZs" -> List.of(REGION + "a", REGION + "b", REGION + "c");
            case "Fn::Length" -> resolveList(arg, name).size();
            case "Fn::ToJsonString" -> toJson(resolve(arg));
            default -> throw new TemplateException(name + " is not supported by the local runtime");
        };
    }

    private Object ref(String name) {
        if (parameters.containsKey(name)) {
            return parameters.get(name);
        }
        switch (name) {
            case "AWS::Region":
                return REGION;
            case "AWS::AccountId":
                return ACCOUNT_ID;
            case "AWS::StackName":
                return STACK_NAME;
            case "AWS::StackId":
                return "arn:aws:cloudformation:" + REGION + ":" + ACCOUNT_ID + ":stack/" + STACK_NAME + "/local";
            case "AWS::Partition":
                return "aws";
            case "AWS::URLSuffix":
                return URL_SUFFIX;
            case "AWS::NoValue":
                return NO_VALUE;
            case "AWS::NotificationARNs":
                return List.of();
            default:
                if (resources.exists(name)) {
                    return resources.ref(name);
                }
                throw new TemplateException("Ref to unknown parameter or resource '" + name + "'");
        }
    }

    private Object getAtt(Object arg) {
        Object resolved = resolve(arg);
        List<?> parts;
        if (resolved instanceof List<?> list && list.size() == 2) {
            parts = list;
        } else if (resolved instanceof String s && s.contains(".")) {
            parts = List.of(s.substring(0, s.indexOf('.')), s.substring(s.indexOf('.') + 1));
        } else {
            throw new TemplateException("Fn::GetAtt needs [Resource, Attribute], got " + resolved);
        }
        String resource = String.valueOf(parts.get(0));
        if (!resources.exists(resource)) {
            throw new TemplateException("Fn::GetAtt of unknown resource '" + resource + "'");
        }
        return resources.getAtt(resource, String.valueOf(parts.get(1)));
    }

    private String sub(Object arg) {
        String template;
        Map<?, ?> variables = Map.of();
        if (arg instanceof String s) {
            template = s;
        } else if (arg instanceof List<?> list && list.size() == 2 && list.get(1) instanceof Map<?, ?> vars) {
            template = String.valueOf(list.get(0));
            variables = vars;
        } else {
            throw new TemplateException("Fn::Sub needs a string or [string, {variables}], got " + arg);
        }
        Matcher m = SUB_VARIABLE.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String expr = m.group(1);
            String replacement;
            if (expr.startsWith("!")) {
                replacement = "${" + expr.substring(1) + "}"; // ${!Literal} stays literal
            } else if (variables.containsKey(expr)) {
                replacement = resolveText(variables.get(expr), "Fn::Sub variable " + expr);
            } else if (expr.contains(".") && !expr.startsWith("AWS::")) {
                replacement = Scalars.text(getAtt(expr));
            } else {
                Object v = ref(expr.trim());
                if (v == NO_VALUE || v instanceof List<?>) {
                    throw new TemplateException("Fn::Sub: ${" + expr + "} is not a single value");
                }
                replacement = Scalars.text(v);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private String join(Object arg) {
        List<?> a = args("Fn::Join", arg, 2);
        String delimiter = resolveText(a.get(0), "Fn::Join delimiter");
        return resolveList(a.get(1), "Fn::Join").stream().map(Scalars::text).collect(Collectors.joining(delimiter));
    }

    private Object select(Object arg) {
        List<?> a = args("Fn::Select", arg, 2);
        int index = Integer.parseInt(resolveText(a.get(0), "Fn::Select index"));
        List<?> list = resolveList(a.get(1), "Fn::Select");
        if (index < 0 || index >= list.size()) {
            throw new TemplateException("Fn::Select index " + index + " is out of range for " + list);
        }
        return list.get(index);
    }

    private List<String> split(Object arg) {
        List<?> a = args("Fn::Split", arg, 2);
        String delimiter = resolveText(a.get(0), "Fn::Split delimiter");
        String source = resolveText(a.get(1), "Fn::Split source");
        return List.of(source.split(Pattern.quote(delimiter), -1));
    }

    private Object ifThenElse(Object arg) {
        List<?> a = args("Fn::If", arg, 3);
        return condition(String.valueOf(a.get(0))) ? resolve(a.get(1)) : resolve(a.get(2));
    }

    private boolean equalsFn(Object arg) {
        List<?> a = args("Fn::Equals", arg, 2);
        return comparable(resolve(a.get(0))).equals(comparable(resolve(a.get(1))));
    }

    private static Object comparable(Object v) {
        return v instanceof Map<?, ?> || v instanceof List<?> ? v : Scalars.text(v);
    }

    private Object findInMap(Object arg) {
        List<?> a = args("Fn::FindInMap", arg, -1);
        if (a.size() < 3) {
            throw new TemplateException("Fn::FindInMap needs [MapName, TopLevelKey, SecondLevelKey]");
        }
        String map = resolveText(a.get(0), "Fn::FindInMap map");
        String top = resolveText(a.get(1), "Fn::FindInMap key");
        String second = resolveText(a.get(2), "Fn::FindInMap key");
        Object level1 = mappings.get(map);
        Object level2 = level1 instanceof Map<?, ?> m1 ? m1.get(top) : null;
        Object value = level2 instanceof Map<?, ?> m2 ? m2.get(second) : null;
        if (value == null) {
            if (a.size() > 3 && a.get(3) instanceof Map<?, ?> options && options.containsKey("DefaultValue")) {
                return resolve(options.get("DefaultValue"));
            }
            throw new TemplateException("Fn::FindInMap: no value for " + map + "/" + top + "/" + second);
        }
        return value;
    }

    private List<?> resolveList(Object node, String where) {
        Object v = resolve(node);
        if (v instanceof List<?> list) {
            return list;
        }
        throw new TemplateException(where + " needs a list, got " + v);
    }

    private static List<?> args(String name, Object arg, int count) {
        if (arg instanceof List<?> list && (count < 0 || list.size() == count)) {
            return list;
        }
        throw new TemplateException(name + " needs " + (count < 0 ? "a list" : count + " arguments") + ", got " + arg);
    }

    private static String toJson(Object v) {
        try {
            return JSON.writeValueAsString(v);
        } catch (JsonProcessingException e) {
            throw new TemplateException("Fn::ToJsonString: " + e.getOriginalMessage(), e);
        }
    }
}
