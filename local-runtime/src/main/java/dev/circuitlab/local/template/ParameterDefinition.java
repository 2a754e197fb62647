package dev.circuitlab.local.template;

import dev.circuitlab.local.LabException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A template {@code Parameters} entry with the constraints CloudFormation checks, so a bad
 * {@code --parameter-overrides} value fails locally the way a deploy would.
 */
public record ParameterDefinition(
        String name,
        String type,
        String defaultValue,
        List<String> allowedValues,
        String allowedPattern,
        Double minValue,
        Double maxValue,
        Integer minLength,
        Integer maxLength,
        String constraintDescription) {

    static ParameterDefinition from(String name, Object spec) {
        if (!(spec instanceof Map<?, ?> map)) {
            throw new TemplateException("parameter " + name + " is not a mapping");
        }
        Object allowed = map.get("AllowedValues");
        List<String> allowedValues = allowed instanceof List<?> list
                ? list.stream().map(String::valueOf).toList()
                : List.of();
        return new ParameterDefinition(
                name,
                stringOr(map.get("Type"), "String"),
                map.containsKey("Default") ? Scalars.text(map.get("Default")) : null,
                allowedValues,
                map.get("AllowedPattern") == null ? null : String.valueOf(map.get("AllowedPattern")),
                number(name, "MinValue", map.get("MinValue")),
                number(name, "MaxValue", map.get("MaxValue")),
                integer(map.get("MinLength")),
                integer(map.get("MaxLength")),
                map.get("ConstraintDescription") == null ? null : String.valueOf(map.get("ConstraintDescription")));
    }

    boolean isList() {
        return type.equals("CommaDelimitedList") || type.startsWith("List<");
    }

    boolean isNumber() {
        return type.equals("Number");
    }

    /** Checks a value (default or override) against the constraints; the message names the parameter. */
    void validate(String value, String origin) {
        String why = violation(value);
        if (why != null) {
            String hint = constraintDescription == null ? "" : " (" + constraintDescription + ")";
            throw new LabException("parameter " + name + " " + origin + " '" + value + "' " + why + hint);
        }
    }

    private String violation(String value) {
        List<String> items = isList() ? List.of(value.split(",", -1)) : List.of(value);
        for (String item : items) {
            String v = isList() ? item.trim() : item;
            if (!allowedValues.isEmpty() && !allowedValues.contains(v)) {
                return "is not one of " + allowedValues;
            }
            if (allowedPattern != null) {
                try {
                    if (!Pattern.compile(allowedPattern).matcher(v).matches()) {
                        return "does not match the pattern " + allowedPattern;
                    }
                } catch (PatternSyntaxException e) {
                    return null; // a pattern Java cannot read is CloudFormation's business, not ours
                }
            }
            if (isNumber() || type.equals("List<Number>")) {
                double d;
                try {
                    d = Double.parseDouble(v.trim());
                } catch (NumberFormatException e) {
                    return "is not a number";
                }
                if (minValue != null && d < minValue) {
                    return "is below the minimum " + Scalars.text(minValue);
                }
                if (maxValue != null && d > maxValue) {
                    return "is above the maximum " + Scalars.text(maxValue);
                }
            }
            if (minLength != null && v.length() < minLength) {
                return "is shorter than " + minLength + " characters";
            }
            if (maxLength != null && v.length() > maxLength) {
                return "is longer than " + maxLength + " characters";
            }
        }
        return null;
    }

    private static String stringOr(Object o, String fallback) {
        return o == null ? fallback : String.valueOf(o);
    }

    private static Double number(String param, String key, Object o) {
        if (o == null) {
            return null;
        }
        try {
            return Double.parseDouble(String.valueOf(o));
        } catch (NumberFormatException e) {
            throw new TemplateException("parameter " + param + ": " + key + " '" + o + "' is not a number");
        }
    }

    private static Integer integer(Object o) {
        return o instanceof Number n ? n.intValue() : null;
    }
}
